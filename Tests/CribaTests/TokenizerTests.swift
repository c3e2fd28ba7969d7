import XCTest

@testable import Criba

final class TokenizerTests: XCTestCase {
    let spanish = Tokenizer(settings: .spanish)
    let basic = Tokenizer(settings: .basic)

    func words(_ text: String, _ t: Tokenizer? = nil) -> [String] { texts((t ?? spanish).tokens(of: text)) }

    // MARK: Basic tokenizer

    func testBasicLowercasesFoldsAccentsKeepsEnye() {
        XCTAssertEqual(words("¿Cuánto CUESTA el Ñandú, señor?", basic), ["cuanto", "cuesta", "el", "ñandu", "señor"])
        XCTAssertEqual(words("pingüino ÁÉÍÓÚÜ àèç", basic), ["pinguino", "aeiouu", "aec"])
    }

    func testBasicSplitsOnNonLettersAndKeepsDigits() {
        XCTAssertEqual(words("hola!!mundo 2x1, talla-38", basic), ["hola", "mundo", "2x1", "talla", "38"])
    }

    func testDecomposedEqualsPrecomposed() {
        // n + U+0303, e + U+0301
        XCTAssertEqual(words("nin\u{303}o cafe\u{301}", basic), words("niño café", basic))
        XCTAssertEqual(words("nin\u{303}o cafe\u{301}"), words("niño café"))
    }

    func testInvalidUTF8AndControlBytesNeverCrash() {
        let garbage: [UInt8] = [0xFF, 0xFE, 0x68, 0x6F, 0x6C, 0x61, 0xC3, 0x00, 0xE2, 0x82, 0x20, 0xF0, 0x9F, 0x98]
        let buffer = TokenBuffer()
        garbage.withUnsafeBufferPointer { spanish.tokenize(bytes: $0, into: buffer) }
        XCTAssertEqual(texts(buffer.tokens), ["hola"])
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let bytes = (0..<rng.below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes.withUnsafeBufferPointer { spanish.tokenize(bytes: $0, into: buffer) }
        }
    }

    // MARK: Normalisation

    func testZeroWidthCharactersAreRemovedWithoutSplitting() {
        XCTAssertEqual(words("gra\u{200B}tis pre\u{00AD}mio\u{FEFF}"), words("gratis premio"))
    }

    func testElongationCollapses() {
        XCTAssertEqual(words("holaaaa graciasss siiii"), ["hola", "gracias", "si"])
        XCTAssertEqual(words("carrrro calllle"), ["carro", "calle"])
        XCTAssertEqual(words("carro leer cooperar"), ["carro", "leer", "cooperar"])
    }

    func testLaughterIsOneToken() {
        for laugh in ["jaja", "jajaja", "JAJAJAJ", "jejeje", "jsjsjs", "jajsjs", "hahaha", "ajajaja"] {
            XCTAssertEqual(words(laugh), ["<jaja>"], laugh)
        }
        XCTAssertEqual(words("hijas ojos jose"), ["hijas", "ojos", "jose"])
    }

    func testLeetAndSpelledOutSpam() {
        XCTAssertEqual(words("gan4ste un pr3mio"), ["ganaste", "un", "premio"])
        XCTAssertEqual(words("G.R.A.T.I.S"), ["gratis"])
        XCTAssertEqual(words("g-r-a-t-i-s"), ["gratis"])
        XCTAssertEqual(words("gr@tis"), ["gratis"])
        XCTAssertEqual(words("2x1 s10 4x4"), ["2x1", "s10", "4x4"])
    }

    // MARK: Placeholders

    func testURLsKeepTheirDomain() {
        let t = words("ingresá a http://premio.example.com/reclamar ya")
        XCTAssertEqual(Array(t.prefix(6)), ["ingresa", "a", "<url>", "premio.example.com", "premio", "example"])
        XCTAssertTrue(words("www.bcr-verifica.top").starts(with: ["<url>", "bcr-verifica.top", "bcr", "verifica", "top"]))
        XCTAssertEqual(words("bncr-alerta.click/x")[0], "<url>")
        XCTAssertEqual(words("hola.como estas"), ["hola", "como", "estas"])
    }

    func testEmail() {
        XCTAssertEqual(words("escribame a ventas@panaderia.example.com"), ["escribame", "a", "<email>", "panaderia.example.com", "panaderia", "example", "com"])
    }

    func testPhoneNumbers() {
        XCTAssertEqual(words("llamame al 8888-8888"), ["llamame", "al", "<phone>"])
        XCTAssertEqual(words("al +506 8000 1234 por favor"), ["al", "<phone>", "por", "favor"])
        XCTAssertEqual(words("whatsapp 6000 0000"), ["whatsapp", "<phone>"])
        XCTAssertEqual(words("+52 55 0000 0000"), ["<phone>"])
    }

    func testMoney() {
        XCTAssertEqual(words("₡15 000"), ["<money>", "<mag5>"])
        XCTAssertEqual(words("₡3.500 el kilo"), ["<money>", "<mag4>", "el", "kilo"])
        XCTAssertEqual(words("$20"), ["<money>", "<mag2>"])
        XCTAssertEqual(words("15k"), ["<money>", "<mag5>"])
        XCTAssertEqual(words("15 mil"), ["<money>", "<mag5>", "mil"])
        XCTAssertEqual(words("15.000 colones"), ["<money>", "<mag5>", "colones"])
        XCTAssertEqual(words("20 rojos"), ["<money>", "<mag5>", "rojos"])
    }

    func testOtherNumbersAndTimes() {
        XCTAssertEqual(words("talla 38"), ["talla", "<num>", "<num2>"])
        XCTAssertEqual(words("a las 10:30 o 8pm"), ["a", "las", "<hora>", "o", "<hora>"])
        XCTAssertEqual(words("son 3 y 250"), ["son", "<num>", "<num1>", "y", "<num>", "<num3>"])
    }

    func testEmojiAndMarks() {
        XCTAssertEqual(words("gracias 🙏🏽😊 ¡¡listo!!"), ["gracias", "🙏", "😊", "!", "listo", "!!"])
        XCTAssertEqual(words("¿hay campo? ??"), ["?", "hay", "campo", "?", "??"])
    }

    func testCodePointClasses() {
        XCTAssertEqual(CodePointClass(0x1F3FD), .invisible, "a skin tone is removed, not an emoji of its own")
        XCTAssertEqual(CodePointClass(0x1F3FA), .emoji)
        XCTAssertEqual(CodePointClass(0x1F600), .emoji)
        XCTAssertEqual(CodePointClass(0xA0), .whitespace)
        XCTAssertEqual(CodePointClass(0x200A), .whitespace)
        XCTAssertEqual(CodePointClass(0x200B), .invisible)
        XCTAssertEqual(CodePointClass(0xBF), .openingMark)
        XCTAssertEqual(CodePointClass(0x20AC), .currency)
        XCTAssertEqual(CodePointClass(0x4E2D), .other)
        XCTAssertEqual(CodePointClass(Decoded.invalid), .other)
        // Each class as the scanner uses it.
        XCTAssertEqual(words("hola\u{A0}mundo\u{3000}ya"), ["hola", "mundo", "ya"])
        XCTAssertEqual(words("hola\u{2003}mundo", basic), ["hola", "mundo"])
        XCTAssertEqual(words("€20 y £5"), ["<money>", "<mag2>", "y", "<money>", "<mag1>"])
        XCTAssertEqual(words("ok👍🏻 ¿si"), ["ok", "👍", "?", "si"])
        XCTAssertEqual(words("ok👍hola 中", basic), ["ok", "hola"], "without placeholders an emoji only splits words")
    }

    func testCapsFlag() {
        XCTAssertEqual(words("GANASTE UN IPHONE").last, "<allcaps>")
        XCTAssertEqual(words("hola, es URGENTE").last, "<caps>")
        XCTAssertFalse(words("hola, es urgente").contains("<caps>"))
    }

    // MARK: Chat Spanish

    func testChatAbbreviations() {
        XCTAssertEqual(words("xq no me contestan"), ["porque", "no", "me", "contestan"])
        XCTAssertEqual(words("q precio tiene"), ["que", "precio", "tiene"])
        XCTAssertEqual(words("porfa"), ["por", "favor"])
        XCTAssertEqual(words("tmb tienen envio"), ["tambien", "tienen", "envio"])
        XCTAssertEqual(words("dnd estan"), ["donde", "estan"])
        XCTAssertEqual(words("salu2"), ["saludos"])
        XCTAssertEqual(words("pago x sinpe"), ["pago", "por", "sinpe"])
    }

    // MARK: Voseo

    func testVoseoPresentMapsToTu() {
        XCTAssertEqual(words("querés"), words("quieres"))
        XCTAssertEqual(words("tenés"), words("tienes"))
        XCTAssertEqual(words("podés"), words("puedes"))
        XCTAssertEqual(words("sabés"), words("sabes"))
        XCTAssertEqual(words("vivís"), words("vives"))
        XCTAssertEqual(words("decís"), words("dices"))
        XCTAssertEqual(words("venís"), words("vienes"))
        XCTAssertEqual(words("preferís"), words("prefieres"))
        XCTAssertEqual(words("pedís"), words("pides"))
        XCTAssertEqual(words("sos"), words("eres"))
        XCTAssertEqual(words("queres tenes podes"), words("quieres tienes puedes"))
    }

    func testVoseoImperativesAndEnclitics() {
        XCTAssertEqual(words("mirá"), words("mira"))
        XCTAssertEqual(words("poné"), words("pon"))
        XCTAssertEqual(words("vení"), words("ven"))
        XCTAssertEqual(words("decí"), words("di"))
        XCTAssertEqual(words("decime"), words("dime"))
        XCTAssertEqual(words("mandame"), words("mándame"))
        XCTAssertEqual(words("avisame"), words("avísame"))
        XCTAssertEqual(words("fijate"), words("fíjate"))
        XCTAssertEqual(words("decímelo"), words("dímelo"))
        XCTAssertEqual(words("pedime"), words("pídeme"))
    }

    func testPreteriteFormsAreNotTakenForImperatives() {
        XCTAssertEqual(words("ya pedí y recibí el paquete"), ["ya", "pedi", "y", "recibi", "el", "paquete"])
    }

    func testWholeMessagesInVoseoAndTuMatch() {
        XCTAssertEqual(
            words("Hola! tenés el queque de chocolate? decime cuánto sale y si me lo podés mandar"),
            words("Hola! tienes el queque de chocolate? dime cuánto sale y si me lo puedes mandar"))
        XCTAssertEqual(
            words("vos sabés si abren el domingo? avisame porfa"),
            words("tú sabes si abren el domingo? avísame por favor").map { $0 == "tu" ? "vos" : $0 })
    }

    // MARK: Settings

    func testEachStepCanBeSwitchedOff() {
        var s = TokenizerSettings.spanish
        s.voseo = false
        XCTAssertEqual(texts(Tokenizer(settings: s).tokens(of: "tenés")), ["tenes"])
        s.chatAbbreviations = false
        XCTAssertEqual(texts(Tokenizer(settings: s).tokens(of: "xq")), ["xq"])
        s.placeholders = false
        XCTAssertEqual(texts(Tokenizer(settings: s).tokens(of: "8888-8888 🙏")), ["8888", "8888"])
    }
}

/// 150 customer messages written in voseo next to the same message in tú
/// (`Tests/Fixtures/voseo_pairs.tsv`): the tokenizer must see the same tokens.
final class VoseoPairTests: XCTestCase {
    func testVoseoMessagesTokenizeLikeTheirTuVersions() throws {
        let path = repositoryRoot.appendingPathComponent("Tests/Fixtures/voseo_pairs.tsv").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let tokenizer = Tokenizer()
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            XCTAssertEqual(texts(tokenizer.tokens(of: String(parts[0]))), texts(tokenizer.tokens(of: String(parts[1]))), String(line))
            checked += 1
        }
        XCTAssertEqual(checked, 150)
        // And without the voseo step they differ: the test is not vacuous.
        var off = TokenizerSettings.spanish
        off.voseo = false
        let plain = Tokenizer(settings: off)
        let differing = text.split(separator: "\n").filter { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            return parts.count == 2 && texts(plain.tokens(of: String(parts[0]))) != texts(plain.tokens(of: String(parts[1])))
        }.count
        XCTAssertGreaterThan(differing, 100)
    }
}

final class WordTableTests: XCTestCase {
    func testStopwordsNeverIncludeNegationsOrQuestionWords() {
        let tables = LanguageTables.shared
        for word in ["no", "ni", "nunca", "nada", "nadie", "tampoco", "sin", "que", "como", "cuando", "donde",
                     "cuanto", "cuanta", "cuantos", "cuantas", "cual", "cuales", "quien", "porque"] {
            XCTAssertNil(tables.stopwords.lookup(Array(word.utf8)), word)
        }
        XCTAssertNotNil(tables.stopwords.lookup(Array("el".utf8)))
        XCTAssertGreaterThan(tables.stopwords.count, 100)
    }

    func testTablesAreWellFormed() {
        let tables = LanguageTables.shared
        XCTAssertGreaterThan(tables.voseo.count, 300)
        XCTAssertGreaterThan(tables.abbreviations.count, 100)
        // Every key and replacement is lower-case and accent-folded (ñ allowed).
        let allowed = Set("abcdefghijklmnopqrstuvwxyzñ0123456789".unicodeScalars)
        for k in 0..<tables.voseo.count {
            let key = String(decoding: tables.voseo.key(at: k), as: UTF8.self)
            XCTAssertTrue(key.unicodeScalars.allSatisfy(allowed.contains), key)
        }
        for expansion in tables.abbreviationExpansions {
            for word in expansion {
                let w = String(decoding: word, as: UTF8.self)
                XCTAssertTrue(w.unicodeScalars.allSatisfy(allowed.contains), w)
            }
        }
    }

    /// The byte-level reading of the word tables gives the rows that splitting the text as
    /// `String`s by `Character` gives, for the shipped tables and for edge cases.
    func testLanguageTableRowsMatchCharacterSplitting() {
        func reference(_ tsv: String) -> [[String]] {
            tsv.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
                let trimmed = line.drop(while: { $0 == " " })
                if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
                return trimmed.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            }
        }
        let edges = "\n\n  # comment\nuno\tdos\n   \n  tres\t\tcuatro\t\nmandá\tmanda\timp\n#\nfinal"
        for tsv in [voseoTableTSV, chatAbbreviationTableTSV, spanishStopwordTableTSV, edges, "", "\n"] {
            XCTAssertEqual(LanguageTables.rows(tsv), reference(tsv))
        }
        XCTAssertEqual(LanguageTables.rows(edges).count, 4)
    }
}

/// The table of tokenizer settings drives defaults, metadata, cache tags and `--without`.
final class TokenizerSettingsTableTests: XCTestCase {
    func testTableNamesEverySettingOnce() {
        let table = TokenizerSettings.switches
        let properties = Mirror(reflecting: TokenizerSettings()).children.filter { $0.value is Bool }
        XCTAssertEqual(table.count, properties.count, "every Bool setting has one row")
        XCTAssertEqual(Set(table.map(\.metadataKey)).count, table.count)
        XCTAssertEqual(Set(table.compactMap(\.withoutName)).count, table.compactMap(\.withoutName).count)
        // Each row's key path is its own setting: flipping it changes exactly one property.
        var flipped = Set<String>()
        for row in table {
            var s = TokenizerSettings()
            s[keyPath: row.keyPath].toggle()
            let changed = zip(Mirror(reflecting: s).children, Mirror(reflecting: TokenizerSettings()).children)
                .filter { ($0.0.value as? Bool) != ($0.1.value as? Bool) }.map { $0.0.label ?? "" }
            XCTAssertEqual(changed.count, 1, row.metadataKey)
            flipped.formUnion(changed)
        }
        XCTAssertEqual(flipped.count, table.count)
    }

    func testDefaultsBasicAndMetadataComeFromTheTable() throws {
        let spanish = TokenizerSettings()
        XCTAssertTrue(spanish.voseo && spanish.stemming && spanish.foldAccents && !spanish.stopwords)
        let basic = TokenizerSettings.basic
        XCTAssertTrue(basic.foldAccents)
        XCTAssertFalse(basic.placeholders || basic.voseo || basic.stemming || basic.chatAbbreviations)
        var odd = TokenizerSettings()
        odd.laughter = false
        odd.stopwords = true
        let metadata = Dictionary(uniqueKeysWithValues: odd.metadata().map { ($0.key, $0.value) })
        XCTAssertEqual(metadata["tokenizer.laughter"], "false")
        XCTAssertEqual(metadata["tokenizer.stopwords"], "true")
        let back = try TokenizerSettings(metadata: { key in
            guard let v = metadata[key] else { throw DataError(file: "test", line: 0, message: key) }
            return v == "true"
        })
        XCTAssertEqual(back, odd)
        // Tags tell settings apart within their kind: tokens, or word features only.
        XCTAssertNotEqual(odd.tag(changingTokens: true), spanish.tag(changingTokens: true))
        XCTAssertNotEqual(odd.tag(changingTokens: false), spanish.tag(changingTokens: false))
    }
}
