/// One configuration tried by ``Trainer/tune(on:folds:candidates:groupColumn:warn:)``.
public struct TuningCandidate: Sendable, Hashable, CustomStringConvertible {
    /// The algorithm.
    public var algorithm: Algorithm
    /// Inverse L2 strength of the optimised algorithms (`nil`: the algorithm's default).
    public var c: Double?
    /// Smoothing (naive Bayes and NB ratios).
    public var alpha: Double
    /// Longest word n-gram.
    public var wordNgrams: Int
    /// Character n-gram range (`0...0` for none).
    public var charNgrams: ClosedRange<Int>

    /// Creates a candidate.
    public init(algorithm: Algorithm, c: Double? = nil, alpha: Double = 0.5, wordNgrams: Int = 2, charNgrams: ClosedRange<Int> = 2...5) {
        self.algorithm = algorithm
        self.c = c
        self.alpha = alpha
        self.wordNgrams = wordNgrams
        self.charNgrams = charNgrams
    }

    /// The candidate as `algorithm=… alpha=… c=… word_ngrams=… char_ngrams=…`.
    public var description: String {
        var s = "algorithm=\(algorithm.rawValue)"
        if algorithm.isCountBased || algorithm.usesRatios { s += " alpha=\(alpha)" }
        if !algorithm.isCountBased { s += " c=\(c ?? algorithm.defaultC)" }
        s += " word_ngrams=\(wordNgrams) char_ngrams=\(charNgrams.upperBound == 0 ? "0" : "\(charNgrams.lowerBound)-\(charNgrams.upperBound)")"
        return s
    }

    /// The default search: a small grid that suits short messages.
    public static let defaultGrid: [TuningCandidate] = [
        TuningCandidate(algorithm: .nbLogisticRegression, c: 30),
        TuningCandidate(algorithm: .nbLogisticRegression, c: 10),
        TuningCandidate(algorithm: .logisticRegression, c: 10),
        TuningCandidate(algorithm: .logisticRegression, c: 30),
        TuningCandidate(algorithm: .logisticRegression, c: 10, wordNgrams: 1),
        TuningCandidate(algorithm: .logisticRegression, c: 10, charNgrams: 3...6),
        TuningCandidate(algorithm: .linearSVM, c: 0.5),
        TuningCandidate(algorithm: .linearSVM, c: 1),
        TuningCandidate(algorithm: .naiveBayes, alpha: 0.1),
        TuningCandidate(algorithm: .complementNaiveBayes, alpha: 0.3),
    ]

    /// `base` with this candidate's choices applied.
    func options(from base: TrainingOptions) -> TrainingOptions {
        var o = base
        o.algorithm = algorithm
        o.c = c
        o.alpha = alpha
        o.features.wordNgrams = wordNgrams
        o.features.charNgramMin = charNgrams.lowerBound
        o.features.charNgramMax = charNgrams.upperBound
        if algorithm.isCountBased {
            o.features.weighting = .count
            o.features.idf = false
            o.features.normalize = false
        }
        return o
    }
}

/// Cross-validated scores of one candidate.
public struct TuningResult: Sendable, Hashable {
    /// The candidate.
    public var candidate: TuningCandidate
    /// Mean accuracy over folds.
    public var accuracy: Double
    /// Mean macro-F1 over folds.
    public var macroF1: Double
}

extension Trainer {
    /// Chooses a configuration by deterministic stratified k-fold cross-validation (accuracy,
    /// ties to the earlier candidate), then trains it on all the data. The search table and the
    /// winner are stored in the model's ``Model/info`` (`tune.table`, `tune.winner`).
    ///
    /// - Parameters:
    ///   - csv: the labelled data.
    ///   - folds: number of folds (2...20).
    ///   - candidates: configurations to try (default ``TuningCandidate/defaultGrid``).
    ///   - groupColumn: a CSV column whose rows with the same value must share a fold (see
    ///     ``trainCalibrated(on:folds:method:groupColumn:warn:)``); stored as `tune.group_column`.
    ///   - warn: receives notes such as skipped empty rows.
    /// - Returns: the final model and every candidate's scores, in candidate order.
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    public func tune(
        on csv: LabelledCSV, folds: Int = 3, candidates: [TuningCandidate] = TuningCandidate.defaultGrid,
        groupColumn: String? = nil, warn: (String) -> Void = { _ in }
    ) throws -> (model: Model, results: [TuningResult]) {
        guard (2...20).contains(folds) else { throw TrainingError(message: "folds must be in 2...20 (got \(folds))") }
        var lines: [Int] = []
        var examples: [Example] = []
        var groups: [String] = []
        try csv.forEach(groupColumn: groupColumn, warn: warn) { text, label, group, line in
            examples.append(Example(text: text, label: label))
            groups.append(group)
            lines.append(line)
        }
        var results: [TuningResult] = []
        // Folds depend only on labels, groups and the seed, so every candidate sees the same split.
        var assignment: [Int] = []
        for candidate in candidates {
            let o = candidate.options(from: options)
            var set = try TrainingSet(options: o)
            for (i, e) in examples.enumerated() { set.add(e.text, label: e.label, line: lines[i]) }
            try set.validate(source: csv.path)
            if assignment.isEmpty {
                assignment = try Self.assignFolds(
                    set.raw.labels, grouping: groupColumn.map { ($0, groups) }, folds: folds, seed: options.seed, source: csv.path)
            }
            var accuracy = 0.0
            var macroF1 = 0.0
            for f in 0..<folds {
                let trainRows = assignment.indices.filter { assignment[$0] != f }
                let testRows = assignment.indices.filter { assignment[$0] == f }
                let model = try ModelBuilder(options: o, labels: set.labels, progress: { _ in }, fitsTemperature: false).fit(set.raw.subset(trainRows))
                let e = Self.evaluate(model, on: set.raw.subset(testRows), labels: set.labels)
                accuracy += e.accuracy
                macroF1 += e.macroF1
            }
            let r = TuningResult(candidate: candidate, accuracy: accuracy / Double(folds), macroF1: macroF1 / Double(folds))
            progress("\(candidate): accuracy \(String(format: "%.4f", r.accuracy)), macro-F1 \(String(format: "%.4f", r.macroF1))")
            results.append(r)
        }
        guard let best = results.enumerated().max(by: { a, b in
            a.element.accuracy < b.element.accuracy || (a.element.accuracy == b.element.accuracy && a.offset > b.offset)
        })?.element else {
            throw TrainingError(message: "no tuning candidates")
        }
        let final = Trainer(options: best.candidate.options(from: options))
        var model = try final.train(on: examples, lines: lines, source: csv.path)
        var tuning = TuningInfo()
        tuning.folds = folds
        tuning.groupColumn = groupColumn
        tuning.metric = "accuracy"
        tuning.winner = best.candidate.description
        tuning.table = results.map {
            TuningInfo.Row(candidate: $0.candidate.description, accuracy: $0.accuracy, macroF1: $0.macroF1)
        }
        model.facts.tuning = tuning
        return (model, results)
    }

    /// Trains on examples whose source lines are known (for error messages).
    func train(on examples: [Example], lines: [Int], source: String) throws -> Model {
        var set = try TrainingSet(options: options)
        for (i, e) in examples.enumerated() { set.add(e.text, label: e.label, line: lines[i]) }
        return try set.train(trainer: self, source: source)
    }

    /// Fold of each row: within each label, rows in a seeded random order are dealt to folds
    /// in turn, so every fold has each label's share.
    static func stratifiedFolds(_ labels: [Int32], folds: Int, seed: UInt64) -> [Int] {
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
    static func groupedFolds(_ labels: [Int32], groups: [String], folds: Int, seed: UInt64) -> [Int] {
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
    static func assignFolds(
        _ labels: [Int32], grouping: (column: String, values: [String])?, folds: Int, seed: UInt64, source: String
    ) throws -> [Int] {
        guard let grouping else { return stratifiedFolds(labels, folds: folds, seed: seed) }
        let groups = Set(grouping.values).count
        if groups < folds {
            throw TrainingError(
                message: "\(source): column `\(grouping.column)` has \(groups) distinct value(s), fewer than the \(folds) folds; grouped cross-validation needs at least one group per fold (use fewer folds or another column)")
        }
        return groupedFolds(labels, groups: grouping.values, folds: folds, seed: seed)
    }

    static func evaluate(_ model: Model, on raw: RawFeatures, labels: [String]) -> Evaluation {
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
