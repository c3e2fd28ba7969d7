import CribaShims

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
    /// For each token replayed from ``chunkMemo``, the index in the memo's words of a cell
    /// where a feature extractor keeps the token's features; -1 otherwise.
    let cells = RawBuffer<Int32>(capacity: 128)
    /// Words of a cell: the feature extractor's offset of the token's features, then a word
    /// score memo's generation, entry start and entry length (see ``WordScoreMemo``).
    static let cellWords = 4
    /// Scanner scratch kept between messages.
    let word = RawBuffer<UInt8>(capacity: 64)
    let shape = RawBuffer<UInt8>(capacity: 64)
    let extra = RawBuffer<UInt8>(capacity: 64)
    /// Chunk → tokens, for chunks whose tokens depend on nothing else (see ``Scanner``).
    let chunkMemo: ByteMemo
    /// One chunk (a run of non-whitespace) of the message being scanned.
    struct Chunk {
        var start: Int32
        var end: Int32
        /// Whether it goes through ``chunkMemo``, and then its ``ByteMemo/hash(_:)``.
        var memoisable: Bool
        var hash: UInt64
    }
    /// The chunks of the message being scanned.
    let chunks = RawBuffer<Chunk>(capacity: 64)
    /// Whether chunks go through ``chunkMemo`` (always, except in tests that need a memo-free
    /// reference).
    let memoises: Bool

    /// Creates an empty buffer.
    public init() {
        chunkMemo = ByteMemo(limit: 1 << 15)
        memoises = true
    }

    /// A buffer whose chunk memo holds at most `memoLimit` entries and about `memoWordLimit`
    /// words (tests: a tiny memo starts over often); `memoLimit` 0 memoises nothing.
    init(memoLimit: Int, memoWordLimit: Int = 1 << 22) {
        chunkMemo = ByteMemo(limit: max(memoLimit, 1), wordLimit: memoWordLimit)
        memoises = memoLimit > 0
    }

    /// The number of tokens.
    public var count: Int { ends.count }

    /// Removes all tokens, keeping capacity.
    public func removeAll() {
        bytes.removeAll()
        ends.removeAll()
        kinds.removeAll()
        cells.removeAll()
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
        cells.append(-1)
    }

    @inline(__always)
    func append(_ token: [UInt8], kind: TokenKind) {
        token.withUnsafeBufferPointer { append($0, kind: kind) }
    }

    @inline(__always)
    func append(_ token: StaticString, kind: TokenKind) {
        token.withUTF8Buffer { append($0, kind: kind) }
    }

    /// Appends the tokens of a chunk memo entry: its `words` (after the two ALL-CAPS counts,
    /// `kind << 24 | length` and ``cellWords`` cell words per token) and its token `bytes`;
    /// each token's cell indexes `arena`, the memo's words.
    @inline(__always)
    func replay(_ words: UnsafeBufferPointer<UInt32>, bytes tokenBytes: UnsafeBufferPointer<UInt8>, from arena: RawBuffer<UInt32>) {
        let n = (words.count - 2) / (1 + Self.cellWords)
        ends.reserve(n)
        kinds.reserve(n)
        cells.reserve(n)
        let w = words.baseAddress!
        let cellBase = Int32(w - UnsafePointer(arena.base)) + 3
        let endOut = ends.base + ends.count
        let kindOut = kinds.base + kinds.count
        let cellOut = cells.base + cells.count
        var end = Int32(bytes.count)
        for t in 0..<n {
            let k = 2 + (1 + Self.cellWords) * t
            end += Int32(w[k] & 0xFF_FFFF)
            endOut[t] = end
            kindOut[t] = TokenKind(rawValue: UInt8(truncatingIfNeeded: w[k] >> 24)) ?? .word
            cellOut[t] = cellBase + Int32((1 + Self.cellWords) * t)
            // The features a feature extractor keeps for the token are read soon after.
            if w[k + 1] != 0 { criba_prefetch(arena.base + Int(w[k + 1])) }
        }
        bytes.append(contentsOf: tokenBytes)
        ends.count += n
        kinds.count += n
        cells.count += n
    }

    func removeLast() {
        ends.removeLast()
        kinds.removeLast()
        cells.removeLast()
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
