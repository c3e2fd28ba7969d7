/// A hashed feature key: the bucket in the low 31 bits, and bit 31 set for character
/// n-grams (so word and character features can be weighted and normalised apart).
public typealias FeatureKey = UInt32

/// Marks character n-gram keys.
let charBlockBit: FeatureKey = 1 << 31

/// Scratch memory for turning messages into features: reuse one per thread or task.
///
/// Holds the token buffer, the merged feature counts of the last message, and a Snowball
/// stemmer with its cache. Not `Sendable`: never share one between concurrent tasks.
public final class FeatureWorkspace {
    /// Tokens of the last message.
    public internal(set) var tokens = TokenBuffer()
    /// Distinct feature keys of the last message, in first-seen order.
    public internal(set) var keys: [FeatureKey] = []
    /// Count of each key.
    public internal(set) var counts: [Float] = []
    var unitHashes: [UInt64] = []
    var accumulator = SparseAccumulator()
    lazy var stemmer = SnowballStemmer()
    var charScratch: [UInt8] = []

    /// Creates an empty workspace.
    public init() {
        keys.reserveCapacity(512)
        counts.reserveCapacity(512)
        unitHashes.reserveCapacity(128)
        charScratch.reserveCapacity(64)
    }
}

/// Merges repeated feature keys of one message in O(1) per feature.
struct SparseAccumulator {
    private var slotKeys: [FeatureKey] = []
    private var slotIndex: [Int32] = []
    private var stamps: [UInt32] = []
    private var stamp: UInt32 = 0
    private var mask = 0

    init() { grow(to: 1024) }

    private mutating func grow(to capacity: Int) {
        slotKeys = [FeatureKey](repeating: 0, count: capacity)
        slotIndex = [Int32](repeating: 0, count: capacity)
        stamps = [UInt32](repeating: 0, count: capacity)
        mask = capacity - 1
        stamp = 0
    }

    /// Starts a new message whose feature count may reach `expected`.
    mutating func reset(expected: Int) {
        if expected * 2 > slotKeys.count {
            var c = slotKeys.count
            while c < expected * 2 { c <<= 1 }
            grow(to: c)
        }
        stamp &+= 1
        if stamp == 0 {
            for k in stamps.indices { stamps[k] = 0 }
            stamp = 1
        }
    }

    /// Adds one occurrence of `key`.
    @inline(__always)
    mutating func add(_ key: FeatureKey, keys: inout [FeatureKey], counts: inout [Float]) {
        var slot = Int((key &* 0x9E37_79B1) >> 7) & mask
        while true {
            if stamps[slot] != stamp {
                stamps[slot] = stamp
                slotKeys[slot] = key
                slotIndex[slot] = Int32(keys.count)
                keys.append(key)
                counts.append(1)
                return
            }
            if slotKeys[slot] == key {
                counts[Int(slotIndex[slot])] += 1
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

    /// Extracts the features of `text` into `workspace.keys` / `workspace.counts`.
    public func extract(_ text: String, into workspace: FeatureWorkspace) {
        var text = text
        text.withUTF8 { extract(bytes: $0, into: workspace) }
    }

    /// Extracts the features of UTF-8 `bytes` into `workspace.keys` / `workspace.counts`.
    ///
    /// - Complexity: O(*n*) in the number of bytes.
    public func extract(bytes: UnsafeBufferPointer<UInt8>, into ws: FeatureWorkspace) {
        tokenizer.tokenize(bytes: bytes, into: &ws.tokens)
        ws.keys.removeAll(keepingCapacity: true)
        ws.counts.removeAll(keepingCapacity: true)
        ws.unitHashes.removeAll(keepingCapacity: true)
        let charSpan = settings.charNgramMax == 0 ? 0 : settings.charNgramMax - settings.charNgramMin + 1
        ws.accumulator.reset(expected: ws.tokens.bytes.count * (charSpan + 1) + ws.tokens.count * 3 + 8)
        let tokenizerSettings = tokenizer.settings
        let stopwords = tokenizerSettings.stopwords
        let wordSeed = FeatureHash.seed(.word)
        let tokens = ws.tokens
        tokens.bytes.withUnsafeBufferPointer { all in
            for t in 0..<tokens.count {
                let s = tokens.start(t)
                let token = UnsafeBufferPointer(rebasing: all[s..<Int(tokens.ends[t])])
                let kind = tokens.kinds[t]
                var unit: UInt64
                if kind == .word && tokenizerSettings.stemming {
                    unit = ws.stemmer.withStem(of: token) { FeatureHash.fnv1a($0, from: wordSeed) }
                } else {
                    unit = FeatureHash.fnv1a(token, from: wordSeed)
                }
                ws.unitHashes.append(unit)
                let isStop = stopwords && kind == .word && tokenizer.tables.stopwords.lookup(token) != nil
                if !isStop {
                    ws.accumulator.add(bucket(unit), keys: &ws.keys, counts: &ws.counts)
                }
                if kind == .word && charSpan > 0 {
                    addCharNgrams(token, ws)
                }
            }
        }
        if settings.wordNgrams >= 2 {
            let ngramSeed = FeatureHash.seed(.wordNgram)
            let units = ws.unitHashes
            if units.count >= 2 {
                for k in 1..<units.count {
                    let h = FeatureHash.combine(FeatureHash.combine(ngramSeed, units[k - 1]), units[k])
                    ws.accumulator.add(bucket(h), keys: &ws.keys, counts: &ws.counts)
                    if settings.wordNgrams >= 3 && k >= 2 {
                        let h3 = FeatureHash.combine(
                            FeatureHash.combine(FeatureHash.combine(ngramSeed, units[k - 2]), units[k - 1]), units[k])
                        ws.accumulator.add(bucket(h3), keys: &ws.keys, counts: &ws.counts)
                    }
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
        ws.charScratch.removeAll(keepingCapacity: true)
        ws.charScratch.append(ASCII.space)
        ws.charScratch.append(contentsOf: token)
        ws.charScratch.append(ASCII.space)
        let n = ws.charScratch.count
        ws.charScratch.withUnsafeBufferPointer { w in
            for start in 0..<n {
                var h = seed
                let limit = min(maxN, n - start)
                if limit < minN { break }
                for len in 1...limit {
                    h = (h ^ UInt64(w[start + len - 1])) &* FeatureHash.prime
                    if len >= minN {
                        ws.accumulator.add(bucket(h) | charBlockBit, keys: &ws.keys, counts: &ws.counts)
                    }
                }
            }
        }
    }
}
