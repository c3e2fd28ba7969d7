import Foundation

/// Training messages as a sparse row-major matrix over a model's feature rows.
struct FeatureMatrix: Sendable {
    /// Start of each message's entries; `offsets.count == rows + 1`.
    var offsets: [Int] = [0]
    var columns: [Int32] = []
    var values: [Float] = []
    /// Class index of each message.
    var labels: [Int32] = []

    var rows: Int { offsets.count - 1 }

    /// Σ x², in `Double`.
    static func squaredSum(_ values: [Float]) -> Double {
        var sum = 0.0
        for x in values { sum += Double(x) * Double(x) }
        return sum
    }

    mutating func append(_ v: SparseVector, label: Int32) {
        columns.append(contentsOf: v.rows)
        values.append(contentsOf: v.values)
        offsets.append(columns.count)
        labels.append(label)
    }

    /// The messages at `indices`, in that order.
    func subset(_ indices: [Int]) -> FeatureMatrix {
        var m = FeatureMatrix()
        for i in indices {
            let r = offsets[i]..<offsets[i + 1]
            m.columns.append(contentsOf: columns[r])
            m.values.append(contentsOf: values[r])
            m.offsets.append(m.columns.count)
            m.labels.append(labels[i])
        }
        return m
    }
}

/// Hashed features of training messages before a vocabulary exists: per message, its keys
/// and counts.
struct RawFeatures: Sendable {
    var offsets: [Int] = [0]
    var keys: [FeatureKey] = []
    var counts: [Float] = []
    var labels: [Int32] = []

    var rows: Int { offsets.count - 1 }

    mutating func append(_ ws: FeatureWorkspace, label: Int32) {
        keys.append(contentsOf: ws.keyBuffer.buffer)
        counts.append(contentsOf: ws.countBuffer.buffer)
        offsets.append(keys.count)
        labels.append(label)
    }

    func subset(_ indices: [Int]) -> RawFeatures {
        var m = RawFeatures()
        for i in indices {
            let r = offsets[i]..<offsets[i + 1]
            m.keys.append(contentsOf: keys[r])
            m.counts.append(contentsOf: counts[r])
            m.offsets.append(m.keys.count)
            m.labels.append(labels[i])
        }
        return m
    }

    /// Keys present in at least `minCount` messages, sorted, with smoothed idf (see
    /// ``Vocabulary``).
    func vocabulary(minCount: Int, idf: Bool) -> Vocabulary {
        var df = DocumentFrequencies()
        df.counts.reserveCapacity(keys.count / 4)
        for k in keys { df.counts[k, default: 0] += 1 }
        df.rows = rows
        return df.vocabulary(minCount: minCount, idf: idf)
    }

    /// Weights every message in `space`.
    func matrix(in space: FeatureSpace) -> FeatureMatrix {
        var m = FeatureMatrix()
        m.columns.reserveCapacity(keys.count)
        m.values.reserveCapacity(keys.count)
        var v = SparseVector()
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeBufferPointer { c in
                for i in 0..<rows {
                    let r = offsets[i]..<offsets[i + 1]
                    space.vectorize(keys: UnsafeBufferPointer(rebasing: k[r]), counts: UnsafeBufferPointer(rebasing: c[r]), into: &v)
                    m.append(v, label: labels[i])
                }
            }
        }
        return m
    }
}
