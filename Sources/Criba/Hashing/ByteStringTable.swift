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
    /// Shortest and longest key, and which first bytes occur: cheap rejections before hashing.
    private var minLength = Int.max
    private var maxLength = 0
    private var firstBytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))

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
            minLength = min(minLength, bytes.count)
            maxLength = max(maxLength, bytes.count)
            if let b = bytes.first {
                let bit = UInt64(1) << UInt64(b & 63)
                switch b >> 6 {
                case 0: firstBytes.0 |= bit
                case 1: firstBytes.1 |= bit
                case 2: firstBytes.2 |= bit
                default: firstBytes.3 |= bit
                }
            }
        }
    }

    @inline(__always)
    private func mayContain(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = buffer.count
        guard n >= minLength && n <= maxLength else { return false }
        if n == 0 { return true }
        let b = buffer[0]
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return firstBytes.0 & bit != 0
        case 1: return firstBytes.1 & bit != 0
        case 2: return firstBytes.2 & bit != 0
        default: return firstBytes.3 & bit != 0
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
    @inline(__always)
    func lookup(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        if !mayContain(buffer) { return nil }
        return lookup(buffer, hash: FeatureHash.fnv1a(buffer, from: FeatureHash.offsetBasis))
    }

    /// Looks up `buffer` whose FNV-1a hash (from the offset basis) is already known.
    func lookup(_ buffer: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
        if !mayContain(buffer) { return nil }
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { kb in
                while true {
                    let e = Int(slots[slot])
                    if e < 0 { return nil }
                    if hashes[e] == h {
                        let start = e == 0 ? 0 : Int(keyEnds[e - 1])
                        let end = Int(keyEnds[e])
                        if end - start == buffer.count
                            && (buffer.isEmpty
                                || bytesEqual(kb.baseAddress! + start, buffer.baseAddress, count: buffer.count))
                        {
                            return e
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }
}
