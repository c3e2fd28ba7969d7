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
    public let tokens = TokenBuffer()
    let keyBuffer = RawBuffer<FeatureKey>(capacity: 512)
    let countBuffer = RawBuffer<Float>(capacity: 512)
    let unitHashes = RawBuffer<UInt64>(capacity: 128)
    let accumulator = SparseAccumulator()
    lazy var stemmer = SnowballStemmer()
    let charScratch = RawBuffer<UInt8>(capacity: 64)

    /// Creates an empty workspace.
    public init() {}

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

    /// Creates an extractor.
    public init(tokenizer: TokenizerSettings = .spanish, features: FeatureSettings = FeatureSettings()) {
        self.tokenizer = Tokenizer(settings: tokenizer)
        self.settings = features
        self.bucketMask = UInt64(features.buckets - 1)
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
        let tokens = ws.tokens
        tokenizer.tokenize(bytes: bytes, into: tokens)
        let keys = ws.keyBuffer
        let counts = ws.countBuffer
        let units = ws.unitHashes
        let accumulator = ws.accumulator
        keys.removeAll()
        counts.removeAll()
        units.removeAll()
        let charSpan = settings.charNgramMax == 0 ? 0 : settings.charNgramMax - settings.charNgramMin + 1
        accumulator.reset(
            expected: (tokens.bytes.count + 2 * tokens.count) * (charSpan + 1) + tokens.count * 4 + 8, keys: keys,
            counts: counts)
        let stemming = tokenizer.settings.stemming
        let stopwords = tokenizer.settings.stopwords
        let wordSeed = FeatureHash.seed(.word)
        let stemmer = stemming ? ws.stemmer : nil
        for t in 0..<tokens.count {
            let token = tokens.token(t)
            let kind = tokens.kinds[t]
            let unit: UInt64
            if kind == .word, let stemmer {
                unit = stemmer.stemHash(of: token, seed: wordSeed)
            } else {
                unit = FeatureHash.fnv1a(token, from: wordSeed)
            }
            units.append(unit)
            if !(stopwords && kind == .word && tokenizer.tables.stopwords.lookup(token) != nil) {
                accumulator.add(bucket(unit), keys: keys, counts: counts)
            }
            if kind == .word && charSpan > 0 {
                addCharNgrams(token, ws)
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

    /// Character n-grams of ` word ` (spaces mark the word boundaries), by byte.
    @inline(__always)
    func addCharNgrams(_ token: UnsafeBufferPointer<UInt8>, _ ws: FeatureWorkspace) {
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
        let keys = ws.keyBuffer
        let counts = ws.countBuffer
        let accumulator = ws.accumulator
        for start in 0..<n {
            let limit = min(maxN, n - start)
            if limit < minN { break }
            var h = seed
            for len in 1...limit {
                h = (h ^ UInt64(p[start + len - 1])) &* FeatureHash.prime
                if len >= minN {
                    accumulator.add(bucket(h) | charBlockBit, keys: keys, counts: counts)
                }
            }
        }
    }
}
