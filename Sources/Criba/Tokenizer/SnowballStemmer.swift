import CStemmer

/// The Snowball Spanish stemmer from Debian's libstemmer, with a cache of recent words.
///
/// Not thread-safe: each ``FeatureWorkspace`` owns one. The corresponding C functions are
/// `sb_stemmer_new`, `sb_stemmer_stem`, `sb_stemmer_length` and `sb_stemmer_delete`.
final class SnowballStemmer {
    private let stemmer: OpaquePointer
    private var cache: StemCache

    /// Creates a Spanish stemmer.
    init() {
        guard let s = sb_stemmer_new("spanish", "UTF_8") else {
            fatalError("libstemmer has no Spanish stemmer for UTF-8")
        }
        stemmer = s
        cache = StemCache(capacity: 1 << 15)
    }

    deinit { sb_stemmer_delete(stemmer) }

    /// The FNV-1a hash (from `seed`) of the stem of `word`, cached.
    @inline(__always)
    func stemHash(of word: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        if let h = cache.lookupHash(word) { return h }
        let h = withStem(of: word) { FeatureHash.fnv1a($0, from: seed) }
        cache.setHash(word, h)
        return h
    }

    /// Calls `body` with the stem of `word` (UTF-8, lower case).
    func withStem<R>(of word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let cached = cache.lookup(word) {
            return cached.withUnsafeBufferPointer(body)
        }
        guard let base = word.baseAddress, word.count > 0,
              let out = sb_stemmer_stem(stemmer, base, Int32(word.count))
        else {
            return body(word)
        }
        let length = Int(sb_stemmer_length(stemmer))
        let stem = Array(UnsafeBufferPointer(start: out, count: length))
        cache.insert(word, stem: stem)
        return stem.withUnsafeBufferPointer(body)
    }

    /// The stem of a word, as a string (for display and tests).
    func stem(_ word: String) -> String {
        var w = word
        return w.withUTF8 { buf in withStem(of: buf) { String(decoding: $0, as: UTF8.self) } }
    }
}

/// A bounded word → stem cache (cleared when full). Also remembers the hash of each stem, so
/// the feature extractor's hot path is one probe and one byte comparison per word.
struct StemCache {
    private var slots: [Int32]
    private var keys: [[UInt8]] = []
    private var stems: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var stemHashes: [UInt64] = []
    private let mask: Int
    private let limit: Int

    init(capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity * 2)
        mask = capacity * 2 - 1
        limit = capacity
    }

    /// The remembered stem hash of `word`, if any.
    @inline(__always)
    func lookupHash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let e = find(word), stemHashes[e] != 0 else { return nil }
        return stemHashes[e]
    }

    mutating func setHash(_ word: UnsafeBufferPointer<UInt8>, _ h: UInt64) {
        if let e = find(word) { stemHashes[e] = h }
    }

    @inline(__always)
    private func find(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = FeatureHash.fnv1a(word, from: FeatureHash.offsetBasis)
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let e = Int(slots[slot])
                if e < 0 { return nil }
                if hashes[e] == h && keys[e].withUnsafeBufferPointer({ $0.elementsEqual(word) }) { return e }
                slot = (slot + 1) & mask
            }
        }
    }

    func lookup(_ word: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let h = FeatureHash.fnv1a(word, from: FeatureHash.offsetBasis)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e < 0 { return nil }
            if hashes[e] == h && keys[e].elementsEqual(word) { return stems[e] }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, stem: [UInt8]) {
        if keys.count >= limit {
            for k in slots.indices { slots[k] = -1 }
            keys.removeAll(keepingCapacity: true)
            stems.removeAll(keepingCapacity: true)
            hashes.removeAll(keepingCapacity: true)
            stemHashes.removeAll(keepingCapacity: true)
        }
        let h = FeatureHash.fnv1a(word, from: FeatureHash.offsetBasis)
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(keys.count)
        keys.append(Array(word))
        stems.append(stem)
        hashes.append(h)
        stemHashes.append(0)
    }
}
