import Foundation

/// Optimisers for the logistic-regression algorithms.
public enum Solver: String, Sendable, CaseIterable, Codable {
    /// Full-batch L-BFGS to `tolerance` (exact optimum of the regularised objective).
    case lbfgs
    /// Stochastic gradient descent, `epochs` passes (fast).
    case sgd
}

/// Everything that decides a trained model. Same options + same data = same bytes.
public struct TrainingOptions: Sendable, Equatable {
    /// The algorithm.
    public var algorithm: Algorithm = .linearSVM
    /// Tokenizer settings.
    public var tokenizer: TokenizerSettings = .spanish
    /// Feature settings.
    public var features = FeatureSettings()
    /// Keep features that occur in at least this many training messages.
    public var minCount = 1
    /// Naive Bayes smoothing (also used for the log-count ratios of `nblr`).
    public var alpha: Double = 0.5
    /// Inverse L2 strength for the optimised algorithms (λ = 1 / (C · n)); `nil` means the
    /// algorithm's ``Algorithm/defaultC`` (30 for `lr`/`nblr`, 0.5 for `svm`/`nbsvm`).
    public var c: Double? = nil
    /// Optimiser for logistic regression.
    public var solver: Solver = .sgd
    /// SGD passes over the data.
    public var epochs = 12
    /// SGD initial learning rate (decays linearly to zero); `nil` means the algorithm's
    /// ``Algorithm/defaultLearningRate`` (0.8 for `lr`/`nblr`, 0.1 for `svm`/`nbsvm`).
    public var learningRate: Double? = nil
    /// L-BFGS stopping tolerance (relative gradient norm).
    public var tolerance: Double = 1e-4
    /// L-BFGS iteration limit.
    public var maxIterations = 300
    /// Weight classes inversely to their frequency.
    public var balanced = false
    /// Seed for every random choice (message order for SGD, folds for tuning).
    public var seed: UInt64 = 1

    /// Creates options with the defaults (good for short messages).
    public init() {}

    /// The most SGD passes or L-BFGS iterations a training may ask for.
    public static let largestEpochs = 100_000

    /// Why these options cannot train a model, or `nil` when they can: feature settings out of
    /// range, a smoothing, C, learning rate or tolerance that is not a positive finite
    /// number, a minimum count below 1, or epochs or iterations outside 1...100,000.
    public func problem() -> String? {
        if let p = features.problem() { return "invalid feature settings: \(p)" }
        if !(alpha > 0 && alpha.isFinite) { return "alpha must be a positive number (got \(alpha))" }
        if let c, !(c > 0 && c.isFinite) { return "C must be a positive number (got \(c))" }
        if let r = learningRate, !(r > 0 && r.isFinite) { return "the learning rate must be a positive number (got \(r))" }
        if !(tolerance > 0 && tolerance.isFinite) { return "the tolerance must be a positive number (got \(tolerance))" }
        if minCount < 1 { return "the minimum count must be at least 1 (got \(minCount))" }
        if !(1...Self.largestEpochs).contains(epochs) { return "epochs must be in 1...\(Self.largestEpochs) (got \(epochs))" }
        if !(1...Self.largestEpochs).contains(maxIterations) {
            return "the iteration limit must be in 1...\(Self.largestEpochs) (got \(maxIterations))"
        }
        return nil
    }

    /// C in effect: ``c`` or the algorithm's default.
    public var effectiveC: Double { c ?? algorithm.defaultC }

    /// Learning rate in effect: ``learningRate`` or the algorithm's default.
    public var effectiveLearningRate: Double { learningRate ?? algorithm.defaultLearningRate }

    /// The options that decided a model trained with them (stored in the model's facts).
    var facts: TrainingFacts {
        var t = TrainingFacts()
        t.minCount = minCount
        t.seed = seed
        switch algorithm {
        case .naiveBayes, .complementNaiveBayes:
            t.alpha = alpha
        case .logisticRegression, .nbLogisticRegression, .linearSVM, .nbSVM:
            if algorithm.usesRatios { t.alpha = alpha }
            t.c = effectiveC
            t.solver = solver
            t.balanced = balanced
            switch solver {
            case .sgd:
                t.epochs = epochs
                t.learningRate = effectiveLearningRate
            case .lbfgs:
                t.tolerance = tolerance
                t.maxIterations = maxIterations
            }
        }
        return t
    }
}

/// A problem with the training set as a whole, or a model that cannot be updated or merged
/// as asked. The command-line tool exits with status 65 for it.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    /// The explanation (naming file and line where one is known).
    public var message: String
    /// The settings the message mentions (by ``SettingRole/mention``).
    public var settings: [SettingRole]

    /// Creates an error with an explanation.
    public init(message: String, settings: [SettingRole] = []) {
        self.message = message
        self.settings = settings
    }

    /// The explanation.
    public var description: String { message }
}

/// Trains models.
///
/// A trainer holds only options and a progress callback; it is `Sendable`, so several
/// trainings (for example of different shards) can run in parallel tasks.
public struct Trainer: Sendable {
    /// The options.
    public var options: TrainingOptions
    /// Receives progress lines (the library never prints).
    public var progress: @Sendable (String) -> Void

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - options: What to train and how.
    ///   - progress: Receives progress lines; it may be called from the training thread only.
    public init(options: TrainingOptions = TrainingOptions(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        BLAS.singleThreaded
        self.options = options
        self.progress = progress
    }

    /// Trains on in-memory examples.
    ///
    /// - Throws: ``TrainingError`` if there are fewer than two labels or a label has a single
    ///   example.
    public func train(on examples: [Example]) throws -> Model {
        var set = try TrainingSet(options: options)
        for (i, e) in examples.enumerated() { set.add(e.text, label: e.label, line: i + 1) }
        return try set.train(trainer: self, source: "examples")
    }

    /// Trains on a labelled CSV file, streaming it (memory holds the features, not the text).
    ///
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    public func train(on csv: LabelledCSV, warn: (String) -> Void = { _ in }) throws -> Model {
        // Naive Bayes needs only counts: stream the file (two passes, memory = the model); the
        // result is the same model, byte for byte.
        if options.algorithm.isCountBased && csv.path != "-" {
            return try trainStreaming(on: csv, warn: warn)
        }
        var set = try TrainingSet(options: options)
        try csv.forEach(warn: warn) { text, label, line in set.add(text, label: label, line: line) }
        return try set.train(trainer: self, source: csv.path)
    }

    /// Trains on a labelled CSV file given by URL (see ``train(on:warn:)-(LabelledCSV,_)``).
    ///
    /// - Parameters:
    ///   - url: A file URL.
    ///   - csv: How to read the file (columns, delimiter, encoding).
    ///   - warn: Receives notes such as skipped empty rows.
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    public func train(contentsOf url: URL, csv: CSVOptions = CSVOptions(), warn: (String) -> Void = { _ in }) throws -> Model {
        try train(on: LabelledCSV(path: url.path, options: csv), warn: warn)
    }

    /// Trains a naive Bayes count model on one shard of a data set, for
    /// ``Model/merging(_:)``.
    ///
    /// The algorithm is `nb` (or `cnb` if the options ask for it), features are counted with
    /// integer weights (count weighting, no idf, no normalisation) so that sums are exact, and
    /// no feature is dropped (`minCount` is 1: a minimum count only means something for the
    /// merged data). A label may have a single example in a shard, and a shard may hold one
    /// label only. Merging the count models of
    /// the shards of a file gives, byte for byte, the model that ``train(on:warn:)-(LabelledCSV,_)``
    /// trains on the whole file with the same options.
    ///
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError`` (no rows).
    public func trainCounts(on csv: LabelledCSV, warn: (String) -> Void = { _ in }) throws -> Model {
        let o = Self.countOptions(options)
        var set = try TrainingSet(options: o)
        try csv.forEach(warn: warn) { text, label, line in set.add(text, label: label, line: line) }
        try set.validate(source: csv.path, requireTwoPerLabel: false)
        return try ModelBuilder(options: o, labels: set.labels, progress: progress).fit(set.raw)
    }

    /// `options` for a count model: `nb` unless `cnb`, integer counts, every feature kept.
    public static func countOptions(_ options: TrainingOptions) -> TrainingOptions {
        var o = options
        if !o.algorithm.isCountBased { o.algorithm = .naiveBayes }
        o.features.weighting = .count
        o.features.normalize = false
        o.features.idf = false
        o.minCount = 1
        return o
    }
}

/// Messages reduced to hashed features, ready to train on.
struct TrainingSet {
    let options: TrainingOptions
    let extractor: FeatureExtractor
    let workspace = FeatureWorkspace()
    var raw = RawFeatures()
    var labelIndex: [String: Int32] = [:]
    var labels: [String] = []
    var firstLine: [Int] = []
    var labelCounts: [Int] = []

    /// A set for `options`; a ``TrainingError`` if they cannot train (see
    /// ``TrainingOptions/problem()``), before any message is tokenized with them.
    init(options: TrainingOptions) throws {
        if let p = options.problem() { throw TrainingError(message: p) }
        self.options = options
        self.extractor = FeatureExtractor(tokenizer: options.tokenizer, features: options.features)
    }

    mutating func add(_ text: String, label: String, line: Int) {
        let index: Int32
        if let i = labelIndex[label] {
            index = i
        } else {
            index = Int32(labels.count)
            labelIndex[label] = index
            labels.append(label)
            firstLine.append(line)
            labelCounts.append(0)
        }
        labelCounts[Int(index)] += 1
        extractor.extract(text, into: workspace)
        raw.append(workspace, label: index)
    }

    /// Labels in sorted order, and the raw features relabelled to match.
    mutating func sortLabels() {
        let sorted = labels.sorted()
        let newIndex = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Int32($0)) })
        let remap = labels.map { newIndex[$0]! }
        raw.labels = raw.labels.map { remap[Int($0)] }
        var counts = [Int](repeating: 0, count: sorted.count)
        var lines = [Int](repeating: 0, count: sorted.count)
        for (old, new) in remap.enumerated() {
            counts[Int(new)] = labelCounts[old]
            lines[Int(new)] = firstLine[old]
        }
        labels = sorted
        labelIndex = newIndex
        labelCounts = counts
        firstLine = lines
    }

    /// Puts labels in sorted order and checks the set can be trained on: every label can be
    /// stored and answered (``Model/labelProblem(_:)``, naming the line it first appears on),
    /// and there are enough of them. A count shard
    /// (`requireTwoPerLabel` false) may hold one example of a label, or one label only: shards
    /// cut from a file sorted by label do; ``Model/merging(_:)`` checks the merged whole.
    mutating func validate(source: String, requireTwoPerLabel: Bool = true) throws {
        if raw.rows == 0 { throw TrainingError(message: "\(source): no training rows") }
        for (i, label) in labels.enumerated() {
            if let problem = Model.labelProblem(label) { throw DataError(file: source, line: firstLine[i], message: problem) }
        }
        sortLabels()
        if labels.count < 2 && requireTwoPerLabel {
            throw TrainingError(message: "\(source): only one label (`\(labels[0])`); training needs at least two")
        }
        for (i, n) in labelCounts.enumerated() where n < 2 && requireTwoPerLabel {
            throw TrainingError(
                message: "\(source):\(firstLine[i]): label `\(labels[i])` has only one example; every label needs at least 2 (add examples or fix the label)")
        }
    }

    mutating func train(trainer: Trainer, source: String) throws -> Model {
        try validate(source: source)
        return try ModelBuilder(options: options, labels: labels, progress: trainer.progress).fit(raw)
    }
}

/// Fits a model on raw features with given labels.
struct ModelBuilder {
    let options: TrainingOptions
    let labels: [String]
    let progress: (String) -> Void
    /// Whether an SVM gets a temperature (off where only the answers or the raw scores count:
    /// calibration and tuning folds, and the models that calibration gives its own temperature).
    var fitsTemperature = true

    /// Messages below which an SVM keeps temperature 1 (too few to hold half of them out).
    static let heldOutTemperatureMinimum = 10

    func fit(_ raw: RawFeatures) throws -> Model {
        let o = options
        let useIDF = o.features.idf && !o.algorithm.isCountBased
        let vocabulary = raw.vocabulary(minCount: o.minCount, idf: useIDF)
        var features = o.features
        features.idf = useIDF
        let space = FeatureSpace(keys: vocabulary.keys, idf: vocabulary.idf, settings: features)
        let matrix = raw.matrix(in: space)
        let c = labels.count
        let f = space.count
        progress("features: \(f) distinct in \(matrix.rows) messages")
        var model: Model
        switch o.algorithm {
        case .naiveBayes, .complementNaiveBayes:
            let counts = NaiveBayes.count(matrix, features: f, classes: c)
            let (w, b) = NaiveBayes.weights(
                counts, classes: c, alpha: o.alpha, complement: o.algorithm == .complementNaiveBayes)
            model = Model(
                algorithm: o.algorithm, tokenizerSettings: o.tokenizer, featureSettings: features, labels: labels,
                keys: vocabulary.keys, idf: vocabulary.idf, weights: w, bias: b, counts: counts)
        case .logisticRegression, .nbLogisticRegression, .linearSVM, .nbSVM:
            var ratios: [Float]? = nil
            if o.algorithm.usesRatios {
                ratios = NaiveBayes.logCountRatios(
                    NaiveBayes.count(matrix, features: f, classes: c), classes: c, alpha: o.alpha)
            }
            var classWeights = [Float](repeating: 1, count: c)
            if o.balanced {
                var n = [Float](repeating: 0, count: c)
                for y in matrix.labels { n[Int(y)] += 1 }
                let total = Float(matrix.rows)
                classWeights = n.map { total / (Float(c) * max($0, 1)) }
            }
            let objective = SoftmaxObjective(
                matrix: matrix, classes: c, features: f, lambda: Float(1 / (o.effectiveC * Double(matrix.rows))),
                classWeights: classWeights, ratios: ratios, loss: o.algorithm.loss)
            var theta: [Float]
            switch o.solver {
            case .sgd:
                let sgd = SoftmaxSGD(epochs: o.epochs, learningRate: Float(o.effectiveLearningRate), seed: o.seed)
                theta = sgd.minimize(objective) { epoch in progress("epoch \(epoch)/\(o.epochs)") }
            case .lbfgs:
                let lbfgs = LBFGS(maxIterations: o.maxIterations, tolerance: Float(o.tolerance))
                let (t, result) = lbfgs.minimize(objective, from: [Float](repeating: 0, count: objective.parameterCount)) {
                    it, value in progress("iteration \(it): objective \(value)")
                }
                theta = t
                progress("L-BFGS: \(result.iterations) iterations, objective \(result.value), converged: \(result.converged)")
            }
            var w = Array(theta[0..<(f * c)])
            if let r = ratios {
                for k in 0..<w.count { w[k] *= r[k] }
            }
            let b = Array(theta[(f * c)...])
            model = Model(
                algorithm: o.algorithm, tokenizerSettings: o.tokenizer, featureSettings: features, labels: labels,
                keys: vocabulary.keys, idf: vocabulary.idf, weights: w, bias: b, counts: nil)
        }
        if !Model.storable(model.weights) || !Model.storable(model.bias) {
            throw TrainingError(
                message: "training diverged: weights that are not finite or exceed 1e20 (lower the learning rate or raise C)")
        }
        var facts = o.facts
        facts.rows = matrix.rows
        if o.algorithm.loss == .squaredHinge && fitsTemperature {
            // SVM scores are margins, not log-odds. On its own training messages an SVM is
            // (nearly) always right with a wide margin, so a temperature fitted there is
            // degenerate; instead two models trained on stratified halves score the other half,
            // and the temperature is fitted on those held-out scores (`--calibrate` does the same
            // with more folds and stores thresholds too).
            if raw.rows >= Self.heldOutTemperatureMinimum {
                var half = self
                half.fitsTemperature = false
                let halves = Trainer.stratifiedFolds(raw.labels, folds: 2, seed: o.seed)
                let (scores, labels) = try half.outOfFoldScores(raw, assignment: halves, folds: 2) { f in
                    progress("temperature: half \(f + 1)/2")
                }
                // With no held-out mistake the log loss keeps falling as the temperature
                // shrinks: nothing to fit, so the temperature stays 1.
                if Trainer.accuracy(scores: scores, labels: labels, classes: c) < 1 {
                    model.temperature = TemperatureScaling.fit(scores: scores, labels: labels, classes: c).temperature
                    facts.temperatureFit = .halves
                }
            }
        }
        model.facts.training = facts
        return model
    }

    /// Raw scores of every row of `raw` by a model that never saw it: for each fold, a model
    /// trained on the other folds scores the fold's rows. Rows come fold by fold (in row order
    /// within a fold), with their labels; `progress` receives each fold's index before its
    /// training.
    func outOfFoldScores(
        _ raw: RawFeatures, assignment: [Int], folds: Int, progress: (Int) -> Void
    ) throws -> (scores: [Float], labels: [Int32]) {
        let c = labels.count
        var scores: [Float] = []
        var heldOutLabels: [Int32] = []
        scores.reserveCapacity(raw.rows * c)
        heldOutLabels.reserveCapacity(raw.rows)
        for f in 0..<folds {
            let trainRows = assignment.indices.filter { assignment[$0] != f }
            let testRows = assignment.indices.filter { assignment[$0] == f }
            progress(f)
            scores += try fit(raw.subset(trainRows)).rawScores(raw.subset(testRows))
            heldOutLabels += testRows.map { raw.labels[$0] }
        }
        return (scores, heldOutLabels)
    }
}
