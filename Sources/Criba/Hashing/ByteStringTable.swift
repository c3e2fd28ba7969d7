/// An immutable open-addressing table from short byte strings to integer payloads.
///
/// Used for the tokenizer's word lists (voseo forms, chat abbreviations, stopwords, money
/// words). Lookups hash the bytes with FNV-1a and compare them, with no allocation.
struct ByteStringTable: Sendable {
    private var slots: [Int32]
    private var keyBytes: [UInt8] = []
    private var keyEnds: [Int32] = []
    private var hashes: [UInt64] = []
    private(set) var payloads: [Int32] = []
    private let mask: Int

    /// Builds a table. Later duplicates of a key are ignored.
    init(_ entries: [(key: String, payload: Int32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = [Int32](repeating: -1, count: capacity)
        for (key, payload) in entries {
            let bytes = Array(key.utf8)
            if lookup(bytes) != nil { continue }
            let h = bytes.withUnsafeBufferPointer { FeatureHash.fnv1a($0, from: FeatureHash.offsetBasis) }
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(payloads.count)
            keyBytes.append(contentsOf: bytes)
            keyEnds.append(Int32(keyBytes.count))
            hashes.append(h)
            payloads.append(payload)
        }
    }

    var count: Int { payloads.count }

    /// The key of entry `index`.
    func key(at index: Int) -> [UInt8] {
        let start = index == 0 ? 0 : Int(keyEnds[index - 1])
        return Array(keyBytes[start..<Int(keyEnds[index])])
    }

    /// Looks up `bytes`, returning the entry index, or `nil`.
    func lookup(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { lookup($0) }
    }

    /// Looks up the bytes in `buffer`, returning the entry index, or `nil`.
    ///
    /// - Complexity: O(*n*) in the key length, expected O(1) probes.
    func lookup(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        if payloads.isEmpty { return nil }
        let h = FeatureHash.fnv1a(buffer, from: FeatureHash.offsetBasis)
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { kb in
                while true {
                    let e = Int(slots[slot])
                    if e < 0 { return nil }
                    if hashes[e] == h {
                        let start = e == 0 ? 0 : Int(keyEnds[e - 1])
                        let end = Int(keyEnds[e])
                        if end - start == buffer.count {
                            var same = true
                            var i = 0
                            while i < buffer.count {
                                if kb[start + i] != buffer[i] { same = false; break }
                                i += 1
                            }
                            if same { return e }
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }
}
