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

    func testStopwordsAreDroppedFromUnigramsOnlyWhenAsked() {
        var s = TokenizerSettings.spanish
        s.stopwords = true
        var f = FeatureSettings()
        f.charNgramMax = 0
        f.wordNgrams = 1
        let with = FeatureExtractor(tokenizer: s, features: f).namedFeatures("no tienen el queque").map(\.name)
        XCTAssertEqual(with, ["w:no", "w:tien", "w:quequ"])
        let without = FeatureExtractor(features: f).namedFeatures("no tienen el queque").map(\.name)
        XCTAssertEqual(without, ["w:no", "w:tien", "w:el", "w:quequ"])
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

/// The caches of the inference path (``ChunkCache``: chunk → tokens and cells;
/// ``FeatureWorkspace``: word → features) only speed things up: a warm cache gives exactly
/// what a fresh one or none gives.
final class MemoTests: XCTestCase {
    /// Messages where a chunk's tokens depend on what came before (numbers, money words,
    /// currency signs, marks, ALL-CAPS counts) or repeat within one message.
    static let tricky = [
        "15 mil", "cuesta 15 mil colones", "le mando 15 mil mañana, 15 mil", "$ hola 20", "₡ 5000 y HOLA HOLA",
        "5 × 000", "15 000 colones", "¿hola? ¿hola? hola", "GRATIS GRATIS gratis", "HOLA", "hola hola HOLA",
        "x favor x", "mil 15 mil", "8888 8888 hola", "+506 8888-8888 decime", "decime decime DECIME",
        "$ www.premio.com 500", "ganaste.com 20 mil", "holaaaa jajaja holaaa", "q onda, xq no?", "",
    ]

    static func corpus(_ names: [String] = ["Data/train.csv", "Data/test.csv"]) throws -> [String] {
        var texts = tricky
        for name in names {
            texts += try LabelledCSV(path: repositoryRoot.appendingPathComponent(name).path).examples().map(\.text)
        }
        return texts
    }

    func testWarmChunkMemoTokenizesLikeAFreshBuffer() throws {
        let texts = try Self.corpus()
        for settings in [TokenizerSettings.spanish, .basic] {
            let tokenizer = Tokenizer(settings: settings)
            let shared = TokenBuffer()
            let cache = ChunkCache()
            for pass in 0..<2 {
                for text in texts {
                    var t = text
                    t.withUTF8 { tokenizer.tokenize(bytes: $0, into: shared, cache: cache) }
                    let fresh = tokenizer.tokens(of: text)
                    XCTAssertEqual(shared.tokens, fresh, "pass \(pass): \(text)")
                    if shared.tokens != fresh { return }
                }
            }
            XCTAssertGreaterThan(cache.memo.count, 1000, "the corpus fills the cache")
        }
    }

    func testWarmWorkspaceExtractsLikeAFreshOneAcrossSettings() throws {
        let texts = try Self.corpus(["Data/test.csv"])
        var words = FeatureSettings()
        words.charNgramMax = 0
        var chars = FeatureSettings()
        chars.charNgramMin = 3
        chars.charNgramMax = 4
        chars.bucketBits = 16
        var stop = TokenizerSettings.spanish
        stop.stopwords = true
        // One workspace shared by extractors with different settings, used in turns.
        let extractors = [
            FeatureExtractor(), FeatureExtractor(features: words), FeatureExtractor(features: chars),
            FeatureExtractor(tokenizer: stop), FeatureExtractor(tokenizer: .basic, features: chars),
        ]
        let shared = FeatureWorkspace()
        for (i, text) in (texts + texts).enumerated() {
            let extractor = extractors[i % extractors.count]
            extractor.extract(text, into: shared)
            let fresh = FeatureWorkspace()
            extractor.extract(text, into: fresh)
            XCTAssertEqual(shared.keys, fresh.keys, text)
            XCTAssertEqual(shared.counts, fresh.counts, text)
            if shared.keys != fresh.keys { return }
        }
    }

    /// The word-at-a-time tail load and comparison of ``ByteMemo`` against byte-by-byte
    /// references, for every length up to 40 and every difference position.
    func testByteMemoWordLoadsMatchByteByByte() {
        var rng = SplitMix64(seed: 11)
        for n in 0...40 {
            let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            a.withUnsafeBytes { raw in
                // The hash mixes eight bytes at a time, then the tail from the last multiple of 8.
                if n % 8 != 0 {
                    let start = n - n % 8
                    var expected: UInt64 = 0
                    for k in start..<n { expected |= UInt64(a[k]) << UInt64(8 * (k - start)) }
                    XCTAssertEqual(loadTail(raw.baseAddress!, from: start, count: n), expected, "n \(n)")
                }
            }
            a.withUnsafeBufferPointer { pa in
                guard let base = pa.baseAddress else { return }
                a.map { $0 }.withUnsafeBufferPointer { copy in
                    XCTAssertTrue(bytesEqual(base, copy.baseAddress, count: n), "n \(n)")
                }
                for d in 0..<n {
                    var b = a
                    b[d] ^= 0x40
                    b.withUnsafeBufferPointer { pb in
                        XCTAssertFalse(bytesEqual(base, pb.baseAddress, count: n), "n \(n) differs at \(d)")
                    }
                }
            }
        }
    }

    func testByteMemoStaysBoundedAndFindsWhatItHolds() {
        let memo = ByteMemo(limit: 4)
        memo.reset(tag: 7)
        var stored: [String: UInt32] = [:]
        for k in 0..<10 {
            let key = "clave\(k)"
            Array(key.utf8).withUnsafeBufferPointer { buf in
                let h = ByteMemo.hash(buf)
                XCTAssertEqual(memo.find(buf, hash: h), -1)
                memo.startOverIfFull()
                let start = memo.begin()
                memo.words.append(UInt32(k))
                memo.bytes.append(contentsOf: buf)
                XCTAssertGreaterThanOrEqual(memo.commit(buf, hash: h, wordStart: start.wordStart, byteStart: start.byteStart), 0)
            }
            stored[key] = UInt32(k)
            XCTAssertLessThanOrEqual(memo.count, 4)
        }
        XCTAssertEqual(memo.tag, 7, "starting over keeps the settings tag")
        var found = 0
        for (key, value) in stored {
            Array(key.utf8).withUnsafeBufferPointer { buf in
                let slot = memo.find(buf, hash: ByteMemo.hash(buf))
                if slot >= 0 {
                    found += 1
                    XCTAssertEqual(Array(memo.words(of: slot)), [value])
                    XCTAssertEqual(String(decoding: memo.bytes(of: slot), as: UTF8.self), key)
                }
            }
        }
        XCTAssertEqual(found, memo.count)
        XCTAssertGreaterThan(found, 0)
    }

    /// Regression: when the chunk memo started over in the middle of a message, tokens
    /// replayed earlier in that message kept feature cells into the old entries; the next
    /// entry was stored over them, so "perro" got the features of "hola" (and a later replay
    /// of the overwritten entry could read garbage). Memos now fill up within a message and
    /// start over only before the next one.
    func testMemoStartingOverMidMessageKeepsFeatures() {
        let extractor = FeatureExtractor()
        let tiny = FeatureWorkspace(memoLimit: 2)
        for text in ["hola", "adios", "hola perro", "perro hola", "hola perro gato"] {
            extractor.extract(text, into: tiny)
            let fresh = FeatureWorkspace()
            extractor.extract(text, into: fresh)
            XCTAssertEqual(tiny.keys, fresh.keys, text)
            XCTAssertEqual(tiny.counts, fresh.counts, text)
        }
    }

    /// Regression: the word memo's settings tag kept 8 bits of the n-gram lengths, so
    /// extractors with character n-grams up to 256 and up to 257 (unvalidated settings) shared
    /// the features of a 256-byte word.
    func testWordMemoTellsLongNgramSettingsApart() {
        var upTo256 = FeatureSettings()
        upTo256.charNgramMin = 250
        upTo256.charNgramMax = 256
        var upTo257 = upTo256
        upTo257.charNgramMax = 257
        let word = String(repeating: "ab", count: 128)
        let shared = FeatureWorkspace()
        for features in [upTo256, upTo257, upTo256] {
            let extractor = FeatureExtractor(features: features)
            extractor.extract(word, into: shared)
            let fresh = FeatureWorkspace()
            extractor.extract(word, into: fresh)
            XCTAssertEqual(shared.keys, fresh.keys, "n-grams up to \(features.charNgramMax)")
            XCTAssertEqual(shared.counts, fresh.counts, "n-grams up to \(features.charNgramMax)")
        }
    }

    /// The same with the default memo: it fills up at 32768 chunks.
    func testDefaultMemoStartingOverMidMessageKeepsFeatures() {
        let extractor = FeatureExtractor(features: FeatureSettings.wordCounts)
        let warm = FeatureWorkspace()
        extractor.extract("hola", into: warm)
        // Distinct letter-only chunks fill the memo.
        var batch: [String] = []
        for k in 0..<((1 << 15) - 1) {
            var n = k
            var word = "w"
            repeat {
                word.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(n % 26))))
                n /= 26
            } while n > 0
            batch.append(word)
            if batch.count == 64 {
                extractor.extract(batch.joined(separator: " "), into: warm)
                batch.removeAll()
            }
        }
        extractor.extract(batch.joined(separator: " "), into: warm)
        XCTAssertEqual(warm.chunks.memo.count, 1 << 15, "the memo is full")
        for text in ["hola perro", "perro hola gato"] {
            extractor.extract(text, into: warm)
            let fresh = FeatureWorkspace()
            extractor.extract(text, into: fresh)
            XCTAssertEqual(warm.keys, fresh.keys, text)
            XCTAssertEqual(warm.counts, fresh.counts, text)
        }
    }

    // MARK: Randomized differential test

    /// Fragments whose tokens depend on context or on rare scanner paths.
    static let fragments: [String] = [
        "15", "mil", "15 mil", "15mil", "15k", "20usd", "8pm", "5 dolares", "20 rojos", "mil", "colones", "dolares",
        "lucas", "palos", "$", "$5", "$ 5", "₡", "₡5000", "€", "£", "€20", "5€", "15 000", "15.000", "2,5", "10:30",
        "8888 8888", "8888-8888", "+506", "+506 8888 8888", "12345678", "¿", "?", "¿hola?", "¿¿", "??", "!!", "¡",
        "¡hola!", "hola?", "?hola", "!", "¿?", "HOLA", "GRATIS", "GRATIS!!", "Hola", "hola", "HOLA", "OK", "SI", "ÁRBOL",
        "ÑANDÚ", "Ñandú", "ñ", "x", "q", "xq", "tmb", "pq", "k", "xfa", "decime", "querés", "sos", "poné", "hacé",
        "decíselo", "mirá", "pedí", "jajaja", "jsjs", "hahaha", "JAJAJA", "holaaaa", "carrrro", "sííí", "www.premio.com",
        "https://x.com/a?b=1", "http://bit.ly/Ab", "ganaste.com", "(premio.net)", "premio.com?", "ana@correo.com",
        "ANA@Correo.COM", "g@nar", "gan@ste", "G.R.A.T.I.S", "g-r-a-t-i-s", "G*R*A*T*I*S", "g_r_a", "a.b", "gan4ste", "h0la",
        "pr3mio", "4sd", "a1", "😀", "👍🏽", "❤️", "🇨🇷", "☎", "n\u{303}", "N\u{303}", "e\u{301}", "pone\u{301}",
        "u\u{308}", "a\u{300}", "a\u{200B}b", "\u{200B}hola", "ho\u{00AD}la", "\u{FEFF}", "\u{2060}", "e\u{0301}\u{0301}",
        "×", "÷", "ß", "ǅ", "Ĳ", "ﬁ", "ℌ", "α", "ДА", "日本", "…", "—", "\"", "(", ")", "<", ">", ":", ";", ",", ".", "-", "*",
        "_", "@", "+", "/", "#", "'", "a", "el", "de", "no", "que", "precio", "cuanto", "cuesta",
        String(repeating: "a", count: 47), String(repeating: "ab", count: 24), String(repeating: "b", count: 49),
        String(repeating: "xy", count: 150), String(repeating: "ñ", count: 30), String(repeating: "Á", count: 26),
        String(repeating: "jaja", count: 12), "a" + String(repeating: "?", count: 60),
    ]

    /// Separators between fragments (nothing glues two fragments into one chunk).
    static let separators: [String] = [" ", " ", " ", "", "  ", "\t", "\n", "\u{00A0}", "\u{2028}", "\u{3000}", " \r\n"]

    /// A random message as bytes: fragments (often repeated), random bytes and random scalars.
    static func randomMessage(_ rng: inout SplitMix64, pool: [[UInt8]]) -> [UInt8] {
        let seps = separators.map { Array($0.utf8) }
        var out: [UInt8] = []
        // Mostly short messages; some long ones, so a tiny memo starts over inside a message.
        let parts = rng.next() % 8 == 0 ? Int(rng.next() % 120) : Int(rng.next() % 9)
        for p in 0..<parts {
            if p > 0 || rng.next() % 4 == 0 { out += seps[Int(rng.next() % UInt64(seps.count))] }
            switch rng.next() % 16 {
            case 0:
                // Random bytes, including invalid UTF-8 and truncated sequences.
                let lead: [UInt8] = [0xC3, 0xE2, 0xF0, 0xFF, 0x80, 0xBF, 0xC0, 0xED, 0xF4]
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    out.append(rng.next() % 2 == 0 ? lead[Int(rng.next() % UInt64(lead.count))] : UInt8(truncatingIfNeeded: rng.next()))
                }
            case 1:
                // A random scalar (any plane), or a combining / invisible / emoji scalar.
                let ranges: [ClosedRange<UInt32>] = [
                    0x20...0x7E, 0xA0...0x17F, 0x300...0x36F, 0x2000...0x206F, 0x20A0...0x20CF, 0x1F300...0x1FAFF,
                    0xFE00...0xFE0F, 0x1F3FB...0x1F3FF, 0xE0000...0xE007F, 0x0...0x10FFFF,
                ]
                let r = ranges[Int(rng.next() % UInt64(ranges.count))]
                if let scalar = Unicode.Scalar(r.lowerBound + UInt32(rng.next() % UInt64(r.upperBound - r.lowerBound + 1))) {
                    out += Array(String(Character(scalar)).utf8)
                }
            default:
                // Fragments repeat, so warm memos get hits.
                out += pool[Int(rng.next() % UInt64(pool.count))]
            }
        }
        return out
    }

    static var settingsVariants: [TokenizerSettings] {
        var noPlaceholders = TokenizerSettings.spanish
        noPlaceholders.placeholders = false
        var keepAccents = TokenizerSettings.spanish
        keepAccents.foldAccents = false
        var plain = TokenizerSettings.spanish
        plain.deobfuscate = false
        plain.chatAbbreviations = false
        plain.voseo = false
        var stop = TokenizerSettings.spanish
        stop.stopwords = true
        stop.stemming = false
        return [.spanish, .basic, noPlaceholders, keepAccents, plain, stop]
    }

    /// The pool: fragments, a few whole corpus-like messages, and glued pairs.
    static func fragmentPool(_ rng: inout SplitMix64) -> [[UInt8]] {
        var pool = fragments.map { Array($0.utf8) } + tricky.map { Array($0.utf8) }
        for _ in 0..<60 {
            let a = fragments[Int(rng.next() % UInt64(fragments.count))]
            let b = fragments[Int(rng.next() % UInt64(fragments.count))]
            pool.append(Array((a + b).utf8))
        }
        return pool
    }

    func testRandomMessagesTokenizeLikeWithoutCache() {
        var rng = SplitMix64(seed: 0xC21B_A5EE)
        let pool = Self.fragmentPool(&rng)
        let variants = Self.settingsVariants
        // Warm caches: the default one, a tiny one that starts over every few chunks, and one
        // whose word budget runs out first.
        let warm = [ChunkCache(), ChunkCache(limit: 3), ChunkCache(limit: 50, wordLimit: 40)]
        let buffer = TokenBuffer()
        let reference = TokenBuffer()
        for round in 0..<6000 {
            let message = Self.randomMessage(&rng, pool: pool)
            // Settings change in runs, so memos warm up and then meet other settings.
            let tokenizer = Tokenizer(settings: variants[(round / 300) % variants.count])
            message.withUnsafeBufferPointer { bytes in
                tokenizer.tokenize(bytes: bytes, into: reference)
                let expected = reference.tokens
                tokenizer.tokenize(bytes: bytes, into: buffer, cache: ChunkCache())
                XCTAssertEqual(buffer.tokens, expected, "fresh cache, round \(round): \(Self.show(message))")
                for (k, cache) in warm.enumerated() {
                    tokenizer.tokenize(bytes: bytes, into: buffer, cache: cache)
                    XCTAssertEqual(buffer.tokens, expected, "warm cache \(k), round \(round): \(Self.show(message))")
                }
            }
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        XCTAssertGreaterThan(warm[0].memo.count, 100, "the messages fill the cache")
    }

    func testRandomMessagesExtractLikeAMemoFreeWorkspace() {
        var rng = SplitMix64(seed: 0x5EED_F00D)
        let pool = Self.fragmentPool(&rng)
        var words = FeatureSettings()
        words.charNgramMax = 0
        var chars = FeatureSettings()
        chars.charNgramMin = 1
        chars.charNgramMax = 8
        chars.bucketBits = 12
        var trigrams = FeatureSettings()
        trigrams.wordNgrams = 3
        trigrams.charNgramMin = 3
        trigrams.charNgramMax = 3
        var extractors: [FeatureExtractor] = []
        for settings in Self.settingsVariants {
            for features in [FeatureSettings(), words, chars, trigrams] {
                extractors.append(FeatureExtractor(tokenizer: settings, features: features))
            }
        }
        let warm = [
            FeatureWorkspace(), FeatureWorkspace(memoLimit: 3), FeatureWorkspace(memoLimit: 40, memoWordLimit: 200),
        ]
        let reference = FeatureWorkspace(memoLimit: 0)
        for round in 0..<3000 {
            let message = Self.randomMessage(&rng, pool: pool)
            // Mostly long runs of one extractor, sometimes a switch every message.
            let extractor = round % 1000 < 900
                ? extractors[(round / 150) % extractors.count] : extractors[Int(rng.next() % UInt64(extractors.count))]
            message.withUnsafeBufferPointer { bytes in
                extractor.extract(bytes: bytes, into: reference)
                let fresh = FeatureWorkspace()
                extractor.extract(bytes: bytes, into: fresh)
                XCTAssertEqual(fresh.keys, reference.keys, "fresh workspace, round \(round): \(Self.show(message))")
                XCTAssertEqual(fresh.counts, reference.counts, "fresh workspace, round \(round): \(Self.show(message))")
                for (k, ws) in warm.enumerated() {
                    if round % 7 == 3 {
                        // The workspace's token buffer used by a bare tokenizer in between.
                        let other = Tokenizer(settings: Self.settingsVariants[round % Self.settingsVariants.count])
                        other.tokenize(bytes: bytes, into: ws.tokens)
                    }
                    extractor.extract(bytes: bytes, into: ws)
                    XCTAssertEqual(ws.tokens.tokens, reference.tokens.tokens, "warm workspace \(k), round \(round): \(Self.show(message))")
                    XCTAssertEqual(ws.keys, reference.keys, "warm workspace \(k), round \(round): \(Self.show(message))")
                    XCTAssertEqual(ws.counts, reference.counts, "warm workspace \(k), round \(round): \(Self.show(message))")
                }
            }
            if testRun?.failureCount ?? 0 > 0 { return }
        }
    }

    /// A message for failure output: valid UTF-8 as text, other bytes escaped.
    static func show(_ bytes: [UInt8]) -> String {
        var s = ""
        var i = 0
        while i < bytes.count {
            var end = i + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 && end - i < 4 { end += 1 }
            if let piece = String(validating: bytes[i..<end], as: UTF8.self) {
                s += piece.unicodeScalars.map { $0.value < 0x20 || (0x7F...0xA0).contains($0.value) || (0x200B...0x206F).contains($0.value) || (0xFE00...0xFEFF).contains($0.value) || (0x300...0x36F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
            } else {
                s += bytes[i..<end].map { "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            }
            i = end
        }
        return "\"" + s + "\""
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
