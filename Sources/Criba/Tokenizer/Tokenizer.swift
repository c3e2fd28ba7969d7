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
            if w[k + 1] != 0 { prefetch(arena.base + Int(w[k + 1])) }
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

// MARK: - Byte-level scanner

/// One code point decoded from UTF-8, or `invalid` (length 1).
@usableFromInline
struct Decoded {
    var scalar: UInt32
    var length: Int
    static let invalid: UInt32 = 0xFFFF_FFFF
}

@inline(__always)
func decodeUTF8(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Decoded {
    let b0 = p[i]
    if b0 < 0x80 { return Decoded(scalar: UInt32(b0), length: 1) }
    let n = p.count
    if b0 & 0xE0 == 0xC0 {
        if b0 >= 0xC2, i + 1 < n, p[i + 1] & 0xC0 == 0x80 {
            return Decoded(scalar: UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), length: 2)
        }
    } else if b0 & 0xF0 == 0xE0 {
        if i + 2 < n, p[i + 1] & 0xC0 == 0x80, p[i + 2] & 0xC0 == 0x80 {
            let s = UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
            if s >= 0x800 && !(0xD800...0xDFFF).contains(s) { return Decoded(scalar: s, length: 3) }
        }
    } else if b0 & 0xF8 == 0xF0 {
        if i + 3 < n, p[i + 1] & 0xC0 == 0x80, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 {
            let s = UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F)
            if s >= 0x10000 && s <= 0x10FFFF { return Decoded(scalar: s, length: 4) }
        }
    }
    return Decoded(scalar: Decoded.invalid, length: 1)
}

enum ASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let bang: UInt8 = 0x21
    static let dollar: UInt8 = 0x24
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let hyphen: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let upperA: UInt8 = 0x41
    static let upperZ: UInt8 = 0x5A
    static let underscore: UInt8 = 0x5F
    static let lowerA: UInt8 = 0x61
    static let lowerZ: UInt8 = 0x7A
    static let star: UInt8 = 0x2A
    /// UTF-8 of ñ.
    static let enyeLead: UInt8 = 0xC3
    static let enyeTrail: UInt8 = 0xB1

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- lowerA < 26 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b | 0x20 }
}

/// How the chunk scan of ``Scanner/run(into:)`` treats each byte: 0 for most ASCII bytes,
/// ``space`` for ASCII white space, ``numeric`` for digits and `$` (they make a chunk's tokens
/// depend on its neighbours), ``multibyte`` for bytes from 0x80 (decoded).
enum ChunkByteClass {
    static let space: UInt8 = 1
    static let numeric: UInt8 = 2
    static let multibyte: UInt8 = 3
    /// 256 entries, allocated once and never freed.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            let c = UInt8(b)
            t[b] = c >= 0x80 ? multibyte
                : c == ASCII.space || (c >= 0x09 && c <= 0x0D) ? space
                : ASCII.isDigit(c) || c == ASCII.dollar ? numeric : 0
        }
        return UnsafePointer(t)
    }()
}

/// Folding of U+00C0...U+017F: an ASCII letter, `1` for ñ, `0` for a non-letter.
let latinFold: [UInt8] = {
    let latin1 = Array("aaaaaaaceeeeiiiidñooooo\u{0}ouuuuytsaaaaaaaceeeeiiiidñooooo\u{0}ouuuuyty".unicodeScalars)
    let extendedA = Array("aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs".unicodeScalars)
    var table = [UInt8]()
    for s in latin1 + extendedA {
        table.append(s == "ñ" ? 1 : UInt8(truncatingIfNeeded: s.value))
    }
    precondition(table.count == 0x180 - 0xC0, "latin fold table has \(table.count) entries")
    return table
}()

@inline(__always)
func isWhitespace(_ s: UInt32) -> Bool {
    switch s {
    case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
        0x205F, 0x3000:
        return true
    default:
        return false
    }
}

/// Characters removed without splitting a word: zero-width, soft hyphen, BOM, variation
/// selectors, skin-tone modifiers, tag characters.
@inline(__always)
func isInvisible(_ s: UInt32) -> Bool {
    switch s {
    case 0xAD, 0x034F, 0x180E, 0x200B...0x200F, 0x2060...0x2064, 0xFEFF, 0xFE00...0xFE0F, 0x1F3FB...0x1F3FF,
        0xE0000...0xE007F:
        return true
    default:
        return false
    }
}

@inline(__always)
func isEmoji(_ s: UInt32) -> Bool {
    switch s {
    case 0x1F000...0x1FAFF, 0x2600...0x27BF, 0x2300...0x23FF, 0x2B00...0x2BFF, 0x2190...0x21FF, 0x3030, 0x303D,
        0x3297, 0x3299, 0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x25A0...0x25FF:
        return true
    default:
        return false
    }
}

struct Scanner {
    let input: UnsafeBufferPointer<UInt8>
    let settings: TokenizerSettings
    let tables: LanguageTables

    /// The word being built (lower-case, folded).
    let word: RawBuffer<UInt8>
    var wordLetters = 0
    var wordDigits = 0
    var wordUppers = 0
    var wordHasColon = false
    var wordHasDash = false
    var wordHasPlus = false
    var currencyPending = false
    var wordAtChunkStart = false
    var atChunkEnd = false
    /// Whether the last letter of the word carried an acute accent (poné, hacé).
    var finalAccent = false
    /// Original letters (before leet) to check digit neighbours: 1 = letter, 2 = digit.
    let shape: RawBuffer<UInt8>

    /// A number waiting to be joined with the next group ("15 000", "8888 8888").
    var pendingNumber = PendingNumber()
    var capsWords = 0
    var lowerWords = 0
    /// Set when a token depended on the tokens before it (a money word after a number).
    var contextual = false
    /// Whether the buffer memoises chunks (see ``TokenBuffer/memoises``).
    let memoises: Bool
    let scratch: RawBuffer<UInt8>

    struct PendingNumber {
        var active = false
        var digits = 0
        var groups = 0
        var minGroup = 0
        var lastGroup = 0
        var plus = false
        var currency = false
        var colon = false
        var dash = false
        var chunkEndedAfter = false
    }

    init(input: UnsafeBufferPointer<UInt8>, settings: TokenizerSettings, tables: LanguageTables, buffer: TokenBuffer) {
        self.input = input
        self.settings = settings
        self.tables = tables
        word = buffer.word
        shape = buffer.shape
        scratch = buffer.extra
        memoises = buffer.memoises
        word.removeAll()
        shape.removeAll()
        if buffer.chunkMemo.tag != memoTag { buffer.chunkMemo.reset(tag: memoTag) }
        buffer.chunkMemo.startOverIfFull()
    }

    mutating func run(into out: TokenBuffer) {
        let n = input.count
        // Pass 1: the message's chunks (runs of non-whitespace), and for each one that could
        // go through the memo its hash, with a prefetch of the memo slot it starts probing at.
        // A chunk that starts with a letter and holds no digit or currency sign turns into
        // tokens by itself alone (no number or money context): memoisable.
        let chunks = out.chunks
        chunks.removeAll()
        let memo = out.chunkMemo
        let classes = ChunkByteClass.table
        var i = 0
        while i < n {
            let b = input[i]
            if b < 0x80 {
                if b == ASCII.space || (b >= 0x09 && b <= 0x0D) { i += 1; continue }
            } else {
                let d = decodeUTF8(input, i)
                if d.scalar != Decoded.invalid && isWhitespace(d.scalar) { i += d.length; continue }
            }
            let first = input[i]
            var memoisable = ASCII.isLetter(first)
                || (first == 0xC3 && i + 1 < n && input[i + 1] & 0xC0 == 0x80 && latinFold[Int(input[i + 1] & 0x3F)] != 0)
            var j = i
            while j < n {
                let c = input[j]
                let cls = classes[Int(c)]
                if cls == 0 {
                    j += 1
                } else if cls == ChunkByteClass.space {
                    break
                } else if cls == ChunkByteClass.numeric {
                    memoisable = false
                    j += 1
                } else {
                    let d = decodeUTF8(input, j)
                    if d.scalar != Decoded.invalid && isWhitespace(d.scalar) { break }
                    if d.scalar == 0x20A1 || d.scalar == 0x20AC || d.scalar == 0xA3 { memoisable = false }
                    j += d.length
                }
            }
            memoisable = memoisable && memoises && j - i <= Self.longestMemoisedChunk
            var h: UInt64 = 0
            if memoisable {
                h = ByteMemo.hash(UnsafeBufferPointer(rebasing: input[i..<j]))
                memo.prefetchSlot(hash: h)
            }
            chunks.append(TokenBuffer.Chunk(start: Int32(i), end: Int32(j), memoisable: memoisable, hash: h))
            i = j
        }
        // (Prefetching the entries the slots point to as a second pass cost more than it saved:
        // 70 against 80 MB/s in the tokenizer benchmark, no gain in classify.)
        // Pass 2: the tokens.
        var previousChunkEnd = -1
        for k in 0..<chunks.count {
            let chunk = chunks[k]
            let i = Int(chunk.start)
            let j = Int(chunk.end)
            if chunk.memoisable && !currencyPending {
                // The chunk's first word would flush a pending number before anything else.
                flushNumber(into: out)
                memoisedChunk(i, j, hash: chunk.hash, into: out)
            } else {
                // A number group may continue across exactly one space.
                if pendingNumber.active && !(previousChunkEnd == i - 1 && input[i - 1] == ASCII.space) {
                    flushNumber(into: out)
                }
                self.chunk(i, j, into: out)
            }
            previousChunkEnd = j
        }
        flushNumber(into: out)
        if settings.placeholders && capsWords > 0 {
            out.append(lowerWords == 0 && capsWords >= 2 ? "<allcaps>" : "<caps>", kind: .placeholder)
        }
    }

    // MARK: Chunks

    static let longestMemoisedChunk = 48

    /// Settings bits that name a chunk memo's contents.
    var memoTag: UInt64 {
        var tag: UInt64 = 1
        @inline(__always) func bit(_ flag: Bool) { tag = tag << 1 | (flag ? 1 : 0) }
        bit(settings.foldAccents)
        bit(settings.placeholders)
        bit(settings.collapseElongation)
        bit(settings.laughter)
        bit(settings.deobfuscate)
        bit(settings.chatAbbreviations)
        bit(settings.voseo)
        return tag
    }

    /// Tokenizes a chunk through the buffer's memo: a hit replays the stored tokens and
    /// ALL-CAPS counts; a miss tokenizes and stores them, unless a money word made the result
    /// depend on the tokens before it. An entry's words are the ALL-CAPS and lower-case word
    /// counts, then for each token `kind << 24 | length` and ``TokenBuffer/cellWords`` cell
    /// words (0 until a feature extractor or a word score memo fills them, see
    /// ``TokenBuffer/cells``).
    @inline(__always)
    mutating func memoisedChunk(_ s: Int, _ e: Int, hash h: UInt64, into out: TokenBuffer) {
        let memo = out.chunkMemo
        let key = UnsafeBufferPointer(rebasing: input[s..<e])
        let found = memo.find(key, hash: h)
        if found >= 0 {
            let words = memo.words(of: found)
            capsWords += Int(words[0])
            lowerWords += Int(words[1])
            out.replay(words, bytes: memo.bytes(of: found), from: memo.words)
        } else {
            tokenizeAndMemoise(s, e, hash: h, into: out)
        }
    }

    /// The miss path of ``memoisedChunk(_:_:hash:into:)``.
    @inline(never)
    mutating func tokenizeAndMemoise(_ s: Int, _ e: Int, hash h: UInt64, into out: TokenBuffer) {
        let memo = out.chunkMemo
        let key = UnsafeBufferPointer(rebasing: input[s..<e])
        let tokensBefore = out.count
        let capsBefore = capsWords
        let lowerBefore = lowerWords
        contextual = false
        chunk(s, e, into: out)
        if contextual || pendingNumber.active || currencyPending || memo.isFull { return }
        let start = memo.begin()
        memo.words.append(UInt32(capsWords - capsBefore))
        memo.words.append(UInt32(lowerWords - lowerBefore))
        for t in tokensBefore..<out.count {
            let token = out.token(t)
            memo.words.append(UInt32(out.kinds[t].rawValue) << 24 | UInt32(token.count))
            for _ in 0..<TokenBuffer.cellWords { memo.words.append(0) }
            memo.bytes.append(contentsOf: token)
        }
        if memo.commit(key, hash: h, wordStart: start.wordStart, byteStart: start.byteStart) >= 0 {
            for t in tokensBefore..<out.count {
                out.cells[t] = Int32(start.wordStart + 2 + (1 + TokenBuffer.cellWords) * (t - tokensBefore) + 1)
            }
        }
    }

    mutating func chunk(_ s: Int, _ e: Int, into out: TokenBuffer) {
        if settings.placeholders && e - s >= 4 {
            var dot = false
            var at = false
            for k in s..<e {
                let c = input[k]
                if c == ASCII.dot { dot = true } else if c == ASCII.at { at = true }
            }
            if dot, let host = urlHost(s, e) {
                flushNumber(into: out)
                out.append("<url>", kind: .placeholder)
                emitHost(host, into: out)
                return
            }
            if dot && at, let host = emailHost(s, e) {
                flushNumber(into: out)
                out.append("<email>", kind: .placeholder)
                emitHost(host, into: out)
                return
            }
        }
        if settings.deobfuscate && spelledOut(s, e, into: out) { return }

        var i = s
        while i < e {
            let b = input[i]
            if b < 0x80 {
                if ASCII.isLetter(b) {
                    if b <= ASCII.upperZ { wordUppers += 1 }
                    appendLetter(ASCII.lower(b))
                } else if ASCII.isDigit(b) {
                    if word.isEmpty {
                        wordHasPlus = i > s && input[i - 1] == ASCII.plus
                        wordAtChunkStart = i == s || (i == s + 1 && wordHasPlus)
                    }
                    word.append(b)
                    shape.append(2)
                    wordDigits += 1
                } else if settings.placeholders
                    && (b == ASCII.dot || b == ASCII.comma || b == ASCII.colon || b == ASCII.hyphen)
                    && !word.isEmpty && ASCII.isDigit(word[word.count - 1]) && i + 1 < e
                    && ASCII.isDigit(input[i + 1]) && wordLetters == 0
                {
                    // A separator inside a number: 15.000, 2,5, 10:30, 8888-8888.
                    if b == ASCII.colon { wordHasColon = true }
                    if b == ASCII.hyphen { wordHasDash = true }
                } else if b == ASCII.at && settings.deobfuscate && wordLetters > 0 && wordDigits == 0
                    && i + 1 < e && ASCII.isLetter(input[i + 1])
                {
                    appendLetter(ASCII.lowerA)
                } else if b == ASCII.question || b == ASCII.bang {
                    endWord(into: out)
                    i = mark(i, e, into: out)
                    continue
                } else if b == ASCII.dollar {
                    endWord(into: out)
                    currencyPending = true
                } else {
                    endWord(into: out)
                }
                i += 1
                continue
            }
            let d = decodeUTF8(input, i)
            let scalar = d.scalar
            if scalar >= 0xC0 && scalar < 0x180 {
                let f = latinFold[Int(scalar) - 0xC0]
                if f == 0 {
                    endWord(into: out)
                } else {
                    let upper = scalar < 0x100 ? (scalar < 0xDF) : (scalar & 1 == 0)
                    if upper { wordUppers += 1 }
                    if f == 1 {
                        appendEnye()
                    } else if settings.foldAccents {
                        appendLetter(f)
                    } else {
                        appendUnfolded(scalar, folded: f)
                    }
                    finalAccent = Self.acute.contains(scalar)
                }
            } else if scalar >= 0x300 && scalar <= 0x36F {
                // Combining mark: a tilde turns a preceding n into ñ; other marks are folded away.
                if scalar == 0x303 && !word.isEmpty && word[word.count - 1] == UInt8(ascii: "n") {
                    word.removeLast()
                    shape.removeLast()
                    wordLetters -= 1
                    appendEnye()
                } else {
                    if scalar == 0x301 && !word.isEmpty { finalAccent = true }
                    if !settings.foldAccents && !word.isEmpty { composeAccent(scalar) }
                }
            } else if isInvisible(scalar) {
                // removed, word continues
            } else if scalar == 0xBF || scalar == 0xA1 {
                // ¿ ¡
                endWord(into: out)
                if settings.placeholders {
                    emitMark(question: scalar == 0xBF, run: 1, into: out)
                }
            } else if scalar == 0x20A1 || scalar == 0x20AC || scalar == 0xA3 {
                // ₡ € £
                endWord(into: out)
                currencyPending = true
            } else if settings.placeholders && isEmoji(scalar) {
                endWord(into: out)
                flushNumber(into: out)
                out.append(UnsafeBufferPointer(rebasing: input[i..<(i + d.length)]), kind: .emoji)
            } else {
                endWord(into: out)
            }
            i += d.length
        }
        atChunkEnd = true
        endWord(into: out)
        atChunkEnd = false
    }

    /// Handles a run of `?`/`!` starting at `i`; returns the index after it.
    mutating func mark(_ i: Int, _ e: Int, into out: TokenBuffer) -> Int {
        var j = i
        var questions = 0
        var bangs = 0
        while j < e && (input[j] == ASCII.question || input[j] == ASCII.bang) {
            if input[j] == ASCII.question { questions += 1 } else { bangs += 1 }
            j += 1
        }
        if settings.placeholders {
            flushNumber(into: out)
            if questions > 0 { emitMark(question: true, run: questions, into: out) }
            if bangs > 0 { emitMark(question: false, run: bangs, into: out) }
        }
        return j
    }

    mutating func emitMark(question: Bool, run: Int, into out: TokenBuffer) {
        flushNumber(into: out)
        let last = out.count - 1
        // ¿...? pairs produce one mark: skip if the same single mark was just emitted.
        if run == 1 && last >= 0 && out.kinds[last] == .mark && out.token(last, equals: question ? "?" : "!") {
            return
        }
        if question {
            out.append(run >= 2 ? "??" : "?", kind: .mark)
        } else {
            out.append(run >= 2 ? "!!" : "!", kind: .mark)
        }
    }

    // MARK: Words

    @inline(__always)
    mutating func appendLetter(_ b: UInt8) {
        word.append(b)
        shape.append(1)
        wordLetters += 1
        finalAccent = false
    }

    @inline(__always)
    mutating func appendEnye() {
        word.append(ASCII.enyeLead)
        word.append(ASCII.enyeTrail)
        shape.append(1)
        shape.append(1)
        wordLetters += 1
    }

    mutating func appendUnfolded(_ scalar: UInt32, folded: UInt8) {
        var s = scalar
        if s < 0x100 {
            if s >= 0xC0 && s <= 0xDE && s != 0xD7 { s += 0x20 }
        } else if s & 1 == 0 {
            s += 1
        }
        if s < 0x800 {
            word.append(UInt8(0xC0 | (s >> 6)))
            word.append(UInt8(0x80 | (s & 0x3F)))
            shape.append(1)
            shape.append(1)
        } else {
            appendLetter(folded)
            return
        }
        wordLetters += 1
    }

    /// Composes a combining acute, grave or diaeresis with the preceding vowel (accents kept).
    mutating func composeAccent(_ mark: UInt32) {
        let last = word[word.count - 1]
        let vowels: [UInt8] = Array("aeiou".utf8)
        guard let v = vowels.firstIndex(of: last) else { return }
        let acute: [UInt32] = [0xE1, 0xE9, 0xED, 0xF3, 0xFA]
        let grave: [UInt32] = [0xE0, 0xE8, 0xEC, 0xF2, 0xF9]
        let diaeresis: [UInt32] = [0xE4, 0xEB, 0xEF, 0xF6, 0xFC]
        let composed: UInt32
        switch mark {
        case 0x301: composed = acute[v]
        case 0x300: composed = grave[v]
        case 0x308: composed = diaeresis[v]
        default: return
        }
        word.removeLast()
        shape.removeLast()
        word.append(UInt8(0xC0 | (composed >> 6)))
        word.append(UInt8(0x80 | (composed & 0x3F)))
        shape.append(1)
        shape.append(1)
    }

    /// Á É Í Ó Ú á é í ó ú.
    static let acute: Set<UInt32> = [0xC1, 0xC9, 0xCD, 0xD3, 0xDA, 0xE1, 0xE9, 0xED, 0xF3, 0xFA]

    mutating func resetWord() {
        finalAccent = false
        word.removeAll()
        shape.removeAll()
        wordLetters = 0
        wordDigits = 0
        wordUppers = 0
        wordHasColon = false
        wordHasDash = false
        wordHasPlus = false
        wordAtChunkStart = false
    }

    /// Finishes the current alphanumeric run and emits its tokens.
    mutating func endWord(into out: TokenBuffer) {
        if word.isEmpty {
            return
        }
        defer { resetWord() }
        if wordLetters == 0 {
            numberRun(into: out)
            return
        }
        flushNumber(into: out)
        if wordDigits > 0 {
            if settings.deobfuscate && undoLeet() {
                // fall through to letters
            } else if settings.placeholders && numberWithSuffix(into: out) {
                currencyPending = false
                return
            } else {
                currencyPending = false
                emitWord(word.buffer, into: out)
                return
            }
        }
        currencyPending = false
        if settings.collapseElongation { collapseRuns() }
        if settings.laughter && isLaughter() {
            out.append("<jaja>", kind: .placeholder)
            return
        }
        if settings.placeholders && wordLetters >= 3 {
            if wordUppers == wordLetters { capsWords += 1 } else { lowerWords += 1 }
        } else if wordUppers < wordLetters {
            lowerWords += 1
        }
        emitWord(word.buffer, stressedEnd: finalAccent, into: out)
    }

    /// Leet: digits that sit between letters (gan4ste, pr3mio, h0la) become letters.
    mutating func undoLeet() -> Bool {
        guard wordLetters >= 2 else { return false }
        let n = word.count
        for k in 0..<n where shape[k] == 2 {
            guard k > 0, k + 1 < n, shape[k - 1] == 1, shape[k + 1] == 1 else { return false }
            switch word[k] {
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "5"),
                UInt8(ascii: "7"):
                continue
            default: return false
            }
        }
        for k in 0..<n where shape[k] == 2 {
            switch word[k] {
            case UInt8(ascii: "0"): word[k] = UInt8(ascii: "o")
            case UInt8(ascii: "1"): word[k] = UInt8(ascii: "i")
            case UInt8(ascii: "3"): word[k] = UInt8(ascii: "e")
            case UInt8(ascii: "4"): word[k] = UInt8(ascii: "a")
            case UInt8(ascii: "5"): word[k] = UInt8(ascii: "s")
            default: word[k] = UInt8(ascii: "t")
            }
            shape[k] = 1
            wordLetters += 1
        }
        wordDigits = 0
        return true
    }

    /// "15k", "20usd", "8pm": digits followed by a money or time suffix.
    mutating func numberWithSuffix(into out: TokenBuffer) -> Bool {
        var k = 0
        while k < word.count && shape[k] == 2 { k += 1 }
        guard k > 0, k < word.count else { return false }
        for m in k..<word.count where shape[m] != 1 { return false }
        let digits = k
        let suffix = word.buffer(k..<word.count)
        if let e = tables.moneySuffixes.lookup(suffix) {
            emitMoney(digits: digits + Int(tables.moneySuffixes.payloads[e]), into: out)
            return true
        }
        if tables.timeSuffixes.lookup(suffix) != nil {
            out.append("<hora>", kind: .placeholder)
            return true
        }
        return false
    }

    mutating func collapseRuns() {
        let n = word.count
        let p = word.base
        // Most words have no run of three: check first.
        var found = false
        var k = 2
        while k < n {
            if p[k] == p[k - 1] && p[k] == p[k - 2] && p[k] < 0x80 {
                found = true
                break
            }
            k += 1
        }
        if !found { return }
        var r = 0
        var w = 0
        while r < n {
            let c = word[r]
            var run = 1
            while r + run < n && word[r + run] == c { run += 1 }
            let keep: Int
            if run >= 3 && c < 0x80 {
                keep = (c == UInt8(ascii: "r") || c == UInt8(ascii: "l")) ? 2 : 1
            } else {
                keep = run
            }
            for _ in 0..<keep {
                word[w] = c
                w += 1
            }
            r += run
        }
        word.count = w
    }

    /// jaja, jajaja, jeje, jiji, jsjs, jajsjs, ajaja, hahaha, jejeje.
    func isLaughter() -> Bool {
        let n = word.count
        guard n >= 4 else { return false }
        let first = word[0]
        guard first == UInt8(ascii: "j") || first == UInt8(ascii: "h") || first == UInt8(ascii: "a") else { return false }
        var js = 0
        var hs = 0
        var previousConsonant = false
        for c in word.buffer {
            switch c {
            case UInt8(ascii: "j"):
                js += 1
                if previousConsonant { return false }
                previousConsonant = true
            case UInt8(ascii: "h"):
                hs += 1
                if previousConsonant { return false }
                previousConsonant = true
            case UInt8(ascii: "s"):
                previousConsonant = false
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"):
                previousConsonant = false
            default:
                return false
            }
        }
        if js >= 2 && hs == 0 { return true }
        if hs >= 2 && js == 0 {
            // hahaha / jejeje in h: only "ha"/"he" syllables.
            let b = word.buffer
            return !b.contains(UInt8(ascii: "s")) && !b.contains(UInt8(ascii: "i")) && !b.contains(UInt8(ascii: "o"))
        }
        return false
    }

    /// Emits a word after money-word promotion, chat-abbreviation expansion and voseo mapping,
    /// with a single lookup of the whole word.
    ///
    /// `stressedEnd` tells that the last vowel was written with an acute accent: "poné" and
    /// "hacé" are then imperatives, while "pone" and "hace" are also third-person forms.
    mutating func emitWord(_ w: UnsafeBufferPointer<UInt8>, stressedEnd: Bool = false, into out: TokenBuffer) {
        // FNV-1a of every prefix, so enclitic stems need no second hashing pass.
        var prefixHash = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                          UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                          UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let n = w.count
        var h = FeatureHash.offsetBasis
        withUnsafeMutableBytes(of: &prefixHash) { raw in
            let ph = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            for k in 0..<n {
                if k < 24 { ph[k] = h }
                h = (h ^ UInt64(w[k])) &* FeatureHash.prime
            }
        }
        if let e = tables.words.lookup(w, hash: h) {
            let info = tables.wordInfo[e]
            if settings.placeholders && info.money >= 0 {
                contextual = true
                promotePrecedingNumberToMoney(extra: Int(info.money), into: out)
            }
            if settings.chatAbbreviations && info.abbreviation >= 0 {
                for part in tables.abbreviationExpansions[Int(info.abbreviation)] {
                    part.withUnsafeBufferPointer { emitVoseo($0, stressedEnd: false, payload: tables.voseo.lookup($0).map { tables.voseo.payloads[$0] } ?? -1, prefixHashes: nil, into: out) }
                }
                return
            }
            withUnsafeBytes(of: &prefixHash) { raw in
                emitVoseo(w, stressedEnd: stressedEnd, payload: info.voseo, prefixHashes: raw.baseAddress!.assumingMemoryBound(to: UInt64.self), into: out)
            }
            return
        }
        withUnsafeBytes(of: &prefixHash) { raw in
            emitVoseo(w, stressedEnd: stressedEnd, payload: -1, prefixHashes: raw.baseAddress!.assumingMemoryBound(to: UInt64.self), into: out)
        }
    }

    /// Emits `w`, mapped to its tú form when it is a voseo verb form (`payload` is its voseo
    /// entry or -1) or a voseo imperative with enclitic pronouns.
    mutating func emitVoseo(
        _ w: UnsafeBufferPointer<UInt8>, stressedEnd: Bool, payload: Int32, prefixHashes: UnsafePointer<UInt64>?,
        into out: TokenBuffer
    ) {
        guard settings.voseo else {
            out.append(w, kind: .word)
            return
        }
        if payload >= 0 {
            // An -á/-é imperative written with its accent is unambiguous (-í is not: pedí, salí
            // are also preterites).
            let accentedImperative = stressedEnd && (w.last == UInt8(ascii: "a") || w.last == UInt8(ascii: "e"))
            if payload & 3 != LanguageTables.VoseoKind.imperativeWithClitic.rawValue || accentedImperative {
                out.append(tables.voseoReplacements[Int(payload >> 2)], kind: .word)
                return
            }
        }
        // Imperative + enclitic pronouns: decime → deci+me → di+me.
        let n = w.count
        let last = n > 0 ? w[n - 1] : 0
        if n >= 4 && (last == UInt8(ascii: "e") || last == UInt8(ascii: "a") || last == UInt8(ascii: "o") || last == UInt8(ascii: "s")) {
            for clitic in tables.enclitics where n >= clitic.count + 2 {
                let stemLength = n - clitic.count
                // A vos imperative stem ends in a stressed vowel: mirá-, poné-, decí-.
                let lastOfStem = w[stemLength - 1]
                if lastOfStem != UInt8(ascii: "a") && lastOfStem != UInt8(ascii: "e") && lastOfStem != UInt8(ascii: "i") {
                    continue
                }
                var matches = true
                for k in 0..<clitic.count where w[stemLength + k] != clitic[k] {
                    matches = false
                    break
                }
                if !matches { continue }
                let stem = UnsafeBufferPointer(rebasing: w[..<stemLength])
                let found: Int?
                if let prefixHashes, stemLength < 24 {
                    found = tables.voseo.lookup(stem, hash: prefixHashes[stemLength])
                } else {
                    found = tables.voseo.lookup(stem)
                }
                if let e = found {
                    let p = tables.voseo.payloads[e]
                    if p & 3 != LanguageTables.VoseoKind.present.rawValue {
                        scratch.removeAll()
                        scratch.append(contentsOf: tables.voseoReplacements[Int(p >> 2)])
                        scratch.append(contentsOf: clitic)
                        out.append(scratch.buffer, kind: .word)
                        return
                    }
                }
            }
        }
        out.append(w, kind: .word)
    }

    // MARK: Numbers

    /// A run of digits (with separators) and no letters.
    mutating func numberRun(into out: TokenBuffer) {
        guard settings.placeholders else {
            flushNumber(into: out)
            out.append(word.buffer, kind: .word)
            return
        }
        let digits = wordDigits
        let plainGroup = !wordHasColon && !wordHasDash && !wordHasPlus && !currencyPending
        if pendingNumber.active && pendingNumber.chunkEndedAfter && plainGroup && wordAtChunkStart {
            // Joined across one space: thousands ("15 000") or phone groups ("8888 8888").
            let thousands = digits == 3 && !pendingNumber.plus && pendingNumber.lastGroup <= 3
                && pendingNumber.digits < 7
            let phone = (pendingNumber.plus && digits >= 2)
                || (digits >= 3 && pendingNumber.minGroup >= 3 && pendingNumber.digits + digits >= 7)
            if thousands || phone {
                pendingNumber.digits += digits
                pendingNumber.groups += 1
                pendingNumber.lastGroup = digits
                pendingNumber.minGroup = min(pendingNumber.minGroup, digits)
                pendingNumber.chunkEndedAfter = atChunkEnd
                return
            }
        }
        flushNumber(into: out)
        pendingNumber = PendingNumber(
            active: true, digits: digits, groups: 1, minGroup: digits, lastGroup: digits, plus: wordHasPlus,
            currency: currencyPending, colon: wordHasColon, dash: wordHasDash, chunkEndedAfter: atChunkEnd)
        currencyPending = false
    }

    /// Emits the pending number, if any (inlined: most calls find none).
    @inline(__always)
    mutating func flushNumber(into out: TokenBuffer) {
        if pendingNumber.active { emitPendingNumber(into: out) }
    }

    @inline(never)
    mutating func emitPendingNumber(into out: TokenBuffer) {
        let p = pendingNumber
        pendingNumber = PendingNumber()
        if p.colon {
            out.append("<hora>", kind: .placeholder)
        } else if p.plus || p.digits >= 8 || (p.dash && p.digits >= 7) || (p.groups >= 2 && p.digits >= 7 && !p.currency) {
            out.append("<phone>", kind: .placeholder)
        } else if p.currency {
            emitMoney(digits: p.digits, into: out)
        } else {
            out.append("<num>", kind: .placeholder)
            out.append(numShape(p.digits, prefix: "<num"), kind: .placeholder)
        }
    }

    mutating func emitMoney(digits: Int, into out: TokenBuffer) {
        out.append("<money>", kind: .placeholder)
        out.append(numShape(digits, prefix: "<mag"), kind: .placeholder)
    }

    func numShape(_ digits: Int, prefix: String) -> [UInt8] {
        Array("\(prefix)\(min(max(digits, 1), 7))>".utf8)
    }

    /// "15 mil", "20 rojos", "5 dolares": the number before a money word is money.
    mutating func promotePrecedingNumberToMoney(extra: Int, into out: TokenBuffer) {
        if pendingNumber.active && !pendingNumber.colon && !pendingNumber.plus {
            let digits = pendingNumber.digits + extra
            pendingNumber = PendingNumber()
            emitMoney(digits: digits, into: out)
            return
        }
        let n = out.count
        guard n >= 2, out.token(n - 2, equals: "<num>") else { return }
        let s = out.start(n - 1)
        let digits = Int(out.bytes[s + 4] &- ASCII.zero)
        out.removeLast()
        out.removeLast()
        emitMoney(digits: digits + extra, into: out)
    }

    // MARK: Links, e-mail, spelled-out words

    /// Lower-cased host if `s..<e` is a link (scheme, `www.`, or a known top-level domain).
    func urlHost(_ s: Int, _ e: Int) -> [UInt8]? {
        // Quick rejection: a link has a dot between letters or digits somewhere.
        var k = s + 1
        var dotted = false
        while k + 1 < e {
            if input[k] == ASCII.dot {
                let a = input[k - 1]
                let b = input[k + 1]
                if (ASCII.isLetter(a) || ASCII.isDigit(a)) && ASCII.isLetter(b) {
                    dotted = true
                    break
                }
            }
            k += 1
        }
        if !dotted { return nil }
        var i = s
        // Strip leading punctuation such as "(" or "<".
        while i < e && (input[i] == UInt8(ascii: "(") || input[i] == UInt8(ascii: "<") || input[i] == UInt8(ascii: "\"")) {
            i += 1
        }
        var hasScheme = false
        let schemes: [StaticString] = ["https://", "http://"]
        for scheme in schemes where hasPrefix(i, e, scheme) {
            i += scheme.utf8CodeUnitCount
            hasScheme = true
            break
        }
        var www = false
        if hasPrefix(i, e, "www.") {
            i += 4
            www = true
        }
        var host: [UInt8] = []
        var j = i
        var dots = 0
        var lastLabelStart = 0
        while j < e {
            let c = input[j]
            if ASCII.isLetter(c) || ASCII.isDigit(c) || c == ASCII.hyphen {
                host.append(ASCII.isLetter(c) ? ASCII.lower(c) : c)
            } else if c == ASCII.dot && j + 1 < e && (ASCII.isLetter(input[j + 1]) || ASCII.isDigit(input[j + 1])) {
                host.append(c)
                dots += 1
                lastLabelStart = host.count
            } else {
                break
            }
            j += 1
        }
        if host.isEmpty || dots == 0 { return nil }
        if j < e {
            let c = input[j]
            // After a host: a path, a port, or closing punctuation.
            if !Self.afterHost.contains(c) { return nil }
            if !hasScheme && !www && c != ASCII.slash && c != ASCII.dot && c != ASCII.comma && c != ASCII.bang
                && c != UInt8(ascii: "?") && c != UInt8(ascii: ")")
            {
                return nil
            }
        }
        if hasScheme || www { return host }
        let tld = Array(host[lastLabelStart...])
        guard tld.count >= 2, tld.allSatisfy(ASCII.isLetter), tables.topLevelDomains.lookup(tld) != nil else {
            return nil
        }
        return host
    }

    /// Bytes that may follow a host: a path, a port, or closing punctuation.
    static let afterHost: Set<UInt8> = [
        ASCII.slash, ASCII.colon, UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: ")"), UInt8(ascii: ">"),
        UInt8(ascii: "\""), ASCII.dot, ASCII.comma, ASCII.bang, UInt8(ascii: ";"),
    ]

    func emailHost(_ s: Int, _ e: Int) -> [UInt8]? {
        guard let at = (s..<e).first(where: { input[$0] == ASCII.at }), at > s else { return nil }
        let local = (s..<at).allSatisfy { k in
            let c = input[k]
            return ASCII.isLetter(c) || ASCII.isDigit(c) || c == ASCII.dot || c == ASCII.hyphen || c == ASCII.underscore
                || c == ASCII.plus
        }
        guard local else { return nil }
        var host: [UInt8] = []
        var dots = 0
        var j = at + 1
        while j < e {
            let c = input[j]
            if ASCII.isLetter(c) || ASCII.isDigit(c) || c == ASCII.hyphen {
                host.append(ASCII.isLetter(c) ? ASCII.lower(c) : c)
            } else if c == ASCII.dot && j + 1 < e && ASCII.isLetter(input[j + 1]) {
                host.append(c)
                dots += 1
            } else {
                break
            }
            j += 1
        }
        return dots > 0 ? host : nil
    }

    func hasPrefix(_ i: Int, _ e: Int, _ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { p in
            guard e - i >= p.count else { return false }
            for k in 0..<p.count where ASCII.lower(input[i + k]) != p[k] && input[i + k] != p[k] { return false }
            return true
        }
    }

    /// Emits a host as one token (without `www.`) followed by its labels as words.
    mutating func emitHost(_ host: [UInt8], into out: TokenBuffer) {
        out.append(host, kind: .placeholder)
        var label: [UInt8] = []
        for c in host + [ASCII.dot] {
            if c == ASCII.dot || c == ASCII.hyphen {
                if label.count >= 2 && label.contains(where: ASCII.isLetter) {
                    out.append(label, kind: .word)
                }
                label.removeAll(keepingCapacity: true)
            } else {
                label.append(c)
            }
        }
    }

    /// G.R.A.T.I.S, G-R-A-T-I-S: single letters joined by `.`, `-`, `*` or `_`.
    mutating func spelledOut(_ s: Int, _ e: Int, into out: TokenBuffer) -> Bool {
        guard e - s >= 5, ASCII.isLetter(input[s]) else { return false }
        let sep0 = input[s + 1]
        guard sep0 == ASCII.dot || sep0 == ASCII.hyphen || sep0 == ASCII.star || sep0 == ASCII.underscore else {
            return false
        }
        var letters: [UInt8] = []
        var i = s
        var separator: UInt8 = 0
        while i < e {
            let c = input[i]
            guard ASCII.isLetter(c) else { return false }
            letters.append(ASCII.lower(c))
            i += 1
            if i == e { break }
            let sep = input[i]
            guard sep == ASCII.dot || sep == ASCII.hyphen || sep == ASCII.star || sep == ASCII.underscore else {
                return false
            }
            if separator == 0 { separator = sep } else if sep != separator { return false }
            i += 1
        }
        guard letters.count >= 3 else { return false }
        flushNumber(into: out)
        resetWord()
        for c in letters { appendLetter(c) }
        wordUppers = 0
        endWord(into: out)
        return true
    }
}
