/// The kind of a token produced by ``Tokenizer``.
public enum TokenKind: UInt8, Sendable {
    /// A word: lower-case letters (accents folded, ñ kept) and digits.
    case word = 0
    /// A placeholder such as `<url>`, `<money>`, `<phone>`, `<jaja>`, `<caps>`.
    case placeholder = 1
    /// One emoji (skin tones and variation selectors removed).
    case emoji = 2
    /// A `?`/`!` mark or run (`?`, `??`, `!`, `!!`).
    case mark = 3
}

/// A token: its normalised text and kind.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    /// The normalised text.
    public var text: String
    /// The kind.
    public var kind: TokenKind
    /// The token text.
    public var description: String { text }
}

/// Reusable storage for the tokens of one message: token texts are byte ranges in one buffer,
/// so tokenizing allocates nothing once the buffers have grown. Not thread-safe: use one per
/// thread or task.
public final class TokenBuffer {
    /// Concatenated bytes of all tokens.
    let bytes = RawBuffer<UInt8>(capacity: 1024)
    /// End offset in `bytes` of each token.
    let ends = RawBuffer<Int32>(capacity: 128)
    /// Kind of each token.
    let kinds = RawBuffer<TokenKind>(capacity: 128)
    /// Scanner scratch kept between messages.
    let word = RawBuffer<UInt8>(capacity: 64)
    let shape = RawBuffer<UInt8>(capacity: 64)
    let extra = RawBuffer<UInt8>(capacity: 64)
    /// One chunk (a run of non-whitespace) of the message being scanned.
    struct Chunk {
        var start: Int32
        var end: Int32
        /// Whether its tokens depend on nothing but its bytes and it goes through a
        /// ``ChunkTokenCache``; then its ``ByteMemo/hash(_:)``.
        var cached: Bool
        var hash: UInt64
    }
    /// The chunks of the last message, in order.
    let chunks = RawBuffer<Chunk>(capacity: 64)

    /// Creates an empty buffer.
    public init() {}

    /// The number of tokens.
    public var count: Int { ends.count }

    /// Removes all tokens, keeping capacity.
    public func removeAll() {
        bytes.removeAll()
        ends.removeAll()
        kinds.removeAll()
    }

    /// Start offset of token `i`.
    @inline(__always)
    func start(_ i: Int) -> Int { i == 0 ? 0 : Int(ends[i - 1]) }

    /// Bytes of token `i` (valid until the buffer changes).
    @inline(__always)
    func token(_ i: Int) -> UnsafeBufferPointer<UInt8> { bytes.buffer(start(i)..<Int(ends[i])) }

    /// The tokens as values (allocates; for display and tests).
    public var tokens: [Token] {
        (0..<count).map { i in Token(text: String(decoding: token(i), as: UTF8.self), kind: kinds[i]) }
    }

    @inline(__always)
    func append(_ token: UnsafeBufferPointer<UInt8>, kind: TokenKind) {
        bytes.append(contentsOf: token)
        ends.append(Int32(bytes.count))
        kinds.append(kind)
    }

    @inline(__always)
    func append(_ token: [UInt8], kind: TokenKind) {
        token.withUnsafeBufferPointer { append($0, kind: kind) }
    }

    @inline(__always)
    func append(_ token: StaticString, kind: TokenKind) {
        token.withUTF8Buffer { append($0, kind: kind) }
    }

    /// Appends `n` tokens stored elsewhere: their kinds and lengths packed as
    /// `kind << 24 | length` every `stride` words from `packed`, their bytes in `tokenBytes`.
    @inline(__always)
    func append(packed: UnsafePointer<UInt32>, stride: Int, count n: Int, bytes tokenBytes: UnsafeBufferPointer<UInt8>) {
        ends.reserve(n)
        kinds.reserve(n)
        let endOut = ends.base + ends.count
        let kindOut = kinds.base + kinds.count
        var end = Int32(bytes.count)
        for t in 0..<n {
            let w = packed[stride * t]
            end += Int32(w & 0xFF_FFFF)
            endOut[t] = end
            kindOut[t] = TokenKind(rawValue: UInt8(truncatingIfNeeded: w >> 24)) ?? .word
        }
        bytes.append(contentsOf: tokenBytes)
        ends.count += n
        kinds.count += n
    }

    func removeLast() {
        ends.removeLast()
        kinds.removeLast()
        bytes.count = ends.last.map { Int($0) } ?? 0
    }

    /// Whether token `i` equals `literal`.
    func token(_ i: Int, equals literal: StaticString) -> Bool {
        let t = token(i)
        return literal.withUTF8Buffer { lit in
            guard lit.count == t.count else { return false }
            for k in 0..<lit.count where lit[k] != t[k] { return false }
            return true
        }
    }
}
