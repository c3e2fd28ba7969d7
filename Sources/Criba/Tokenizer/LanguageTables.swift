/// The word lists the Spanish tokenizer consults, parsed once from the tables in `Tables/`.
final class LanguageTables: Sendable {
    /// Kind of a voseo entry.
    enum VoseoKind: Int32 {
        /// Present indicative (querés→quieres); applies to a bare word.
        case present = 0
        /// Imperative (poné→pon); applies bare or before enclitic pronouns.
        case imperative = 1
        /// Imperative that is ambiguous bare (pedí = I asked); applies only before enclitics.
        case imperativeWithClitic = 2
    }

    /// Voseo form → index into `voseoReplacements`; payload encodes kind in the low 2 bits.
    let voseo: ByteStringTable
    let voseoReplacements: [[UInt8]]
    /// Chat abbreviation → index into `abbreviationExpansions` (each a list of words).
    let abbreviations: ByteStringTable
    let abbreviationExpansions: [[[UInt8]]]
    /// Stopwords (never negations or question words).
    let stopwords: ByteStringTable
    /// Words that make a preceding number an amount of money; payload = extra powers of ten.
    let moneyWords: ByteStringTable
    /// Suffixes glued to a number that make it money ("15k", "20usd"); payload = powers of ten.
    let moneySuffixes: ByteStringTable
    /// Suffixes glued to a number that make it a time ("8pm").
    let timeSuffixes: ByteStringTable
    /// Top-level domains recognised in links written without a scheme.
    let topLevelDomains: ByteStringTable
    /// Enclitic pronouns, longest first.
    let enclitics: [[UInt8]]

    /// Everything known about a whole word, found with one lookup.
    struct WordInfo {
        /// Index into `abbreviationExpansions`, or -1.
        var abbreviation: Int32 = -1
        /// Payload of the voseo entry (`index << 2 | kind`), or -1.
        var voseo: Int32 = -1
        /// Extra powers of ten if the word is a money word, or -1.
        var money: Int32 = -1
        /// Whether the word is a stopword.
        var stop = false
    }

    /// Union of the abbreviation, voseo, money-word and stopword tables → `wordInfo` index.
    let words: ByteStringTable
    let wordInfo: [WordInfo]

    static let shared = LanguageTables()

    /// The non-empty, non-comment (`#`) lines of a table, leading spaces dropped, split at
    /// tabs. Read as UTF-8 bytes: splitting `String`s by `Character` took most of the
    /// tables' start-up time.
    static func rows(_ tsv: String) -> [[String]] {
        var text = tsv
        return text.withUTF8 { p in
            var out: [[String]] = []
            let n = p.count
            var lineStart = 0
            while lineStart < n {
                var lineEnd = lineStart
                while lineEnd < n && p[lineEnd] != ASCII.lf { lineEnd += 1 }
                var s = lineStart
                while s < lineEnd && p[s] == ASCII.space { s += 1 }
                if s < lineEnd && p[s] != UInt8(ascii: "#") {
                    var fields: [String] = []
                    var fieldStart = s
                    for k in s...lineEnd where k == lineEnd || p[k] == ASCII.tab {
                        fields.append(String(decoding: UnsafeBufferPointer(rebasing: p[fieldStart..<k]), as: UTF8.self))
                        fieldStart = k + 1
                    }
                    out.append(fields)
                }
                lineStart = lineEnd + 1
            }
            return out
        }
    }

    private init() {
        var voseoEntries: [(String, Int32)] = []
        var replacements: [[UInt8]] = []
        for fields in Self.rows(voseoTableTSV) where fields.count >= 3 {
            let kind: VoseoKind
            switch fields[2] {
            case "pres", "subj": kind = .present
            case "imp": kind = .imperative
            case "impcl": kind = .imperativeWithClitic
            default: continue
            }
            voseoEntries.append((String(fields[0]), Int32(replacements.count) << 2 | kind.rawValue))
            replacements.append(Array(fields[1].utf8))
        }
        let voseo = ByteStringTable(voseoEntries.map { (key: $0.0, payload: $0.1) })
        self.voseo = voseo
        voseoReplacements = replacements

        var abbreviationEntries: [(key: String, payload: Int32)] = []
        var expansions: [[[UInt8]]] = []
        for fields in Self.rows(chatAbbreviationTableTSV) where fields.count >= 2 {
            abbreviationEntries.append((key: String(fields[0]), payload: Int32(expansions.count)))
            expansions.append(fields[1].split(separator: " ").map { Array($0.utf8) })
        }
        let abbreviations = ByteStringTable(abbreviationEntries)
        self.abbreviations = abbreviations
        abbreviationExpansions = expansions

        let stopwords = ByteStringTable(
            Self.rows(spanishStopwordTableTSV).map { (key: String($0[0]), payload: 0) })
        self.stopwords = stopwords

        let moneyWords = ByteStringTable([
            ("mil", 3), ("millon", 6), ("millones", 6), ("colones", 0), ("colon", 0), ("rojos", 3), ("rojo", 3),
            ("tejas", 2), ("teja", 2), ("dolares", 0), ("dolar", 0), ("usd", 0), ("pesos", 0), ("euros", 0),
            ("euro", 0), ("lucas", 3), ("luca", 3), ("quetzales", 0), ("lempiras", 0), ("cordobas", 0),
            ("soles", 0), ("bolivares", 0), ("balboas", 0), ("dls", 0), ("dlls", 0), ("mxn", 0), ("cop", 0),
            ("crc", 0), ("eur", 0), ("varos", 0), ("barras", 3), ("palos", 6),
        ].map { (key: $0.0, payload: Int32($0.1)) })
        self.moneyWords = moneyWords
        moneySuffixes = ByteStringTable([
            ("k", 3), ("mil", 3), ("usd", 0), ("dls", 0), ("dlls", 0), ("eur", 0), ("euros", 0), ("colones", 0),
            ("rojos", 3), ("lucas", 3), ("pesos", 0), ("mxn", 0), ("cop", 0), ("crc", 0),
        ].map { (key: $0.0, payload: Int32($0.1)) })
        timeSuffixes = ByteStringTable(
            ["am", "pm", "hrs", "hr", "h", "hs", "horas", "min", "mins"].map { (key: $0, payload: 0) })
        topLevelDomains = ByteStringTable(
            [
                "com", "net", "org", "info", "biz", "top", "xyz", "click", "link", "site", "online", "shop", "store",
                "app", "io", "me", "ly", "co", "cr", "mx", "ar", "uy", "es", "gt", "hn", "sv", "ni", "pa", "cl", "pe",
                "ve", "do", "ec", "bo", "py", "us", "vip", "win", "club", "live", "bet", "fun", "icu", "buzz", "gov",
                "edu", "tk", "ml", "ga", "cf", "gq", "cc", "tv", "pro", "work", "money", "loan", "cash", "bank",
                "page", "web", "cloud", "digital", "email", "tech", "lat", "global", "today", "cam", "rest",
            ].map { (key: $0, payload: 0) })
        var info: [String: WordInfo] = [:]
        for k in 0..<abbreviations.count {
            info[String(decoding: abbreviations.key(at: k), as: UTF8.self), default: WordInfo()].abbreviation =
                abbreviations.payloads[k]
        }
        for k in 0..<voseo.count {
            info[String(decoding: voseo.key(at: k), as: UTF8.self), default: WordInfo()].voseo = voseo.payloads[k]
        }
        for k in 0..<moneyWords.count {
            info[String(decoding: moneyWords.key(at: k), as: UTF8.self), default: WordInfo()].money = moneyWords.payloads[k]
        }
        for k in 0..<stopwords.count {
            info[String(decoding: stopwords.key(at: k), as: UTF8.self), default: WordInfo()].stop = true
        }
        let sortedWords = info.keys.sorted()
        words = ByteStringTable(sortedWords.enumerated().map { (key: $0.element, payload: Int32($0.offset)) })
        wordInfo = sortedWords.map { info[$0]! }
        enclitics = ["melos", "melas", "selos", "selas", "telos", "telas", "noslo", "nosla", "melo", "mela",
                     "selo", "sela", "telo", "tela", "nos", "los", "las", "les", "me", "te", "lo", "la", "le"].map { Array($0.utf8) }
    }
}

extension LanguageTables {
    /// A short fingerprint of the word tables, stored in models: a model trained with other
    /// tables would tokenize differently, so loading it is refused.
    var fingerprint: String {
        var h = FeatureHash.offsetBasis
        for text in [voseoTableTSV, chatAbbreviationTableTSV, spanishStopwordTableTSV] {
            var t = text
            h = t.withUTF8 { FeatureHash.fnv1a($0, from: h) }
            h = (h ^ 0xFF) &* FeatureHash.prime
        }
        return "fnv1a64:" + String(h, radix: 16)
    }
}
