/// Every setting of the tokenizer. Stored in each model so that a model is always used with
/// the tokenizer it was trained with.
public struct TokenizerSettings: Sendable, Hashable, Codable {
    /// Fold accents (á→a … ü→u), keeping ñ distinct from n. Lower-casing is always on.
    public var foldAccents: Bool = true
    /// Replace URLs, e-mails, phone numbers, money, other numbers, times, `!`/`?` runs and
    /// ALL-CAPS words by placeholder tokens, and keep each emoji as a token.
    public var placeholders: Bool = true
    /// Collapse letter runs of three or more (holaaaa→hola, carrrro→carro).
    public var collapseElongation: Bool = true
    /// Map laughter (jaja, jejeje, jsjs, hahaha) to one token.
    public var laughter: Bool = true
    /// Undo obfuscations common in spam: digits inside words (gan4ste), `@` inside words,
    /// spaced or dotted letters (G.R.A.T.I.S).
    public var deobfuscate: Bool = true
    /// Expand chat abbreviations (q→que, xq→porque, tmb→también …) from the documented table.
    public var chatAbbreviations: Bool = true
    /// Map voseo verb forms to the tú form (querés→quieres, decime→dime, sos→eres).
    public var voseo: Bool = true
    /// Stem words with the Snowball Spanish stemmer.
    public var stemming: Bool = true
    /// Leave stopwords out of word unigrams (never negations or question words).
    public var stopwords: Bool = false

    /// Creates settings; the defaults are the full Spanish pipeline.
    public init() {}

    /// The full Spanish pipeline (the default).
    public static let spanish = TokenizerSettings()

    /// The basic tokenizer: lower-case, fold accents except ñ, split on non-letters/digits.
    public static var basic: TokenizerSettings {
        var s = TokenizerSettings()
        s.placeholders = false
        s.collapseElongation = false
        s.laughter = false
        s.deobfuscate = false
        s.chatAbbreviations = false
        s.voseo = false
        s.stemming = false
        s.stopwords = false
        return s
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
