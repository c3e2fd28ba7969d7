/// Every setting of the tokenizer. Stored in each model so that a model is always used with
/// the tokenizer it was trained with.
///
/// Each setting is declared here as a property and once in ``switches``, the table that
/// gives its default, its value in ``basic``, its name in model files, its name for the
/// command line's `--without`, and whether it changes tokens or only word features; the
/// defaults, the model metadata, the caches' settings tags and the command line all read
/// that table (the properties' initial values are only placeholders for it).
public struct TokenizerSettings: Sendable, Hashable, Codable {
    /// Fold accents (á→a … ü→u), keeping ñ distinct from n. Lower-casing is always on.
    public var foldAccents = false
    /// Replace URLs, e-mails, phone numbers, money, other numbers, times, `!`/`?` runs and
    /// ALL-CAPS words by placeholder tokens, and keep each emoji as a token.
    public var placeholders = false
    /// Collapse letter runs of three or more (holaaaa→hola, carrrro→carro).
    public var collapseElongation = false
    /// Map laughter (jaja, jejeje, jsjs, hahaha) to one token.
    public var laughter = false
    /// Undo obfuscations common in spam: digits inside words (gan4ste), `@` inside words,
    /// spaced or dotted letters (G.R.A.T.I.S).
    public var deobfuscate = false
    /// Expand chat abbreviations (q→que, xq→porque, tmb→también …) from the documented table.
    public var chatAbbreviations = false
    /// Map voseo verb forms to the tú form (querés→quieres, decime→dime, sos→eres).
    public var voseo = false
    /// Stem words with the Snowball Spanish stemmer.
    public var stemming = false
    /// Leave stopwords out of word unigrams (never negations or question words).
    public var stopwords = false

    /// One setting of the tokenizer, with everything that names it.
    public struct Switch: Sendable {
        /// The setting.
        public let keyPath: WritableKeyPath<TokenizerSettings, Bool> & Sendable
        /// Its key in a model file's metadata (`tokenizer.` and the name).
        public let metadataKey: String
        /// The step's name for the command line's `--without`, or `nil` for a setting that
        /// is not turned off that way.
        public let withoutName: String?
        /// Its value in ``TokenizerSettings/spanish`` (the default).
        public let spanish: Bool
        /// Its value in ``TokenizerSettings/basic``.
        public let basic: Bool
        /// Whether it changes the tokens (else only the features of words: stems, stopwords).
        let changesTokens: Bool
    }

    /// Every setting, in the order the command line lists them.
    public static let switches: [Switch] = [
        Switch(keyPath: \.voseo, metadataKey: "tokenizer.voseo", withoutName: "voseo", spanish: true, basic: false, changesTokens: true),
        Switch(keyPath: \.stemming, metadataKey: "tokenizer.stemming", withoutName: "stemming", spanish: true, basic: false, changesTokens: false),
        Switch(keyPath: \.chatAbbreviations, metadataKey: "tokenizer.chat_abbreviations", withoutName: "abbreviations", spanish: true, basic: false, changesTokens: true),
        Switch(keyPath: \.placeholders, metadataKey: "tokenizer.placeholders", withoutName: "placeholders", spanish: true, basic: false, changesTokens: true),
        Switch(keyPath: \.collapseElongation, metadataKey: "tokenizer.collapse_elongation", withoutName: "elongation", spanish: true, basic: false, changesTokens: true),
        Switch(keyPath: \.laughter, metadataKey: "tokenizer.laughter", withoutName: "laughter", spanish: true, basic: false, changesTokens: true),
        Switch(keyPath: \.deobfuscate, metadataKey: "tokenizer.deobfuscate", withoutName: "deobfuscation", spanish: true, basic: false, changesTokens: true),
        Switch(keyPath: \.foldAccents, metadataKey: "tokenizer.fold_accents", withoutName: "accent-folding", spanish: true, basic: true, changesTokens: true),
        Switch(keyPath: \.stopwords, metadataKey: "tokenizer.stopwords", withoutName: nil, spanish: false, basic: false, changesTokens: false),
    ]

    /// Creates settings; the defaults are the full Spanish pipeline.
    public init() {
        for s in Self.switches { self[keyPath: s.keyPath] = s.spanish }
    }

    /// The full Spanish pipeline (the default).
    public static let spanish = TokenizerSettings()

    /// The basic tokenizer: lower-case, fold accents except ñ, split on non-letters/digits.
    public static var basic: TokenizerSettings {
        var s = TokenizerSettings()
        for sw in switches { s[keyPath: sw.keyPath] = sw.basic }
        return s
    }

    /// The settings as model metadata: one key and value (`true`/`false`) per setting.
    func metadata() -> [(key: String, value: String)] {
        Self.switches.map { ($0.metadataKey, "\(self[keyPath: $0.keyPath])") }
    }

    /// Settings read from model metadata: `value(key)` gives each setting's value.
    init(metadata value: (String) throws -> Bool) rethrows {
        self.init()
        for s in Self.switches { self[keyPath: s.keyPath] = try value(s.metadataKey) }
    }

    /// Bits naming the settings that change tokens (`changesTokens`) or only word
    /// features, for the settings tags of caches (never persisted).
    func tag(changingTokens: Bool) -> UInt64 {
        var tag: UInt64 = 1
        for s in Self.switches where s.changesTokens == changingTokens {
            tag = tag << 1 | (self[keyPath: s.keyPath] ? 1 : 0)
        }
        return tag
    }
}

/// How token streams become feature vectors.
public struct FeatureSettings: Sendable, Hashable, Codable {
    /// Term weighting of a feature's count in one message.
    public enum Weighting: String, Sendable, Codable, CaseIterable {
        /// The raw count.
        case count
        /// `1 + ln(count)`.
        case sublinear
        /// 1 if the feature occurs.
        case binary
    }

    /// Longest word n-gram (1 = unigrams only, 2 = also bigrams, up to 3).
    public var wordNgrams: Int = 2
    /// Shortest character n-gram inside a word (word boundaries count as a character).
    public var charNgramMin: Int = 2
    /// Longest character n-gram inside a word; 0 turns character n-grams off.
    public var charNgramMax: Int = 5
    /// Base-2 logarithm of the number of hash buckets.
    public var bucketBits: Int = 22
    /// Term weighting.
    public var weighting: Weighting = .sublinear
    /// Multiply by inverse document frequency (learned at training time).
    public var idf: Bool = true
    /// Scale word features and character features each to unit L2 norm.
    public var normalize: Bool = true

    /// Creates settings; the defaults suit short messages.
    public init() {}

    /// One feature setting as model metadata: its key, its value as text, and how to read it
    /// back (`nil`: the text is not a valid value, with the reason). The table every reader
    /// and writer of a model's feature settings goes through.
    struct Field: Sendable {
        let metadataKey: String
        let text: @Sendable (FeatureSettings) -> String
        let read: @Sendable (inout FeatureSettings, String) -> String?
    }

    /// Every feature setting, once.
    static let fields: [Field] = [
        integer("features.word_ngrams", \.wordNgrams),
        integer("features.char_ngram_min", \.charNgramMin),
        integer("features.char_ngram_max", \.charNgramMax),
        integer("features.bucket_bits", \.bucketBits),
        Field(
            metadataKey: "features.weighting", text: { $0.weighting.rawValue },
            read: { s, text in
                guard let w = Weighting(rawValue: text) else { return "unknown weighting" }
                s.weighting = w
                return nil
            }),
        flag("features.idf", \.idf),
        flag("features.normalize", \.normalize),
    ]

    private static func integer(_ key: String, _ path: WritableKeyPath<FeatureSettings, Int> & Sendable) -> Field {
        Field(
            metadataKey: key, text: { "\($0[keyPath: path])" },
            read: { s, text in
                guard let v = Int(text) else { return "setting `\(key)` is not an integer" }
                s[keyPath: path] = v
                return nil
            })
    }

    private static func flag(_ key: String, _ path: WritableKeyPath<FeatureSettings, Bool> & Sendable) -> Field {
        Field(
            metadataKey: key, text: { "\($0[keyPath: path])" },
            read: { s, text in
                switch text {
                case "true": s[keyPath: path] = true
                case "false": s[keyPath: path] = false
                default: return "setting `\(key)` is not true/false"
                }
                return nil
            })
    }

    /// The settings as model metadata: one key and value per setting.
    func metadata() -> [(key: String, value: String)] {
        Self.fields.map { ($0.metadataKey, $0.text(self)) }
    }

    /// Settings read from model metadata: `value(key)` gives each setting's text; a text
    /// that is no valid value throws `invalid(reason)`.
    init(metadata value: (String) throws -> String, invalid: (String) -> any Error) throws {
        self.init()
        for field in Self.fields {
            if let problem = field.read(&self, try value(field.metadataKey)) { throw invalid(problem) }
        }
    }

    /// Number of hash buckets.
    public var buckets: Int { 1 << bucketBits }

    /// Word unigrams only, raw counts: the classic naive Bayes view.
    public static var wordCounts: FeatureSettings {
        var s = FeatureSettings()
        s.wordNgrams = 1
        s.charNgramMin = 0
        s.charNgramMax = 0
        s.weighting = .count
        s.idf = false
        s.normalize = false
        return s
    }

    /// Checks ranges; returns a message describing the first problem, or `nil`.
    public func problem() -> String? {
        if !(1...3).contains(wordNgrams) { return "word n-grams must be 1, 2 or 3 (got \(wordNgrams))" }
        if charNgramMax != 0 {
            if !(1...8).contains(charNgramMin) || !(charNgramMin...8).contains(charNgramMax) {
                return "character n-grams must satisfy 1 ≤ min ≤ max ≤ 8 (got \(charNgramMin)...\(charNgramMax))"
            }
        }
        if !(10...26).contains(bucketBits) { return "bucket bits must be in 10...26 (got \(bucketBits))" }
        return nil
    }
}
