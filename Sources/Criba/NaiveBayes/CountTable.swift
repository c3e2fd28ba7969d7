/// Naive Bayes counts together with the feature keys (rows) and labels (columns) they belong
/// to, so that tables from different models or messages can be added and subtracted.
///
/// Keys and labels are kept sorted. Adding two tables unions both; every cell of the result is
/// `0 + a + b` in `Double`, which is exact for integer counts (count weighting), so the order
/// in which tables are added does not change the result.
struct CountTable: Sendable, Equatable {
    var keys: [FeatureKey]
    var labels: [String]
    var counts: NaiveBayesCounts

    /// The counts of a count-based model.
    init(_ model: Model) {
        keys = model.space.keys
        labels = model.labels
        counts = model.counts ?? NaiveBayesCounts(featureCounts: [], classCounts: [])
    }

    init(keys: [FeatureKey], labels: [String], counts: NaiveBayesCounts) {
        self.keys = keys
        self.labels = labels
        self.counts = counts
    }

    /// Counts of `examples` weighted as a model with these settings weights them in training
    /// (same feature extraction, term weighting and normalisation; no idf).
    init(examples: [Example], tokenizer: TokenizerSettings, features: FeatureSettings) {
        let extractor = FeatureExtractor(tokenizer: tokenizer, features: features)
        let workspace = FeatureWorkspace()
        let labels = Array(Set(examples.map(\.label))).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        var raw = RawFeatures()
        for e in examples {
            extractor.extract(e.text, into: workspace)
            raw.append(workspace, label: index[e.label]!)
        }
        var settings = features
        settings.idf = false
        let keys = raw.vocabulary(minCount: 1, idf: false).keys
        let space = FeatureSpace(keys: keys, idf: [], settings: settings)
        let matrix = raw.matrix(in: space)
        self.keys = keys
        self.labels = labels
        self.counts = NaiveBayes.count(matrix, features: keys.count, classes: labels.count)
    }

    /// `self + sign · other`, with keys and labels unioned (sorted).
    ///
    /// - Complexity: O((F₁ + F₂) · C) for `F` keys and `C` labels of the result.
    func adding(_ other: CountTable, sign: Double = 1) -> CountTable {
        let labels = Array(Set(self.labels).union(other.labels)).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let mapA = self.labels.map { labelIndex[$0]! }
        let mapB = other.labels.map { labelIndex[$0]! }
        // Merge the sorted key lists.
        var keys: [FeatureKey] = []
        keys.reserveCapacity(max(self.keys.count, other.keys.count))
        var rowA = [Int](repeating: 0, count: self.keys.count)
        var rowB = [Int](repeating: 0, count: other.keys.count)
        var i = 0
        var j = 0
        while i < self.keys.count || j < other.keys.count {
            if j == other.keys.count || (i < self.keys.count && self.keys[i] < other.keys[j]) {
                rowA[i] = keys.count
                keys.append(self.keys[i])
                i += 1
            } else if i == self.keys.count || other.keys[j] < self.keys[i] {
                rowB[j] = keys.count
                keys.append(other.keys[j])
                j += 1
            } else {
                rowA[i] = keys.count
                rowB[j] = keys.count
                keys.append(self.keys[i])
                i += 1
                j += 1
            }
        }
        let c = labels.count
        var fc = [Double](repeating: 0, count: keys.count * c)
        var cc = [Double](repeating: 0, count: c)
        func add(_ t: CountTable, rows: [Int], columns: [Int], sign: Double) {
            let tc = t.labels.count
            for (l, n) in t.counts.classCounts.enumerated() { cc[columns[l]] += sign * n }
            t.counts.featureCounts.withUnsafeBufferPointer { src in
                fc.withUnsafeMutableBufferPointer { dst in
                    for r in 0..<t.keys.count {
                        let to = rows[r] * c
                        let from = r * tc
                        for l in 0..<tc { dst[to + columns[l]] += sign * src[from + l] }
                    }
                }
            }
        }
        add(self, rows: rowA, columns: mapA, sign: 1)
        add(other, rows: rowB, columns: mapB, sign: sign)
        return CountTable(keys: keys, labels: labels, counts: NaiveBayesCounts(featureCounts: fc, classCounts: cc))
    }

    /// The first cell below zero, as (key row, label column), or the label column whose
    /// message count is below zero (row `nil`). Values in `(-1e-9, 0)` (rounding of non-integer
    /// weights) count as zero.
    func firstNegative() -> (row: Int?, column: Int)? {
        let c = labels.count
        for (l, n) in counts.classCounts.enumerated() where n < 0 { return (nil, l) }
        for k in 0..<counts.featureCounts.count where counts.featureCounts[k] <= -1e-9 {
            return (k / c, k % c)
        }
        return nil
    }

    /// Drops keys whose counts are all zero and labels with no messages and no counts; sets
    /// rounding residues in `(-1e-9, 1e-9)` to exactly zero.
    func pruned() -> CountTable {
        let c = labels.count
        var fc = counts.featureCounts
        for k in 0..<fc.count where abs(fc[k]) < 1e-9 { fc[k] = 0 }
        var keepColumn = counts.classCounts.map { $0 > 0 }
        for k in 0..<fc.count where fc[k] != 0 { keepColumn[k % c] = true }
        let columns = (0..<c).filter { keepColumn[$0] }
        var keys: [FeatureKey] = []
        var out: [Double] = []
        for r in 0..<self.keys.count {
            let row = fc[(r * c)..<(r * c + c)]
            if row.allSatisfy({ $0 == 0 }) { continue }
            keys.append(self.keys[r])
            for l in columns { out.append(fc[r * c + l]) }
        }
        return CountTable(
            keys: keys, labels: columns.map { labels[$0] },
            counts: NaiveBayesCounts(featureCounts: out, classCounts: columns.map { counts.classCounts[$0] }))
    }
}
