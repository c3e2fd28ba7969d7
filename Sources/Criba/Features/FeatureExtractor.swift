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
/// whose slots pack `key << 32 | stamp`, where the stamp names the message that stored the
/// slot, next to the key's index in the message's key list. A slot stamped by an earlier
/// message counts as empty, so nothing is cleared between messages (the whole table is
/// cleared once every 2^32 messages, when the stamp wraps).
final class SparseAccumulator {
    private var slots: UnsafeMutablePointer<UInt64>
    private var indices: UnsafeMutablePointer<Int32>
    private var capacity: Int
    /// The last message's stamp (internal so tests can move it next to the wrap).
    var stamp: UInt32 = 0

    init() {
        capacity = 1024
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        indices = .allocate(capacity: capacity)
        indices.initialize(repeating: 0, count: capacity)
    }

    deinit {
        slots.deallocate()
        indices.deallocate()
    }

    /// Starts a new message whose feature count may reach `expected`: empties `keys` and
    /// `counts`, gives them room for that many entries, and returns the adder that fills
    /// them. Call ``finish(_:keys:counts:)`` with it when the message is done.
    func start(expected: Int, keys: RawBuffer<FeatureKey>, counts: RawBuffer<Float>) -> FeatureAdder {
        stamp &+= 1
        if expected * 2 > capacity {
            var c = capacity
            while c < expected * 2 { c <<= 1 }
            slots.deallocate()
            indices.deallocate()
            capacity = c
            slots = .allocate(capacity: c)
            slots.initialize(repeating: 0, count: c)
            indices = .allocate(capacity: c)
            indices.initialize(repeating: 0, count: c)
        } else if stamp == 0 {
            slots.update(repeating: 0, count: capacity)
        }
        if stamp == 0 { stamp = 1 }
        keys.removeAll()
        counts.removeAll()
        keys.reserve(expected)
        counts.reserve(expected)
        return FeatureAdder(
            slots: slots, indices: indices, mask: capacity - 1, stamp: stamp, keys: keys.base, counts: counts.base,
            limit: expected)
    }

    /// Sets the lengths of `keys` and `counts` to what `adder` stored.
    @inline(__always)
    func finish(_ adder: FeatureAdder, keys: RawBuffer<FeatureKey>, counts: RawBuffer<Float>) {
        keys.count = adder.count
        counts.count = adder.count
    }
}

/// Adds the feature keys of one message (see ``SparseAccumulator``): a value kept in
/// registers by the loops that call it, writing into memory the accumulator reserved.
struct FeatureAdder {
    let slots: UnsafeMutablePointer<UInt64>
    let indices: UnsafeMutablePointer<Int32>
    let mask: Int
    let stamp: UInt32
    let keys: UnsafeMutablePointer<FeatureKey>
    let counts: UnsafeMutablePointer<Float>
    /// The room reserved: at most this many distinct keys.
    let limit: Int
    /// Distinct keys so far.
    private(set) var count = 0

    /// Adds one occurrence of `key`.
    @inline(__always)
    mutating func add(_ key: FeatureKey) {
        var slot = Int((key &* 0x9E37_79B1) >> 7) & mask
        let tag = UInt64(key) << 32 | UInt64(stamp)
        while true {
            let s = slots[slot]
            if s == tag {
                counts[Int(indices[slot])] += 1
                return
            }
            if UInt32(truncatingIfNeeded: s) != stamp {
                precondition(count < limit, "more distinct features than reserved")
                slots[slot] = tag
                indices[slot] = Int32(truncatingIfNeeded: count)
                keys[count] = key
                counts[count] = 1
                count += 1
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
        units.removeAll()
        let charSpan = settings.charNgramMax == 0 || !charNgrams ? 0 : settings.charNgramMax - settings.charNgramMin + 1
        // At most one key per feature occurrence, and at most 2 * buckets distinct keys (word
        // and character blocks): the second bound keeps a pasted book from reserving
        // gigabytes.
        let occurrences = (tokens.bytes.count + 2 * tokens.count) * (charSpan + 1) + tokens.count * 4 + 8
        var adder = accumulator.start(expected: min(occurrences, 2 * settings.buckets), keys: keys, counts: counts)
        let wordSeed = FeatureHash.seed(.word)
        let memo = ws.wordMemo
        if memo.tag != memoTag { memo.reset(tag: memoTag) }
        memo.startOverIfFull()
        for t in 0..<tokens.count {
            let token = tokens.token(t)
            if tokens.kinds[t] != .word {
                let unit = FeatureHash.fnv1a(token, from: wordSeed)
                units.append(unit)
                adder.add(bucket(unit))
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
                adder.add(bucket(unit))
            }
            if charNgrams {
                for k in 3..<w.count {
                    adder.add(w[k])
                }
            }
        }
        if settings.wordNgrams >= 2 && units.count >= 2 {
            let ngramSeed = FeatureHash.seed(.wordNgram)
            let u = units.base
            for k in 1..<units.count {
                let h = FeatureHash.combine(FeatureHash.combine(ngramSeed, u[k - 1]), u[k])
                adder.add(bucket(h))
                if settings.wordNgrams >= 3 && k >= 2 {
                    let h3 = FeatureHash.combine(
                        FeatureHash.combine(FeatureHash.combine(ngramSeed, u[k - 2]), u[k - 1]), u[k])
                    adder.add(bucket(h3))
                }
            }
        }
        accumulator.finish(adder, keys: keys, counts: counts)
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
