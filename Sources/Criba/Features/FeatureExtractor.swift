/// A hashed feature key: the bucket in the low 31 bits, and bit 31 set for character
/// n-grams (so word and character features can be weighted and normalised apart).
public typealias FeatureKey = UInt32

/// Marks character n-gram keys.
let charBlockBit: FeatureKey = 1 << 31

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
    /// The settings a word's cached features depend on (see ``FeatureWorkspace/wordMemo``).
    let memoTag: UInt64

    /// Creates an extractor.
    public init(tokenizer: TokenizerSettings = .spanish, features: FeatureSettings = FeatureSettings()) {
        self.tokenizer = Tokenizer(settings: tokenizer)
        self.settings = features
        self.bucketMask = UInt64(features.buckets - 1)
        var tag = tokenizer.tag(changingTokens: false)
        // 16 bits each: n-gram lengths from 259 up act alike on memoised words (at most 256
        // bytes, 258 with the boundaries), while 8 bits merged 255...258.
        tag = tag << 16 | UInt64(UInt16(clamping: features.charNgramMin))
        tag = tag << 16 | UInt64(UInt16(clamping: features.charNgramMax))
        tag = tag << 8 | UInt64(UInt8(clamping: features.bucketBits))
        self.memoTag = tag
    }

    /// Upper bound of the distinct feature keys of a message with `tokens`: at most one key
    /// per feature occurrence, and at most 2 * buckets (word and character blocks), which
    /// keeps a pasted book from reserving gigabytes.
    @inline(__always)
    func keyBound(_ tokens: TokenBuffer, charNgrams: Bool) -> Int {
        let charSpan = settings.charNgramMax == 0 || !charNgrams ? 0 : settings.charNgramMax - settings.charNgramMin + 1
        let occurrences = (tokens.bytes.count + 2 * tokens.count) * (charSpan + 1) + tokens.count * 4 + 8
        return min(occurrences, 2 * settings.buckets)
    }

    /// Adds the feature keys of a message's `tokens` to `adder`, in order: for each token its
    /// unit (a word's stem hash unless it is a left-out stopword, else the token's hash) and,
    /// for a word when `charNgrams`, its character n-grams; then the word n-grams over the
    /// units. `words` gives each word's features (``wordFeatures(_:stemmer:scratch:into:)``),
    /// computed or cached; `units` is scratch.
    ///
    /// - Complexity: O(*n*) in the number of features.
    @inline(__always)
    func addKeys<Words: WordFeatureSource>(
        of tokens: TokenBuffer, words: inout Words, units: RawBuffer<UInt64>, charNgrams: Bool,
        into adder: inout FeatureAdder
    ) {
        units.removeAll()
        let wordSeed = FeatureHash.seed(.word)
        for t in 0..<tokens.count {
            let token = tokens.token(t)
            if tokens.kinds[t] != .word {
                let unit = FeatureHash.fnv1a(token, from: wordSeed)
                units.append(unit)
                adder.add(bucket(unit))
                continue
            }
            let w = words.features(ofWord: t, token)
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
    }

    @inline(__always)
    func bucket(_ h: UInt64) -> FeatureKey {
        FeatureKey(truncatingIfNeeded: h & bucketMask)
    }

    /// Longer words (a pasted blob) are not memoised.
    static let longestMemoisedWord = 256

    /// A word's features: the hash of its stem (or of the word without stemming) in two
    /// words, 1 if it is a stopword left out of unigrams (else 0), then its character n-gram
    /// keys in order of occurrence.
    func wordFeatures(
        _ token: UnsafeBufferPointer<UInt8>, stemmer: @autoclosure () -> SnowballStemmer, scratch: RawBuffer<UInt8>,
        into out: RawBuffer<UInt32>
    ) {
        let wordSeed = FeatureHash.seed(.word)
        let unit: UInt64
        if tokenizer.settings.stemming {
            unit = stemmer().stemHash(of: token, seed: wordSeed)
        } else {
            unit = FeatureHash.fnv1a(token, from: wordSeed)
        }
        let stop = tokenizer.settings.stopwords && tokenizer.tables.stopwords.lookup(token) != nil
        out.append(UInt32(truncatingIfNeeded: unit))
        out.append(UInt32(truncatingIfNeeded: unit >> 32))
        out.append(stop ? 1 : 0)
        if settings.charNgramMax > 0 {
            appendCharNgrams(token, scratch: scratch, into: out)
        }
    }

    /// Character n-grams of ` word ` (spaces mark the word boundaries), by byte, as keys.
    func appendCharNgrams(_ token: UnsafeBufferPointer<UInt8>, scratch w: RawBuffer<UInt8>, into out: RawBuffer<UInt32>) {
        let minN = settings.charNgramMin
        let maxN = settings.charNgramMax
        let seed = FeatureHash.seed(.charNgram)
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

/// Gives ``FeatureExtractor/addKeys(of:words:units:charNgrams:into:)`` the features of word
/// token `t` (see ``FeatureExtractor/wordFeatures(_:stemmer:scratch:into:)``), computed or
/// cached; the buffer is read before the next call.
protocol WordFeatureSource {
    mutating func features(ofWord t: Int, _ token: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt32>
}
