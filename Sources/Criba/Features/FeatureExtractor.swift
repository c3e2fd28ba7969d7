/// A hashed feature key: the bucket in the low 31 bits, and bit 31 set for character
/// n-grams (so word and character features can be weighted and normalised apart).
public typealias FeatureKey = UInt32

/// Marks character n-gram keys.
let charBlockBit: FeatureKey = 1 << 31

/// Scratch memory for turning messages into features: reuse one per thread or task.
///
/// Holds the token buffer, the merged feature counts of the last message, and a Snowball
/// stemmer with its cache. Not thread-safe: never share one between concurrent tasks.
public final class FeatureWorkspace {
    /// Tokens of the last message.
    public let tokens: TokenBuffer
    let keyBuffer = RawBuffer<FeatureKey>(capacity: 512)
    let countBuffer = RawBuffer<Float>(capacity: 512)
    let unitHashes = RawBuffer<UInt64>(capacity: 128)
    let accumulator = SparseAccumulator()
    lazy var stemmer = SnowballStemmer()
    let charScratch = RawBuffer<UInt8>(capacity: 64)
    /// Word → (stem hash, stopword flag, character n-gram keys): a word's features depend
    /// only on its bytes, and most words of a stream repeat.
    let wordMemo: ByteMemo
    /// Whether words go through ``wordMemo`` (always, except in tests that need a memo-free
    /// reference).
    let memoises: Bool
    /// Features of a word too long to memoise.
    let longWord = RawBuffer<UInt32>(capacity: 64)

    /// Creates an empty workspace.
    public init() {
        tokens = TokenBuffer()
        wordMemo = ByteMemo(limit: 1 << 15)
        memoises = true
    }

    /// A workspace whose word and chunk memos hold at most `memoLimit` entries and about
    /// `memoWordLimit` words each (tests: tiny memos start over often); `memoLimit` 0
    /// memoises nothing.
    init(memoLimit: Int, memoWordLimit: Int = 1 << 22) {
        tokens = TokenBuffer(memoLimit: memoLimit, memoWordLimit: memoWordLimit)
        wordMemo = ByteMemo(limit: max(memoLimit, 1), wordLimit: memoWordLimit)
        memoises = memoLimit > 0
    }

    /// Distinct feature keys of the last message, in first-seen order.
    public var keys: [FeatureKey] { keyBuffer.array }
    /// Count of each key.
    public var counts: [Float] { countBuffer.array }
}

/// Merges repeated feature keys of one message in O(1) per feature: an open-addressing table
/// whose slots pack `key << 32 | (index + 1)` (0 = empty), cleared after each message by
/// zeroing only the slots it used.
final class SparseAccumulator {
    private var slots: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var mask: Int
    private let used = RawBuffer<Int32>(capacity: 512)

    init() {
        capacity = 1024
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
    }

    deinit { slots.deallocate() }

    /// Starts a new message whose feature count may reach `expected`; `keys` and `counts`
    /// get room for that many entries.
    func reset(expected: Int, keys: RawBuffer<FeatureKey>, counts: RawBuffer<Float>) {
        for k in 0..<used.count { slots[Int(used[k])] = 0 }
        used.removeAll()
        if expected * 2 > capacity {
            var c = capacity
            while c < expected * 2 { c <<= 1 }
            slots.deallocate()
            capacity = c
            mask = c - 1
            slots = .allocate(capacity: c)
            slots.initialize(repeating: 0, count: c)
        }
        used.reserve(expected)
        keys.reserve(expected)
        counts.reserve(expected)
    }

    /// Adds one occurrence of `key`. The caller guarantees room (see ``reset(expected:keys:counts:)``).
    @inline(__always)
    func add(_ key: FeatureKey, keys: RawBuffer<FeatureKey>, counts: RawBuffer<Float>) {
        var slot = Int((key &* 0x9E37_79B1) >> 7) & mask
        let tag = UInt64(key) << 32
        while true {
            let s = slots[slot]
            if s == 0 {
                let index = keys.count
                slots[slot] = tag | UInt64(index + 1)
                used.base[used.count] = Int32(slot)
                used.count += 1
                keys.base[index] = key
                keys.count = index + 1
                counts.base[index] = 1
                counts.count = index + 1
                return
            }
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                counts.base[Int(s & 0xFFFF_FFFF) - 1] += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }
}

/// Turns a message into hashed feature counts: word unigrams (stems, placeholders, emoji),
/// word n-grams, and character n-grams inside words.
public struct FeatureExtractor: Sendable {
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// The feature settings.
    public let settings: FeatureSettings
    let bucketMask: UInt64
    /// The settings a word's memoised features depend on (see ``FeatureWorkspace/wordMemo``).
    let memoTag: UInt64

    /// Creates an extractor.
    public init(tokenizer: TokenizerSettings = .spanish, features: FeatureSettings = FeatureSettings()) {
        self.tokenizer = Tokenizer(settings: tokenizer)
        self.settings = features
        self.bucketMask = UInt64(features.buckets - 1)
        var tag: UInt64 = 1
        tag = tag << 1 | (tokenizer.stemming ? 1 : 0)
        tag = tag << 1 | (tokenizer.stopwords ? 1 : 0)
        // 16 bits each: n-gram lengths from 259 up act alike on memoised words (at most 256
        // bytes, 258 with the boundaries), while 8 bits merged 255...258.
        tag = tag << 16 | UInt64(UInt16(clamping: features.charNgramMin))
        tag = tag << 16 | UInt64(UInt16(clamping: features.charNgramMax))
        tag = tag << 8 | UInt64(UInt8(clamping: features.bucketBits))
        self.memoTag = tag
    }

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
    /// `charNgrams` is false (``Model/scores(of:extractor:scratch:wordScores:into:)`` takes a word's
    /// character n-grams from its ``WordScoreMemo`` instead).
    @inline(__always)
    func extract(bytes: UnsafeBufferPointer<UInt8>, into ws: FeatureWorkspace, charNgrams: Bool) {
        let tokens = ws.tokens
        let chunkMemo = tokens.chunkMemo
        if chunkMemo.secondaryTag != memoTag {
            chunkMemo.reset(tag: 0)
            chunkMemo.secondaryTag = memoTag
        }
        tokenizer.tokenize(bytes: bytes, into: tokens)
        let keys = ws.keyBuffer
        let counts = ws.countBuffer
        let units = ws.unitHashes
        let accumulator = ws.accumulator
        keys.removeAll()
        counts.removeAll()
        units.removeAll()
        let charSpan = settings.charNgramMax == 0 || !charNgrams ? 0 : settings.charNgramMax - settings.charNgramMin + 1
        accumulator.reset(
            expected: (tokens.bytes.count + 2 * tokens.count) * (charSpan + 1) + tokens.count * 4 + 8, keys: keys,
            counts: counts)
        let wordSeed = FeatureHash.seed(.word)
        let memo = ws.wordMemo
        if memo.tag != memoTag { memo.reset(tag: memoTag) }
        memo.startOverIfFull()
        for t in 0..<tokens.count {
            let token = tokens.token(t)
            if tokens.kinds[t] != .word {
                let unit = FeatureHash.fnv1a(token, from: wordSeed)
                units.append(unit)
                accumulator.add(bucket(unit), keys: keys, counts: counts)
                continue
            }
            let w: UnsafeBufferPointer<UInt32>
            let cell = Int(tokens.cells[t])
            if cell >= 0 && chunkMemo.words[cell] != 0 {
                // Features kept next to the chunk this token was replayed from.
                let v = Int(chunkMemo.words[cell])
                w = UnsafeBufferPointer(start: chunkMemo.words.base + v, count: Int(chunkMemo.words[v - 1]))
            } else if let e = memoSlot(token, ws) {
                let features = memo.words(of: e)
                if cell >= 0 {
                    let cw = chunkMemo.words
                    cw.append(UInt32(features.count))
                    cw.append(contentsOf: features)
                    cw[cell] = UInt32(cw.count - features.count)
                    w = UnsafeBufferPointer(start: cw.base + cw.count - features.count, count: features.count)
                } else {
                    w = features
                }
            } else {
                let long = ws.longWord
                long.removeAll()
                wordFeatures(token, ws, into: long)
                w = long.buffer
            }
            let unit = UInt64(w[0]) | UInt64(w[1]) << 32
            units.append(unit)
            if w[2] == 0 {
                accumulator.add(bucket(unit), keys: keys, counts: counts)
            }
            if charNgrams {
                for k in 3..<w.count {
                    accumulator.add(w[k], keys: keys, counts: counts)
                }
            }
        }
        if settings.wordNgrams >= 2 && units.count >= 2 {
            let ngramSeed = FeatureHash.seed(.wordNgram)
            let u = units.base
            for k in 1..<units.count {
                let h = FeatureHash.combine(FeatureHash.combine(ngramSeed, u[k - 1]), u[k])
                accumulator.add(bucket(h), keys: keys, counts: counts)
                if settings.wordNgrams >= 3 && k >= 2 {
                    let h3 = FeatureHash.combine(
                        FeatureHash.combine(FeatureHash.combine(ngramSeed, u[k - 2]), u[k - 1]), u[k])
                    accumulator.add(bucket(h3), keys: keys, counts: counts)
                }
            }
        }
    }

    @inline(__always)
    func bucket(_ h: UInt64) -> FeatureKey {
        FeatureKey(truncatingIfNeeded: h & bucketMask)
    }

    /// Longer words (a pasted blob) are not memoised.
    static let longestMemoisedWord = 256

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
        wordFeatures(token, ws, into: memo.words)
        let slot = memo.commit(token, hash: h, wordStart: start.wordStart, byteStart: start.byteStart)
        precondition(slot >= 0, "the features of a word of at most 256 bytes fit in a memo entry")
        return slot
    }

    /// A word's features: the hash of its stem (or of the word without stemming) in two
    /// words, 1 if it is a stopword left out of unigrams (else 0), then its character n-gram
    /// keys in order of occurrence.
    func wordFeatures(_ token: UnsafeBufferPointer<UInt8>, _ ws: FeatureWorkspace, into out: RawBuffer<UInt32>) {
        let wordSeed = FeatureHash.seed(.word)
        let unit: UInt64
        if tokenizer.settings.stemming {
            unit = ws.stemmer.stemHash(of: token, seed: wordSeed)
        } else {
            unit = FeatureHash.fnv1a(token, from: wordSeed)
        }
        let stop = tokenizer.settings.stopwords && tokenizer.tables.stopwords.lookup(token) != nil
        out.append(UInt32(truncatingIfNeeded: unit))
        out.append(UInt32(truncatingIfNeeded: unit >> 32))
        out.append(stop ? 1 : 0)
        if settings.charNgramMax > 0 {
            appendCharNgrams(token, ws, into: out)
        }
    }

    /// Character n-grams of ` word ` (spaces mark the word boundaries), by byte, as keys.
    func appendCharNgrams(_ token: UnsafeBufferPointer<UInt8>, _ ws: FeatureWorkspace, into out: RawBuffer<UInt32>) {
        let minN = settings.charNgramMin
        let maxN = settings.charNgramMax
        let seed = FeatureHash.seed(.charNgram)
        let w = ws.charScratch
        w.removeAll()
        w.append(ASCII.space)
        w.append(contentsOf: token)
        w.append(ASCII.space)
        let n = w.count
        let p = w.base
        for start in 0..<n {
            let limit = min(maxN, n - start)
            if limit < minN { break }
            var h = seed
            for len in 1...limit {
                h = (h ^ UInt64(p[start + len - 1])) &* FeatureHash.prime
                if len >= minN {
                    out.append(bucket(h) | charBlockBit)
                }
            }
        }
    }
}
