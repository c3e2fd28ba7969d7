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

/// Cross-validated scores of one candidate of a search: as tried (``TuningResult``) or as a
/// model stores it (``TuningInfo/Row``, the candidate as its description).
public struct TuningScores<Candidate: Sendable & Hashable>: Sendable, Hashable {
    /// The candidate.
    public var candidate: Candidate
    /// Mean accuracy over the folds.
    public var accuracy: Double
    /// Mean macro-F1 over the folds.
    public var macroF1: Double

    /// Creates a record of scores.
    public init(candidate: Candidate, accuracy: Double, macroF1: Double) {
        self.candidate = candidate
        self.accuracy = accuracy
        self.macroF1 = macroF1
    }
}

/// Cross-validated scores of one candidate.
public typealias TuningResult = TuningScores<TuningCandidate>

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
        try tracker.stage("candidate", total: candidates.count) { candidateDone in
        for (n, candidate) in candidates.enumerated() {
            candidateDone(n)
            let o = candidate.options(from: options)
            var set = try TrainingSet(options: o)
            for (i, e) in examples.enumerated() { set.add(e.text, label: e.label, line: lines[i]) }
            try set.validate(source: csv.path)
            if assignment.isEmpty {
                assignment = try Folds.assign(
                    set.raw.labels, grouping: groupColumn.map { ($0, groups) }, folds: folds, seed: options.seed, source: csv.path)
            }
            var accuracy = 0.0
            var macroF1 = 0.0
            try tracker.stage("fold", total: folds) { foldDone in
            try Folds.forEach(assignment, folds: folds) { f, trainRows, testRows in
                foldDone(f)
                let model = try ModelBuilder(
                    options: o, labels: set.labels, progress: { _ in }, fitsTemperature: false, memoryBudget: memoryBudget, tracker: tracker
                ).fit(.memory(set.raw.subset(trainRows)))
                let e = Folds.evaluation(of: model, on: set.raw.subset(testRows), labels: set.labels)
                accuracy += e.accuracy
                macroF1 += e.macroF1
            }
            }
            let r = TuningResult(candidate: candidate, accuracy: accuracy / Double(folds), macroF1: macroF1 / Double(folds))
            progress("\(candidate): accuracy \(String(format: "%.4f", r.accuracy)), macro-F1 \(String(format: "%.4f", r.macroF1))")
            results.append(r)
        }
        }
        guard let best = results.enumerated().max(by: { a, b in
            a.element.accuracy < b.element.accuracy || (a.element.accuracy == b.element.accuracy && a.offset > b.offset)
        })?.element else {
            throw TrainingError(message: "no tuning candidates")
        }
        let final = Trainer(options: best.candidate.options(from: options))
        var model = try final.train(on: examples, lines: lines, source: csv.path).recordingInput(of: csv)
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
}
