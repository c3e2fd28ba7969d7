/// Scratch memory for turning messages into features: reuse one per thread or task.
///
/// Holds the token buffer, the merged feature counts of the last message, a Snowball stemmer
/// with its cache, and the caches of the inference path: chunk → tokens and word cells
/// (``ChunkCache``), word → features (``wordMemo``). Caches only speed extraction up: a warm
/// workspace gives exactly what a fresh one gives. Not thread-safe: never share one between
/// concurrent tasks.
public final class FeatureWorkspace {
    /// Tokens of the last message.
    public let tokens = TokenBuffer()
    /// Chunk → tokens, with a cell per token for its features and score line.
    let chunks: ChunkCache
    let keyBuffer = RawBuffer<FeatureKey>(capacity: 512)
    let countBuffer = RawBuffer<Float>(capacity: 512)
    let unitHashes = RawBuffer<UInt64>(capacity: 128)
    let accumulator = SparseAccumulator()
    lazy var stemmer = SnowballStemmer()
    let charScratch = RawBuffer<UInt8>(capacity: 64)
    /// Word → (stem hash, stopword flag, character n-gram keys): a word's features depend
    /// only on its bytes, and most words of a stream repeat.
    let wordMemo: ByteMemo
    /// Whether chunks and words go through the caches (always, except in tests that need a
    /// cache-free reference).
    let memoises: Bool
    /// Features of a word too long to memoise.
    let longWord = RawBuffer<UInt32>(capacity: 64)

    /// Creates an empty workspace.
    public init() {
        chunks = ChunkCache()
        wordMemo = ByteMemo(limit: 1 << 15)
        memoises = true
    }

    /// A workspace whose chunk and word caches hold at most `memoLimit` entries and about
    /// `memoWordLimit` words each (tests: tiny caches start over often); `memoLimit` 0
    /// caches nothing.
    init(memoLimit: Int, memoWordLimit: Int = 1 << 22) {
        chunks = ChunkCache(limit: memoLimit, wordLimit: memoWordLimit)
        wordMemo = ByteMemo(limit: max(memoLimit, 1), wordLimit: memoWordLimit)
        memoises = memoLimit > 0
    }

    /// Distinct feature keys of the last message, in first-seen order.
    public var keys: [FeatureKey] { keyBuffer.array }
    /// Count of each key.
    public var counts: [Float] { countBuffer.array }

    /// Tokenizes `bytes` with `extractor`'s tokenizer into ``tokens``, through the chunk cache
    /// (``ChunkCache/cells`` then names each token's cell, or -1).
    @inline(__always)
    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, for extractor: FeatureExtractor) {
        if memoises {
            chunks.useFeatures(tag: extractor.memoTag)
            extractor.tokenizer.tokenize(bytes: bytes, into: tokens, cache: chunks)
        } else {
            chunks.cells.removeAll()
            extractor.tokenizer.tokenize(bytes: bytes, into: tokens, cache: NoChunkCache.none)
        }
        chunks.finishMessage(tokens: tokens)
    }
}

extension FeatureExtractor {
    /// Extracts the features of `text` into the workspace.
    public func extract(_ text: String, into workspace: FeatureWorkspace) {
        var text = text
        text.withUTF8 { extract(bytes: $0, into: workspace) }
    }

    /// Extracts the features of UTF-8 `bytes` into the workspace (``FeatureWorkspace/keys``
    /// and ``FeatureWorkspace/counts``).
    ///
    /// - Complexity: O(*n*) in the number of bytes.
    public func extract(bytes: UnsafeBufferPointer<UInt8>, into ws: FeatureWorkspace) {
        extract(bytes: bytes, into: ws, charNgrams: true)
    }

    /// Extracts the features of UTF-8 `bytes`, leaving out character n-grams when
    /// `charNgrams` is false (``Scorer`` takes a word's character n-grams from its
    /// ``WordScoreMemo`` entry instead).
    @inline(__always)
    func extract(bytes: UnsafeBufferPointer<UInt8>, into ws: FeatureWorkspace, charNgrams: Bool) {
        ws.tokenize(bytes, for: self)
        let keys = ws.keyBuffer
        let counts = ws.countBuffer
        var adder = ws.accumulator.start(expected: keyBound(ws.tokens, charNgrams: charNgrams), keys: keys, counts: counts)
        let memo = ws.wordMemo
        if memo.tag != memoTag { memo.reset(tag: memoTag) }
        memo.startOverIfFull()
        var words = CachedWordFeatures(extractor: self, workspace: ws)
        addKeys(of: ws.tokens, words: &words, units: ws.unitHashes, charNgrams: charNgrams, into: &adder)
        ws.accumulator.finish(adder, keys: keys, counts: counts)
    }

    /// The slot of the word's features in the workspace's memo, computing and storing them
    /// if there is room; `nil` for a word too long to memoise or a full memo.
    @inline(__always)
    func memoSlot(_ token: UnsafeBufferPointer<UInt8>, _ ws: FeatureWorkspace) -> Int? {
        guard ws.memoises && token.count <= Self.longestMemoisedWord else { return nil }
        let h = ByteMemo.hash(token)
        let e = ws.wordMemo.find(token, hash: h)
        if e >= 0 { return e }
        return ws.wordMemo.isFull ? nil : memoizeWord(token, hash: h, ws)
    }

    /// Computes and stores a word's features in the workspace's memo; returns its slot.
    func memoizeWord(_ token: UnsafeBufferPointer<UInt8>, hash h: UInt64, _ ws: FeatureWorkspace) -> Int {
        let memo = ws.wordMemo
        let start = memo.begin()
        wordFeatures(token, stemmer: ws.stemmer, scratch: ws.charScratch, into: memo.words)
        let slot = memo.commit(token, hash: h, wordStart: start.wordStart, byteStart: start.byteStart)
        precondition(slot >= 0, "the features of a word of at most 256 bytes fit in a memo entry")
        return slot
    }
}

/// Word features from a workspace's caches: the copy kept in the token's chunk cell, else
/// the word memo (copied into the cell for next time), else computed.
struct CachedWordFeatures: WordFeatureSource {
    let extractor: FeatureExtractor
    let workspace: FeatureWorkspace
    let arena: RawBuffer<UInt32>
    let cells: UnsafeMutablePointer<Int32>

    @inline(__always)
    init(extractor: FeatureExtractor, workspace: FeatureWorkspace) {
        self.extractor = extractor
        self.workspace = workspace
        arena = workspace.chunks.memo.words
        cells = workspace.chunks.cells.base
    }

    @inline(__always)
    mutating func features(ofWord t: Int, _ token: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt32> {
        let cell = Int(cells[t])
        if cell >= 0 && arena[cell] != 0 {
            // Features kept next to the chunk this token was replayed from.
            let v = Int(arena[cell])
            return UnsafeBufferPointer(start: arena.base + v, count: Int(arena[v - 1]))
        }
        let ws = workspace
        if let e = extractor.memoSlot(token, ws) {
            let features = ws.wordMemo.words(of: e)
            guard cell >= 0 else { return features }
            arena.append(UInt32(features.count))
            arena.append(contentsOf: features)
            arena[cell] = UInt32(arena.count - features.count)
            return UnsafeBufferPointer(start: arena.base + arena.count - features.count, count: features.count)
        }
        let long = ws.longWord
        long.removeAll()
        extractor.wordFeatures(token, stemmer: ws.stemmer, scratch: ws.charScratch, into: long)
        return long.buffer
    }
}
