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

    /// Creates a tokenizer.
    public init(settings: TokenizerSettings = .spanish) {
        self.settings = settings
        self.tables = LanguageTables.shared
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
        buffer.removeAll()
        var scanner = Scanner(input: input, settings: settings, tables: tables, buffer: buffer)
        scanner.run(into: buffer)
    }
}
