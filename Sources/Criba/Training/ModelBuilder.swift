import Foundation

/// Fits a model on training data with given labels: the one fit path, for messages held in
/// memory and for messages streamed from a file (see ``TrainingData``).
///
/// The steps are the same for both: the vocabulary (keys, idf), the messages as vectors of
/// that feature space, naive Bayes counts where the algorithm needs them, the weights (naive
/// Bayes from the counts; the other algorithms by minimising ``SoftmaxObjective`` with
/// ``LBFGS`` or ``SoftmaxSGD``), and for SVMs a temperature. Streamed data differs only
/// where one pass cannot hold the messages: SGD shuffles within blocks or through temporary
/// files instead of in memory (``SGDOrder``), L-BFGS is replaced by SGD, and an SVM's temperature is fitted on a sample of
/// its training messages instead of on held-out halves.
struct ModelBuilder {
    let options: TrainingOptions
    let labels: [String]
    private(set) var progress: (String) -> Void
    /// Whether an SVM gets a temperature (off where only the answers or the raw scores count:
    /// calibration and tuning folds, and the models that calibration gives its own temperature).
    var fitsTemperature = true
    /// Bytes the feature × label table may take (see ``MemoryBudget``); `nil` for no limit.
    var memoryBudget: Int? = nil
    /// Receives the epochs, iterations and held-out halves of the fit.
    var tracker = ProgressTracker.silent

    /// This builder with its lines sent to `lines` instead.
    func withProgress(_ lines: @escaping (String) -> Void) -> ModelBuilder {
        var b = self
        b.progress = lines
        return b
    }

    func fit(_ data: TrainingData) throws -> Model {
        let o = options
        // The vectors live inside `fitWeights` only: an SVM's halves below train without them.
        var (model, facts, space) = try fitWeights(data)
        let c = labels.count
        if o.algorithm.loss == .squaredHinge && fitsTemperature {
            // SVM scores are margins, not log-odds. On its own training messages an SVM is
            // (nearly) always right with a wide margin, so a temperature fitted there is
            // degenerate; instead two models trained on stratified halves score the other half,
            // and the temperature is fitted on those held-out scores (`--calibrate` does the same
            // with more folds and stores thresholds too). Streamed data cannot be split without
            // more passes per half, so there the temperature is fitted on a sample of the
            // training messages' scores.
            // Below the minimum a fit would follow a handful of mistakes: temperature 1.
            if data.rows < TemperatureScaling.minimumHeldOut {
                facts.temperatureFit = .tooFewMessages
            } else {
                var fit: TemperatureScaling.Fit?
                switch data {
                case .memory(let raw):
                    var half = self
                    half.fitsTemperature = false
                    let halves = Folds.stratified(raw.labels, folds: 2, seed: o.seed)
                    let (scores, labels) = try tracker.stage("half", total: 2) { done in
                        try half.outOfFoldScores(raw, assignment: halves, folds: 2) { f in
                            done(f)
                            progress("temperature: half \(f + 1)/2")
                        }
                    }
                    // With no held-out mistake the log loss keeps falling as the temperature
                    // shrinks: nothing to fit, so the temperature stays 1.
                    if Folds.accuracy(scores: scores, labels: labels, classes: c) < 1 {
                        fit = TemperatureScaling.fit(scores: scores, labels: labels, classes: c, range: o.algorithm.temperatureRange)
                        facts.temperatureFit = .halves
                    }
                case .streamed(let stream):
                    progress("temperature fit on the training messages")
                    let (scores, sampled) = try StreamedVectors(stream: stream, space: space)
                        .sampledScores(of: model, limit: StreamedCSV.temperatureSampleLimit)
                    fit = TemperatureScaling.fit(scores: scores, labels: sampled, classes: c, range: o.algorithm.temperatureRange)
                    facts.temperatureFit = .training
                }
                if let fit {
                    model.temperature = fit.temperature
                    facts.temperatureCappedFrom = fit.cappedFrom
                }
            }
        }
        model.facts.training = facts
        return model
    }

    /// The model's vocabulary and weights, and its training facts (without a temperature fit).
    private func fitWeights(_ data: TrainingData) throws -> (model: Model, facts: TrainingFacts, space: FeatureSpace) {
        let o = options
        let useIDF = o.features.idf && !o.algorithm.isCountBased
        let vocabulary = data.vocabulary(minCount: o.minCount, idf: useIDF)
        var features = o.features
        features.idf = useIDF
        let space = FeatureSpace(keys: vocabulary.keys, idf: vocabulary.idf, settings: features)
        let rows = data.rows
        let c = labels.count
        let f = space.count
        progress("features: \(f) distinct in \(rows) messages")
        if let budget = memoryBudget {
            let table = MemoryBudget.tableBytes(features: f, classes: c, options: o)
            if table > budget {
                throw ModelSizeError(
                    features: f, labels: c, bytes: table, budget: budget, bucketBits: o.features.bucketBits)
            }
        }
        let vectors = data.vectors(in: space)
        var model: Model
        var solver = o.solver
        switch o.algorithm {
        case .naiveBayes, .complementNaiveBayes:
            let counts = try vectors.naiveBayesCounts(features: f, classes: c)
            let (w, b) = NaiveBayes.weights(
                counts, classes: c, alpha: o.alpha, complement: o.algorithm == .complementNaiveBayes)
            model = Model(
                algorithm: o.algorithm, tokenizerSettings: o.tokenizer, featureSettings: features, labels: labels,
                keys: vocabulary.keys, idf: vocabulary.idf, weights: w, bias: b, counts: counts)
        case .logisticRegression, .nbLogisticRegression, .linearSVM, .nbSVM:
            var ratios: [Float]? = nil
            if o.algorithm.usesRatios {
                ratios = NaiveBayes.logCountRatios(try vectors.naiveBayesCounts(features: f, classes: c), classes: c, alpha: o.alpha)
            }
            var classWeights = [Float](repeating: 1, count: c)
            if o.balanced {
                let total = Float(rows)
                classWeights = labelCounts(data).map { total / (Float(c) * Float(max($0, 1))) }
            }
            let lambda = Float(1 / (o.effectiveC * Double(rows)))
            let sgd = SoftmaxSGD(epochs: o.epochs, learningRate: Float(o.effectiveLearningRate), seed: o.seed)
            let tracker = self.tracker
            /// Runs SGD inside an `epoch` level.
            func epochs(_ run: (_ progress: (Int) -> Void) throws -> [Float]) rethrows -> [Float] {
                try tracker.stage("epoch", total: o.epochs) { done in
                    try run { epoch in
                        done(epoch)
                        progress("epoch \(epoch)/\(o.epochs)")
                    }
                }
            }
            var theta: [Float]
            switch vectors {
            case .memory(let matrix):
                switch o.solver {
                case .sgd:
                    theta = try epochs { epochProgress in
                        try sgd.minimize(
                            matrix, features: f, classes: c, lambda: lambda, classWeights: classWeights, ratios: ratios,
                            loss: o.algorithm.loss, progress: epochProgress)
                    }
                case .lbfgs:
                    let objective = SoftmaxObjective(
                        matrix: matrix, classes: c, features: f, lambda: lambda, classWeights: classWeights, ratios: ratios,
                        loss: o.algorithm.loss)
                    let lbfgs = LBFGS(maxIterations: o.maxIterations, tolerance: Float(o.tolerance))
                    // The limit bounds the iterations; L-BFGS usually stops before, when it converges.
                    let (t, result) = tracker.stage("iteration", total: nil) { done in
                        lbfgs.minimize(objective, from: [Float](repeating: 0, count: objective.parameterCount)) {
                            it, value in
                            done(it)
                            progress("iteration \(it): objective \(value)")
                        }
                    }
                    theta = t
                    progress("L-BFGS: \(result.iterations) iterations, objective \(result.value), converged: \(result.converged)")
                }
            case .streamed(let stream):
                // One pass cannot hold the data for L-BFGS: streamed data always uses SGD.
                solver = .sgd
                theta = try epochs { epochProgress in
                    try sgd.minimize(
                        stream, features: f, classes: c, lambda: lambda, classWeights: classWeights, ratios: ratios,
                        loss: o.algorithm.loss, progress: epochProgress)
                }
            }
            // W then b: split in place (the table is the largest allocation of a training).
            let b = Array(theta[(f * c)...])
            var w = theta
            theta = []
            w.removeLast(c)
            if let r = ratios {
                for k in 0..<w.count { w[k] *= r[k] }
            }
            model = Model(
                algorithm: o.algorithm, tokenizerSettings: o.tokenizer, featureSettings: features, labels: labels,
                keys: vocabulary.keys, idf: vocabulary.idf, weights: w, bias: b, counts: nil)
        }
        if !Model.storable(model.weights) || !Model.storable(model.bias) {
            throw TrainingError(
                message: "training diverged: weights that are not finite or exceed 1e20 (lower the learning rate or raise C)")
        }
        var recorded = o
        recorded.solver = solver
        var facts = recorded.facts
        facts.rows = rows
        // Naive Bayes models keep these in their counts.
        if model.counts == nil { facts.labelCounts = labelCounts(data) }
        if case .streamed(let stream) = data, !o.algorithm.isCountBased {
            switch stream.order {
            case .blocks: facts.streamingBuffer = stream.bufferSize
            case .spilled(let files): facts.streamingFiles = files
            }
        }
        return (model, facts, space)
    }

    /// The number of messages of each label.
    private func labelCounts(_ data: TrainingData) -> [Int] {
        switch data {
        case .memory(let raw):
            var n = [Int](repeating: 0, count: labels.count)
            for y in raw.labels { n[Int(y)] += 1 }
            return n
        case .streamed(let stream):
            return stream.labelCounts
        }
    }
}
