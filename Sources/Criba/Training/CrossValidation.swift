import Foundation

/// Deterministic k-fold splits of a training set, shared by cross-validation, calibration,
/// tuning and the held-out temperature of SVMs.
enum Folds {
    /// Fold of each row: within each label, rows in a seeded random order are dealt to folds
    /// in turn, so every fold has each label's share.
    static func stratified(_ labels: [Int32], folds: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed &+ 0x5EED)
        var byLabel: [Int32: [Int]] = [:]
        for (i, y) in labels.enumerated() { byLabel[y, default: []].append(i) }
        var assignment = [Int](repeating: 0, count: labels.count)
        var next = 0
        for y in byLabel.keys.sorted() {
            var rows = byLabel[y]!
            rng.shuffle(&rows)
            for r in rows {
                assignment[r] = next % folds
                next += 1
            }
        }
        return assignment
    }

    /// Fold of each row, grouped: every row with the same value of `groups` falls in the same
    /// fold. Groups are dealt largest first (equal sizes in a seeded random order of the sorted
    /// group names), each to the fold where it keeps every label's share of rows closest to
    /// `1/folds` (ties: the fold with fewer rows, then the lower fold). The result depends only
    /// on the groups' names and label counts and on the seed, not on the order of the rows.
    /// With at least `folds` groups every fold gets at least one.
    ///
    /// - Parameters:
    ///   - labels: the label of each row.
    ///   - groups: the group of each row (same count as `labels`).
    ///   - folds: number of folds.
    ///   - seed: the seed.
    static func grouped(_ labels: [Int32], groups: [String], folds: Int, seed: UInt64) -> [Int] {
        precondition(labels.count == groups.count, "one group per row")
        // Group numbers follow the names in byte order, so they do not depend on the row order.
        let names = Set(groups).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let number = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let classes = Int(labels.max() ?? 0) + 1
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: names.count)
        var size = [Int](repeating: 0, count: names.count)
        var total = [Int](repeating: 0, count: classes)
        let rowGroup = groups.map { number[$0]! }
        for (i, g) in rowGroup.enumerated() {
            counts[g][Int(labels[i])] += 1
            size[g] += 1
            total[Int(labels[i])] += 1
        }
        var rng = SplitMix64(seed: seed &+ 0x6209_5EED)
        var shuffled = Array(names.indices)
        rng.shuffle(&shuffled)
        let order = shuffled.enumerated().sorted { a, b in
            size[a.element] != size[b.element] ? size[a.element] > size[b.element] : a.offset < b.offset
        }.map(\.element)
        let target = 1 / Double(folds)
        var foldCounts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: folds)
        var foldSize = [Int](repeating: 0, count: folds)
        var foldOf = [Int](repeating: 0, count: names.count)
        for g in order {
            // Adding the group to fold f changes Σ_y (share_fy − 1/folds)² by
            // Σ_y s_y (s_y + 2 (share_fy − 1/folds)), with s_y the group's share of label y.
            var best = 0
            var bestCost = Double.infinity
            for f in 0..<folds {
                var cost = 0.0
                for y in 0..<classes where counts[g][y] > 0 {
                    let t = Double(total[y])
                    let s = Double(counts[g][y]) / t
                    cost += s * (s + 2 * (Double(foldCounts[f][y]) / t - target))
                }
                if cost < bestCost || (cost == bestCost && foldSize[f] < foldSize[best]) {
                    best = f
                    bestCost = cost
                }
            }
            foldOf[g] = best
            foldSize[best] += size[g]
            for y in 0..<classes { foldCounts[best][y] += counts[g][y] }
        }
        return rowGroup.map { foldOf[$0] }
    }

    /// Fold of each row for cross-validation: grouped by `grouping` (the column's name and each
    /// row's value) when given, else stratified by label.
    ///
    /// - Throws: ``TrainingError`` when there are fewer groups than folds.
    static func assign(
        _ labels: [Int32], grouping: (column: String, values: [String])?, folds: Int, seed: UInt64, source: String
    ) throws -> [Int] {
        guard let grouping else { return stratified(labels, folds: folds, seed: seed) }
        let groups = Set(grouping.values).count
        if groups < folds {
            throw TrainingError(
                message: "\(source): column `\(grouping.column)` has \(groups) distinct value(s), fewer than the \(folds) folds; grouped cross-validation needs at least one group per fold (use fewer folds or another column)")
        }
        return grouped(labels, groups: grouping.values, folds: folds, seed: seed)
    }

    /// Calls `body` for each fold in turn with the fold's index, the rows of the other folds
    /// and the fold's own rows (both in row order).
    static func forEach(_ assignment: [Int], folds: Int, _ body: (Int, [Int], [Int]) throws -> Void) rethrows {
        for f in 0..<folds {
            let trainRows = assignment.indices.filter { assignment[$0] != f }
            let testRows = assignment.indices.filter { assignment[$0] == f }
            try body(f, trainRows, testRows)
        }
    }

    /// Share of rows whose highest score is the true label's.
    static func accuracy(scores: [Float], labels: [Int32], classes c: Int) -> Double {
        guard !labels.isEmpty else { return .nan }
        var right = 0
        for i in labels.indices {
            var best = 0
            for j in 1..<c where scores[i * c + j] > scores[i * c + best] { best = j }
            if best == Int(labels[i]) { right += 1 }
        }
        return Double(right) / Double(labels.count)
    }

    /// The evaluation of `model` on every message of `raw` (top answer only).
    static func evaluation(of model: Model, on raw: RawFeatures, labels: [String]) -> Evaluation {
        var e = Evaluation(labels: labels)
        var v = SparseVector()
        var scores = [Float](repeating: 0, count: labels.count)
        raw.keys.withUnsafeBufferPointer { k in
            raw.counts.withUnsafeBufferPointer { c in
                for i in 0..<raw.rows {
                    let r = raw.offsets[i]..<raw.offsets[i + 1]
                    model.space.vectorize(keys: UnsafeBufferPointer(rebasing: k[r]), counts: UnsafeBufferPointer(rebasing: c[r]), into: &v)
                    scores.withUnsafeMutableBufferPointer { model.scores(v, into: $0) }
                    var best = 0
                    for j in 1..<scores.count where scores[j] > scores[best] { best = j }
                    e.add(truth: labels[Int(raw.labels[i])], predicted: labels[best])
                }
            }
        }
        return e
    }
}

extension ModelBuilder {
    /// Raw scores of every row of `raw` by a model that never saw it: for each fold, a model
    /// trained on the other folds scores the fold's rows. Rows come fold by fold (in row order
    /// within a fold), with their labels; `progress` receives each fold's index before its
    /// training.
    func outOfFoldScores(
        _ raw: RawFeatures, assignment: [Int], folds: Int, progress: (Int) -> Void
    ) throws -> (scores: [Float], labels: [Int32]) {
        var scores: [Float] = []
        var heldOutLabels: [Int32] = []
        scores.reserveCapacity(raw.rows * labels.count)
        heldOutLabels.reserveCapacity(raw.rows)
        try Folds.forEach(assignment, folds: folds) { f, trainRows, testRows in
            progress(f)
            scores += try fit(.memory(raw.subset(trainRows))).rawScores(raw.subset(testRows))
            heldOutLabels += testRows.map { raw.labels[$0] }
        }
        return (scores, heldOutLabels)
    }
}

extension Trainer {
    /// Stratified k-fold cross-validation on a labelled CSV file: for each fold, a model is
    /// trained with these options on the other folds and classifies the fold's messages; the
    /// out-of-fold results are pooled into one evaluation (folds are deterministic from the seed).
    /// With `groupColumn` the folds are grouped by that column's values, as in
    /// ``trainCalibrated(on:folds:method:groupColumn:warn:)``.
    ///
    /// - Parameters:
    ///   - csv: the labelled data.
    ///   - folds: number of folds (2...20).
    ///   - keepMistakes: how many of the most confident mistakes to keep (with explanations).
    ///   - groupColumn: a CSV column whose rows with the same value must share a fold (default:
    ///     none); it needs at least `folds` distinct values.
    /// - Returns: the pooled evaluation over every message.
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    public func crossValidate(
        on csv: LabelledCSV, folds: Int, keepMistakes: Int = 0, groupColumn: String? = nil, warn: (String) -> Void = { _ in }
    ) throws -> Evaluation {
        guard (2...20).contains(folds) else { throw TrainingError(message: "folds must be in 2...20 (got \(folds))") }
        var set = try TrainingSet(options: options)
        var examples: [Example] = []
        var groups: [String] = []
        try csv.forEach(groupColumn: groupColumn, warn: warn) { text, label, group, line in
            set.add(text, label: label, line: line)
            examples.append(Example(text: text, label: label))
            groups.append(group)
        }
        try set.validate(source: csv.path)
        let builder = ModelBuilder(options: options, labels: set.labels, progress: { _ in }, memoryBudget: memoryBudget, tracker: tracker)
        let assignment = try Folds.assign(
            set.raw.labels, grouping: groupColumn.map { ($0, groups) }, folds: folds, seed: options.seed, source: csv.path)
        var e = Evaluation(labels: set.labels)
        e.mistakeLimit = keepMistakes
        try tracker.stage("fold", total: folds) { done in
            try Folds.forEach(assignment, folds: folds) { f, trainRows, testRows in
                done(f)
                progress("fold \(f + 1)/\(folds)")
                let classifier = Classifier(model: try builder.fit(.memory(set.raw.subset(trainRows))))
                for i in testRows {
                    classifier.record(examples[i].text, truth: examples[i].label, into: &e)
                }
            }
        }
        return e
    }
}
