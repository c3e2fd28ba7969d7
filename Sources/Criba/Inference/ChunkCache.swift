import CribaShims

/// The per-thread cache of the inference path, keyed by chunk bytes: a chunk's tokens, and
/// beside each token a cell that leads to the token's feature keys and score line.
///
/// An entry's words are the chunk's ALL-CAPS and lower-case word counts, then for each token
/// `kind << 24 | length` followed by its ``cellWords`` cell words; its bytes are the tokens'
/// bytes. A cell starts at 0 and is filled by the first message that needs it:
///
/// - word 0: where the word's features (``FeatureExtractor/wordFeatures(_:stemmer:scratch:into:)``)
///   were copied into this cache's ``ByteMemo/words``, after their length (0: not yet);
/// - words 1...3: a ``WordScoreMemo``'s generation, and the start and length of the word's
///   score entry in that memo (valid while the generation matches).
///
/// The features belong to the extractor settings named ``featureTag`` and the tokens to the
/// tokenizer settings of the memo's tag; a change of either empties the cache. The cache
/// starts over only between messages, so a cell taken during a message stays valid for all
/// of it. Not thread-safe.
final class ChunkCache: ChunkTokenCache {
    static var isActive: Bool { true }
    let memo: ByteMemo
    /// For each token of the current message, the index in ``ByteMemo/words`` of its cell, or
    /// -1 for a token that did not come from or go into the cache. Complete after
    /// ``finishMessage(tokens:)``.
    let cells = RawBuffer<Int32>(capacity: 128)
    /// Words in a token's cell.
    static let cellWords = 4
    /// The feature settings whose features sit in the cells (``FeatureExtractor/memoTag``).
    private(set) var featureTag: UInt64 = 0

    /// A cache of at most `limit` chunks and about `wordLimit` words.
    init(limit: Int = 1 << 15, wordLimit: Int = 1 << 22) {
        memo = ByteMemo(limit: max(limit, 1), wordLimit: wordLimit)
    }

    /// Empties the cache unless its cells hold features of the settings named `tag`.
    @inline(__always)
    func useFeatures(tag: UInt64) {
        if featureTag != tag {
            memo.reset(tag: 0)
            featureTag = tag
        }
    }

    func beginMessage(tokenizerTag: UInt64) {
        cells.removeAll()
        if memo.tag != tokenizerTag { memo.reset(tag: tokenizerTag) }
        memo.startOverIfFull()
    }

    @inline(__always)
    func prefetch(hash: UInt64) { memo.prefetchSlot(hash: hash) }

    /// Pads or cuts ``cells`` to `n` entries (-1 for tokens scanned without the cache).
    @inline(__always)
    func alignCells(to n: Int) {
        if cells.count > n {
            cells.count = n
            return
        }
        cells.reserve(n - cells.count)
        while cells.count < n { cells.base[cells.count] = -1; cells.count += 1 }
    }

    /// Completes ``cells`` for the message's `tokens`.
    @inline(__always)
    func finishMessage(tokens: TokenBuffer) { alignCells(to: tokens.count) }

    @inline(__always)
    func appendTokens(of chunk: UnsafeBufferPointer<UInt8>, hash: UInt64, to tokens: TokenBuffer) -> (caps: Int, lower: Int)? {
        let found = memo.find(chunk, hash: hash)
        if found < 0 { return nil }
        let words = memo.words(of: found)
        let stride = 1 + Self.cellWords
        let n = (words.count - 2) / stride
        let w = words.baseAddress!
        // A replayed chunk is self-contained, so no later token of the message removes its
        // tokens: the cells recorded here stay theirs.
        alignCells(to: tokens.count)
        tokens.append(packed: w + 2, stride: stride, count: n, bytes: memo.bytes(of: found))
        let arena = memo.words
        let cellBase = Int32(w - UnsafePointer(arena.base)) + 3
        cells.reserve(n)
        let cellOut = cells.base + cells.count
        for t in 0..<n {
            cellOut[t] = cellBase + Int32(stride * t)
            // The features kept for the token are read soon after.
            let features = w[3 + stride * t]
            if features != 0 { criba_prefetch(arena.base + Int(features)) }
        }
        cells.count += n
        return (Int(w[0]), Int(w[1]))
    }

    func store(_ chunk: UnsafeBufferPointer<UInt8>, hash: UInt64, tokens: TokenBuffer, from first: Int, caps: Int, lower: Int) {
        if memo.isFull { return }
        let start = memo.begin()
        memo.words.append(UInt32(caps))
        memo.words.append(UInt32(lower))
        for t in first..<tokens.count {
            let token = tokens.token(t)
            memo.words.append(UInt32(tokens.kinds[t].rawValue) << 24 | UInt32(token.count))
            for _ in 0..<Self.cellWords { memo.words.append(0) }
            memo.bytes.append(contentsOf: token)
        }
        if memo.commit(chunk, hash: hash, wordStart: start.wordStart, byteStart: start.byteStart) >= 0 {
            alignCells(to: first)
            for t in first..<tokens.count {
                cells.append(Int32(start.wordStart + 2 + (1 + Self.cellWords) * (t - first) + 1))
            }
        }
    }
}
