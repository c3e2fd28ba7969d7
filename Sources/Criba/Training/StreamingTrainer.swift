import Foundation

/// Training that streams the CSV file instead of holding the messages: memory holds the model
/// (vocabulary, counts, weights) and a shuffle buffer, whatever the file size.
extension Trainer {
    /// Trains by reading `csv` several times: one pass builds the vocabulary and label set, a
    /// second computes naive Bayes counts (for `nb`, `cnb` and the `nblr` ratios), and each SGD
    /// epoch re-reads the file, shuffling messages within blocks of `bufferSize` (seeded).
    ///
    /// The result is deterministic for a given file, options and seed, but differs from
    /// ``train(on:warn:)`` (which shuffles the whole data set each epoch). Logistic regression
    /// and SVMs always use SGD here; an SVM gets its temperature fitted on the training
    /// messages, as in memory, in one more pass (on at most 100 000 evenly spaced rows).
    ///
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``; standard input cannot be
    ///   streamed twice, so `-` is refused.
    public func trainStreaming(on csv: LabelledCSV, bufferSize: Int = 4096, warn: (String) -> Void = { _ in }) throws -> Model {
        if csv.path == "-" {
            throw TrainingError(message: "streaming training reads its input several times; give a file, not standard input")
        }
        let o = options
        if let p = o.problem() { throw TrainingError(message: p) }
        let extractor = FeatureExtractor(tokenizer: o.tokenizer, features: o.features)
        let ws = FeatureWorkspace()

        // Pass 1: labels, document frequencies.
        var labelOrder: [String: Int] = [:]
        var labelCounts: [Int] = []
        var firstLine: [Int] = []
        var discovered: [String] = []
        var df: [FeatureKey: Int32] = [:]
        var rows = 0
        try csv.forEach(warn: warn) { text, label, line in
            if labelOrder[label] == nil {
                labelOrder[label] = discovered.count
                discovered.append(label)
                labelCounts.append(0)
                firstLine.append(line)
            }
            labelCounts[labelOrder[label]!] += 1
            extractor.extract(text, into: ws)
            for k in ws.keyBuffer.buffer { df[k, default: 0] += 1 }
            rows += 1
        }
        if rows == 0 { throw TrainingError(message: "\(csv.path): no training rows") }
        let labels = discovered.sorted()
        if labels.count < 2 {
            throw TrainingError(message: "\(csv.path): only one label (`\(labels[0])`); training needs at least two")
        }
        for (i, n) in labelCounts.enumerated() where n < 2 {
            throw TrainingError(
                message: "\(csv.path):\(firstLine[i]): label `\(discovered[i])` has only one example; every label needs at least 2 (add examples or fix the label)")
        }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        let keys = df.filter { $0.value >= Int32(o.minCount) }.keys.sorted()
        let useIDF = o.features.idf && !o.algorithm.isCountBased
        var features = o.features
        features.idf = useIDF
        let n = Float(rows)
        let idf = useIDF ? keys.map { logf((1 + n) / (1 + Float(df[$0]!))) + 1 } : []
        df = [:]
        let space = FeatureSpace(keys: keys, idf: idf, settings: features)
        let c = labels.count
        let f = space.count
        progress("features: \(f) distinct in \(rows) messages")

        var v = SparseVector()
        func vectorized(_ body: (SparseVector, Int32) -> Void) throws {
            try csv.forEach { text, label, _ in
                extractor.extract(text, into: ws)
                space.vectorize(ws, into: &v)
                body(v, index[label]!)
            }
        }

        // Pass 2: naive Bayes counts.
        var counts: NaiveBayesCounts? = nil
        if o.algorithm.isCountBased || o.algorithm.usesRatios {
            var fc = [Double](repeating: 0, count: f * c)
            var cc = [Double](repeating: 0, count: c)
            try vectorized { v, y in
                cc[Int(y)] += 1
                for k in 0..<v.rows.count { fc[Int(v.rows[k]) * c + Int(y)] += Double(v.values[k]) }
            }
            counts = NaiveBayesCounts(featureCounts: fc, classCounts: cc)
        }
        var model: Model
        if o.algorithm.isCountBased {
            let (w, b) = NaiveBayes.weights(counts!, classes: c, alpha: o.alpha, complement: o.algorithm == .complementNaiveBayes)
            model = Model(
                algorithm: o.algorithm, tokenizerSettings: o.tokenizer, featureSettings: features, labels: labels,
                keys: keys, idf: idf, weights: w, bias: b, counts: counts)
        } else {
            let ratios = o.algorithm.usesRatios
                ? NaiveBayes.logCountRatios(counts!, classes: c, alpha: o.alpha) : nil
            var classWeights = [Float](repeating: 1, count: c)
            if o.balanced {
                for (label, i) in labelOrder {
                    classWeights[Int(index[label]!)] = n / (Float(c) * Float(labelCounts[i]))
                }
            }
            // Normalised messages have squared norm at most 2 (see SGDState.stepScale); others
            // take one more pass to measure it.
            var squaredNorms = 0.0
            if !features.normalize {
                try vectorized { v, _ in squaredNorms += FeatureMatrix.squaredSum(v.values) }
            }
            let rate = Float(o.effectiveLearningRate) * SGDState.stepScale(meanSquaredNorm: squaredNorms / Double(rows))
            var state = SGDState(
                features: f, classes: c, lambda: Float(1 / (o.effectiveC * Double(rows))), classWeights: classWeights,
                ratios: ratios, learningRate: rate, totalSteps: o.epochs * rows, loss: o.algorithm.loss)
            var rng = SplitMix64(seed: o.seed)
            var block = FeatureMatrix()
            var order: [Int] = []
            func flush() {
                order = Array(0..<block.rows)
                rng.shuffle(&order)
                block.columns.withUnsafeBufferPointer { cols in
                    block.values.withUnsafeBufferPointer { vals in
                        for i in order {
                            let r = block.offsets[i]..<block.offsets[i + 1]
                            state.step(
                                columns: UnsafeBufferPointer(rebasing: cols[r]), values: UnsafeBufferPointer(rebasing: vals[r]),
                                label: Int(block.labels[i]))
                        }
                    }
                }
                block = FeatureMatrix()
            }
            for epoch in 0..<o.epochs {
                try vectorized { v, y in
                    block.append(v, label: y)
                    if block.rows == bufferSize { flush() }
                }
                if block.rows > 0 { flush() }
                progress("epoch \(epoch + 1)/\(o.epochs)")
            }
            let theta = state.finish()
            var w = Array(theta[0..<(f * c)])
            if let r = ratios {
                for k in 0..<w.count { w[k] *= r[k] }
            }
            model = Model(
                algorithm: o.algorithm, tokenizerSettings: o.tokenizer, featureSettings: features, labels: labels,
                keys: keys, idf: idf, weights: w, bias: Array(theta[(f * c)...]), counts: nil)
        }
        // Logistic regression always uses SGD here: record its epochs and learning rate, not
        // the L-BFGS settings the options may carry.
        var recorded = o
        if !o.algorithm.isCountBased { recorded.solver = .sgd }
        var facts = recorded.facts
        facts.rows = rows
        if !o.algorithm.isCountBased {
            facts.streamingBuffer = bufferSize
        }
        if o.algorithm.loss == .squaredHinge {
            // As in memory (``ModelBuilder``): SVM scores are margins, so a temperature fitted
            // on the training messages turns them into usable probabilities. One more pass; at
            // most `temperatureSampleLimit` evenly spaced rows keep their scores.
            progress("temperature fit on the training messages")
            let step = (rows + Self.temperatureSampleLimit - 1) / Self.temperatureSampleLimit
            var scores: [Float] = []
            var sampled: [Int32] = []
            var row = 0
            var s = [Float](repeating: 0, count: c)
            try vectorized { v, y in
                if row % step == 0 {
                    s.withUnsafeMutableBufferPointer { model.scores(v, into: $0) }
                    scores += s
                    sampled.append(y)
                }
                row += 1
            }
            model.temperature = TemperatureScaling.fit(scores: scores, labels: sampled, classes: c).temperature
            facts.temperatureFit = .training
        }
        model.facts.training = facts
        return model
    }

    /// Most rows whose scores ``trainStreaming(on:bufferSize:warn:)`` keeps to fit an SVM's
    /// temperature.
    static let temperatureSampleLimit = 100_000
}
