import Foundation

/// A sparse vector over a model's feature rows.
public struct SparseVector: Sendable {
    /// Row indices.
    public var rows: [Int32] = []
    /// Values.
    public var values: [Float] = []

    /// Creates an empty vector.
    public init() {}

    mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}

/// The features a model knows: sorted keys (row `i` is `keys[i]`), their inverse document
/// frequencies, and an open-addressing index from key to row built at load time.
struct FeatureSpace: Sendable {
    let keys: [FeatureKey]
    let idf: [Float]
    let settings: FeatureSettings
    /// Slots: `UInt64(key) << 32 | row`, or `emptySlot`.
    private let slots: [UInt64]
    private let shift: UInt32
    static let emptySlot = UInt64.max

    init(keys: [FeatureKey], idf: [Float], settings: FeatureSettings) {
        self.keys = keys
        self.idf = idf
        self.settings = settings
        var capacity = 16
        var bits: UInt32 = 4
        while capacity < keys.count * 2 {
            capacity <<= 1
            bits += 1
        }
        shift = 32 - bits
        var slots = [UInt64](repeating: Self.emptySlot, count: capacity)
        let mask = capacity - 1
        for (row, key) in keys.enumerated() {
            var slot = Int((key &* 0x9E37_79B1) >> shift)
            while slots[slot] != Self.emptySlot { slot = (slot + 1) & mask }
            slots[slot] = UInt64(key) << 32 | UInt64(row)
        }
        self.slots = slots
    }

    var count: Int { keys.count }

    /// The row of `key`, or -1.
    @inline(__always)
    func row(_ key: FeatureKey, _ slots: UnsafeBufferPointer<UInt64>) -> Int {
        let mask = slots.count - 1
        var slot = Int((key &* 0x9E37_79B1) >> shift)
        while true {
            let s = slots[slot]
            if s == Self.emptySlot { return -1 }
            if UInt32(truncatingIfNeeded: s >> 32) == key { return Int(truncatingIfNeeded: s & 0xFFFF_FFFF) }
            slot = (slot + 1) & mask
        }
    }

    /// Weights the features in `workspace` (term weighting, idf, per-block L2 norm),
    /// dropping the ones the model does not know.
    func vectorize(_ ws: FeatureWorkspace, into v: inout SparseVector) {
        vectorize(keys: ws.keyBuffer.buffer, counts: ws.countBuffer.buffer, into: &v)
    }

    /// Weights the features `keys`/`counts` (see ``vectorize(_:into:)``).
    func vectorize(keys wsKeys: UnsafeBufferPointer<FeatureKey>, counts wsCounts: UnsafeBufferPointer<Float>, into v: inout SparseVector) {
        v.removeAll()
        let weighting = settings.weighting
        let useIDF = !idf.isEmpty
        var wordNorm: Float = 0
        var charNorm: Float = 0
        slots.withUnsafeBufferPointer { slots in
            for k in 0..<wsKeys.count {
                let key = wsKeys[k]
                let r = row(key, slots)
                if r < 0 { continue }
                let c = wsCounts[k]
                var x = weighting.weight(ofCount: c)
                if useIDF { x *= idf[r] }
                if key & charBlockBit != 0 { charNorm += x * x } else { wordNorm += x * x }
                v.rows.append(Int32(r))
                v.values.append(x)
            }
        }
        if settings.normalize && !v.rows.isEmpty {
            let wScale: Float = wordNorm > 0 ? 1 / wordNorm.squareRoot() : 0
            let cScale: Float = charNorm > 0 ? 1 / charNorm.squareRoot() : 0
            for k in 0..<v.rows.count {
                v.values[k] *= keys[Int(v.rows[k])] & charBlockBit != 0 ? cScale : wScale
            }
        }
    }

    /// Slot index where the probe for `key` starts.
    @inline(__always)
    func firstSlot(_ key: FeatureKey) -> Int { Int((key &* 0x9E37_79B1) >> shift) }

    /// Row of `key` probing from `slot`, or -1.
    @inline(__always)
    func row(_ key: FeatureKey, from slot: Int, _ slots: UnsafeBufferPointer<UInt64>) -> Int {
        let mask = slots.count - 1
        var slot = slot
        while true {
            let s = slots[slot]
            if s == Self.emptySlot { return -1 }
            if UInt32(truncatingIfNeeded: s >> 32) == key { return Int(truncatingIfNeeded: s & 0xFFFF_FFFF) }
            slot = (slot + 1) & mask
        }
    }

    /// Calls `body` with the slot table (for hot loops).
    func withSlots<R>(_ body: (UnsafeBufferPointer<UInt64>) -> R) -> R {
        slots.withUnsafeBufferPointer(body)
    }
}

extension FeatureSettings.Weighting {
    /// The weight of a feature that occurs `count` times in a message.
    @inline(__always)
    func weight(ofCount count: Float) -> Float {
        switch self {
        case .count: return count
        case .sublinear:
            // Counts are whole numbers: small ones from a table of the same values.
            if count == 1 { return 1 }
            let k = Int(count)
            if k >= 0 && k < sublinearWeights.count && Float(k) == count { return sublinearWeights[k] }
            return 1 + logf(count)
        case .binary: return 1
        }
    }
}

/// `1 + logf(k)` for k below 64: the sublinear weight of small counts.
private let sublinearWeights: [Float] = (0..<64).map { 1 + logf(Float($0)) }
