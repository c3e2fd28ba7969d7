/// Spanish tokenizer for customer messages, working on UTF-8 bytes.
///
/// The pipeline, each step switchable in ``TokenizerSettings``:
/// 1. Split on white space into chunks; a chunk that is a link or an e-mail address becomes
///    `<url>`/`<email>` plus its domain as one token.
/// 2. Inside a chunk, letters and digits form words. Upper case is lowered; accents are
///    folded (á→a … ü→u) but ñ stays; decomposed letters (n + U+0303) equal precomposed
///    ones; zero-width and invisible characters are removed without splitting words.
/// 3. Numbers become placeholders keeping a little shape: `<phone>`, `<money>` with `<magN>`
///    (N digits), `<hora>`, or `<num>` with `<numN>`. Each emoji is a token; `?`/`¿` and
///    `!`/`¡` become `?`/`!` (`??`/`!!` for runs).
/// 4. Words: runs of three or more letters collapse (holaaaa→hola; r and l keep two:
///    carrrro→carro); laughter becomes `<jaja>`; leet digits between letters are undone
///    (gan4ste→ganaste); chat abbreviations expand (xq→porque); voseo forms map to the tú
///    form (querés→quieres, decime→dime, sos→eres).
/// 5. A message with ALL-CAPS words gets one `<caps>` token at the end.
///
/// Stemming happens later, in ``FeatureExtractor``, so that character n-grams see whole words.
public struct Tokenizer: Sendable {
    /// The settings.
    public let settings: TokenizerSettings
    let tables: LanguageTables

    /// Names the settings that change tokens, for a ``ChunkTokenCache``.
    let cacheTag: UInt64

    /// Creates a tokenizer.
    public init(settings: TokenizerSettings = .spanish) {
        self.settings = settings
        self.tables = LanguageTables.shared
        self.cacheTag = settings.tag(changingTokens: true)
    }

    /// Tokenizes a message (allocates; use ``tokenize(_:into:)`` in loops).
    public func tokens(of text: String) -> [Token] {
        let buffer = TokenBuffer()
        tokenize(text, into: buffer)
        return buffer.tokens
    }

    /// Tokenizes a message into `buffer`, replacing its contents.
    public func tokenize(_ text: String, into buffer: TokenBuffer) {
        var text = text
        text.withUTF8 { tokenize(bytes: $0, into: buffer) }
    }

    /// Tokenizes UTF-8 bytes into `buffer`, replacing its contents. Invalid UTF-8 sequences
    /// act as separators.
    ///
    /// - Complexity: O(*n*) in the number of bytes.
    public func tokenize(bytes input: UnsafeBufferPointer<UInt8>, into buffer: TokenBuffer) {
        tokenize(bytes: input, into: buffer, cache: NoChunkCache.none)
    }

    /// Tokenizes UTF-8 bytes into `buffer` through `cache` (see ``ChunkTokenCache``): the
    /// tokens are those of ``tokenize(bytes:into:)``, whatever the cache holds.
    @inline(__always)
    func tokenize<Cache: ChunkTokenCache>(bytes input: UnsafeBufferPointer<UInt8>, into buffer: TokenBuffer, cache: Cache) {
        buffer.removeAll()
        var scanner = Scanner(input: input, settings: settings, tables: tables, buffer: buffer)
        scanner.run(into: buffer, cache: cache, tag: cacheTag)
    }

    /// Longer chunks (a pasted blob) never go through a ``ChunkTokenCache``.
    static let longestCachedChunk = 48
}

/// Keeps the tokens of chunks met before, for ``Tokenizer/tokenize(bytes:into:cache:)``.
///
/// A chunk (a run of non-white space) that starts with a letter and holds no digit or
/// currency sign turns into the same tokens wherever it appears, unless a money word makes
/// it depend on a number before it. For such a chunk of at most
/// ``Tokenizer/longestCachedChunk`` bytes the tokenizer asks the cache first, and offers it
/// the tokens it computed when the cache had none. What a cache keeps beside the tokens is
/// its own business; it only ever speeds tokenizing up.
protocol ChunkTokenCache: AnyObject {
    /// Whether the type keeps anything (false only for ``NoChunkCache``, whose calls are
    /// then left out).
    static var isActive: Bool { get }
    /// Starts a message tokenized with settings named `tokenizerTag`: a cache holding tokens
    /// of other settings forgets them.
    func beginMessage(tokenizerTag: UInt64)
    /// Hints that the chunk of ``ByteMemo/hash(_:)`` `hash` will be asked for (no effect
    /// on results).
    func prefetch(hash: UInt64)
    /// Appends the tokens stored for `chunk` to `tokens` and returns the chunk's ALL-CAPS and
    /// lower-case word counts, or returns `nil` when the cache has none.
    func appendTokens(of chunk: UnsafeBufferPointer<UInt8>, hash: UInt64, to tokens: TokenBuffer) -> (caps: Int, lower: Int)?
    /// Offers tokens `first..<tokens.count`, with their ALL-CAPS and lower-case word counts,
    /// as the tokens of `chunk`.
    func store(_ chunk: UnsafeBufferPointer<UInt8>, hash: UInt64, tokens: TokenBuffer, from first: Int, caps: Int, lower: Int)
}

/// The absence of a ``ChunkTokenCache``: every chunk is scanned.
final class NoChunkCache: ChunkTokenCache, Sendable {
    static var isActive: Bool { false }
    /// The one instance.
    static let none = NoChunkCache()
    func beginMessage(tokenizerTag: UInt64) {}
    func prefetch(hash: UInt64) {}
    func appendTokens(of chunk: UnsafeBufferPointer<UInt8>, hash: UInt64, to tokens: TokenBuffer) -> (caps: Int, lower: Int)? { nil }
    func store(_ chunk: UnsafeBufferPointer<UInt8>, hash: UInt64, tokens: TokenBuffer, from first: Int, caps: Int, lower: Int) {}
}
