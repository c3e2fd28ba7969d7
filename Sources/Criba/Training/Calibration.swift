import Foundation

/// Temperature scaling: one temperature `T > 0` that divides every raw score before the
/// softmax, chosen to minimise the log loss of held-out predictions (Guo et al. 2017).
public enum TemperatureScaling {
    /// The result of a fit.
    public struct Fit: Sendable, Hashable {
        /// The temperature that minimises the log loss.
        public var temperature: Float
        /// Mean log loss at `T = 1`.
        public var logLossBefore: Double
        /// Mean log loss at ``temperature``.
        public var logLossAfter: Double
        /// The temperature the log loss alone chose, when it was outside the range asked for
        /// and ``temperature`` is the nearest bound instead (`nil`: inside).
        public var cappedFrom: Float? = nil
    }

    /// The fewest held-out messages a temperature (or ``BiasScaling``) is fitted on: below,
    /// a training keeps temperature 1 and calibration is refused (``CalibrationSizeError``).
    /// On random subsets of the project's corpus (5 draws per size), the temperature fitted
    /// with 20–25 messages varied by a factor of up to 5 between draws (svm 0.15–0.74), with
    /// 100 by up to 1.7 (nblr 0.30–0.52), and from 150–200 on by about 1.2, near the 1.1 of
    /// 400–800 messages (see docs/calibration.md).
    public static let minimumHeldOut = 200

    /// Mean negative log-likelihood of `labels` under `softmax(scores / temperature)`.
    ///
    /// - Parameters:
    ///   - scores: raw scores, row-major `n × classes`.
    ///   - labels: the true class of each row (`0..<classes`).
    ///   - classes: number of classes.
    ///   - temperature: the temperature (> 0).
    public static func logLoss(scores: [Float], labels: [Int32], classes: Int, temperature: Double) -> Double {
        let n = labels.count
        guard n > 0 else { return .nan }
        let inv = 1 / temperature
        var total = 0.0
        for i in 0..<n {
            let base = i * classes
            var m = -Double.infinity
            for j in 0..<classes { m = max(m, Double(scores[base + j]) * inv) }
            var sum = 0.0
            for j in 0..<classes { sum += exp(Double(scores[base + j]) * inv - m) }
            total += m + log(sum) - Double(scores[base + Int(labels[i])]) * inv
        }
        return total / Double(n)
    }

    /// Fits the temperature by golden-section search on `ln T` over `[ln 0.01, ln 100]`
    /// (deterministic: a fixed number of steps). The log loss is convex in `1/T`, so it has a
    /// single minimum along `ln T` and the search finds it to within a factor of `1 + 1e-6`.
    ///
    /// - Parameters:
    ///   - scores: raw scores of held-out messages, row-major `n × classes`.
    ///   - labels: the true class of each row.
    ///   - classes: number of classes (≥ 2).
    /// - Returns: the temperature and the log loss before and after.
    /// - Complexity: O(60 · n · classes).
    public static func fit(scores: [Float], labels: [Int32], classes: Int) -> Fit {
        fit(scores: scores, labels: labels, classes: classes, range: 0.01...100)
    }

    /// ``fit(scores:labels:classes:)`` within `range`: the log loss has a single minimum
    /// along `ln T`, so when the fitted temperature lies outside, the nearest bound is the best
    /// temperature inside, and ``Fit/cappedFrom`` keeps the fitted one.
    public static func fit(scores: [Float], labels: [Int32], classes: Int, range: ClosedRange<Float>) -> Fit {
        var f = unconstrainedFit(scores: scores, labels: labels, classes: classes)
        let capped = min(max(f.temperature, range.lowerBound), range.upperBound)
        if capped != f.temperature {
            f.cappedFrom = f.temperature
            f.temperature = capped
            f.logLossAfter = logLoss(scores: scores, labels: labels, classes: classes, temperature: Double(capped))
        }
        return f
    }

    private static func unconstrainedFit(scores: [Float], labels: [Int32], classes: Int) -> Fit {
        precondition(scores.count == labels.count * classes, "scores must be n × classes")
        func f(_ u: Double) -> Double { logLoss(scores: scores, labels: labels, classes: classes, temperature: exp(u)) }
        let phi = (5.0.squareRoot() - 1) / 2
        var a = log(0.01)
        var b = log(100.0)
        var x1 = b - phi * (b - a)
        var x2 = a + phi * (b - a)
        var f1 = f(x1)
        var f2 = f(x2)
        while b - a > 1e-6 {
            if f1 <= f2 {
                b = x2
                x2 = x1
                f2 = f1
                x1 = b - phi * (b - a)
                f1 = f(x1)
            } else {
                a = x1
                x1 = x2
                f1 = f2
                x2 = a + phi * (b - a)
                f2 = f(x2)
            }
        }
        let t = exp((a + b) / 2)
        return Fit(
            temperature: Float(t), logLossBefore: f(0),
            logLossAfter: logLoss(scores: scores, labels: labels, classes: classes, temperature: Double(Float(t))))
    }
}

extension Model {
    /// This model with another softmax temperature (the weights are unchanged).
    ///
    /// - Parameter temperature: the temperature (> 0; 1 = uncalibrated).
    public func withTemperature(_ temperature: Float) -> Model {
        precondition(temperature > 0 && temperature.isFinite, "temperature must be positive and finite")
        var m = self
        m.temperature = temperature
        return m
    }

    /// This model with probabilities `softmax(scale · score + offsets)`, stored in the usual
    /// fields: temperature `1/scale` and biases `bias + offsets/scale` (Float).
    ///
    /// - Parameters:
    ///   - scale: the inverse temperature (> 0).
    ///   - offsets: one offset per label.
    func withScale(_ scale: Double, offsets: [Double]) -> Model {
        precondition(scale > 0 && scale.isFinite && offsets.count == labels.count, "one offset per label and a positive scale")
        var m = self
        m.temperature = Float(1 / scale)
        for j in offsets.indices { m.bias[j] += Float(offsets[j] / scale) }
        return m
    }

    /// Raw scores of every row of `raw`, row-major `rows × labels.count`.
    func rawScores(_ raw: RawFeatures) -> [Float] {
        let c = labels.count
        var out = [Float](repeating: 0, count: raw.rows * c)
        var v = SparseVector()
        raw.keys.withUnsafeBufferPointer { k in
            raw.counts.withUnsafeBufferPointer { n in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<raw.rows {
                        let r = raw.offsets[i]..<raw.offsets[i + 1]
                        space.vectorize(keys: UnsafeBufferPointer(rebasing: k[r]), counts: UnsafeBufferPointer(rebasing: n[r]), into: &v)
                        scores(v, into: UnsafeMutableBufferPointer(rebasing: o[(i * c)..<(i * c + c)]))
                    }
                }
            }
        }
        return out
    }
}

extension Trainer {
    /// Trains on a labelled CSV file and calibrates the probabilities by temperature scaling
    /// fitted on held-out folds: `folds` models are trained on `folds − 1` folds each (same
    /// options, deterministic stratified folds from the seed), their raw scores on the fold left
    /// out are pooled, and the temperature minimising the log loss of those scores is stored in
    /// the model trained on all the data. The weights are those of ``train(on:warn:)``; the fit
    /// is stored in ``Model/info`` (`calibration.method`, `calibration.folds`,
    /// `calibration.log_loss_before`, `calibration.log_loss_after`).
    ///
    /// With `method: .bias` the same held-out scores fit a shared inverse temperature `a` and
    /// per-class offsets `d` (``BiasScaling``) instead; they are stored in the same file fields
    /// (temperature `1/a`, biases `bias + d/a`), so the offsets can change the answers. The
    /// held-out accuracy before and after is stored too (`calibration.accuracy_before`,
    /// `calibration.accuracy_after`), with `calibration.newton_steps`.
    ///
    /// With `groupColumn`, the folds are grouped instead: all rows with the same value in that
    /// column fall in the same fold (label shares kept as even as the groups allow), so the
    /// held-out scores come from groups — for example businesses — the fold's model never saw.
    /// The column and the number of groups are stored too (`calibration.group_column`,
    /// `calibration.groups`).
    ///
    /// - Parameters:
    ///   - csv: the labelled data.
    ///   - folds: number of folds (2...20); every label needs at least 2 examples.
    ///   - method: what to fit on the held-out scores (default: one temperature).
    ///   - groupColumn: a CSV column whose rows with the same value must share a fold (default:
    ///     none, stratified folds); it needs at least `folds` distinct values.
    /// - Throws: ``IOError``, ``DataError`` (also when `groupColumn` is not in the header) or
    ///   ``TrainingError`` (also when there are fewer groups than folds).
    public func trainCalibrated(
        on csv: LabelledCSV, folds: Int = 3, method: CalibrationMethod = .temperature, groupColumn: String? = nil,
        warn: (String) -> Void = { _ in }
    ) throws -> Model {
        var set = try TrainingSet(options: options)
        var groups: [String] = []
        try csv.forEach(groupColumn: groupColumn, warn: warn) { text, label, group, line in
            set.add(text, label: label, line: line)
            groups.append(group)
        }
        return try calibrated(set, folds: folds, method: method, grouping: groupColumn.map { ($0, groups) }, source: csv.path)
            .recordingInput(of: csv)
    }

    /// Trains on in-memory examples with calibration (see ``trainCalibrated(on:folds:method:groupColumn:warn:)``).
    ///
    /// - Throws: ``TrainingError``.
    public func trainCalibrated(on examples: [Example], folds: Int = 3, method: CalibrationMethod = .temperature) throws -> Model {
        var set = try TrainingSet(options: options)
        for (i, e) in examples.enumerated() { set.add(e.text, label: e.label, line: i + 1) }
        return try calibrated(set, folds: folds, method: method, grouping: nil, source: "examples")
    }

    /// Accuracy targets whose held-out thresholds a calibrated model stores
    /// (``CalibrationInfo/thresholds``, written `0.583 coverage 0.9400 accuracy 0.9510`): the
    /// smallest threshold at which the 95% Wilson lower bound of the held-out accuracy reaches
    /// the target.
    public static let heldOutTargets: [Double] = [0.90, 0.95, 0.97, 0.99]

    private func calibrated(
        _ set: TrainingSet, folds: Int, method: CalibrationMethod, grouping: (column: String, values: [String])?, source: String
    ) throws -> Model {
        guard (2...20).contains(folds) else { throw TrainingError(message: "folds must be in 2...20 (got \(folds))") }
        var set = set
        try set.validate(source: source)
        // K models on K−1 folds each, then the model on all the data.
        return try tracker.stage("model", total: folds + 1) { done in
            try calibrated(set, folds: folds, method: method, grouping: grouping, source: source, done: done)
        }
    }

    private func calibrated(
        _ set: TrainingSet, folds: Int, method: CalibrationMethod, grouping: (column: String, values: [String])?, source: String,
        done: (Int) -> Void
    ) throws -> Model {
        let builder = ModelBuilder(
            options: options, labels: set.labels, progress: { _ in }, fitsTemperature: false, memoryBudget: memoryBudget, tracker: tracker)
        let assignment = try Folds.assign(set.raw.labels, grouping: grouping, folds: folds, seed: options.seed, source: source)
        // Every message is held out once: the held-out set is the training set.
        if set.raw.rows < TemperatureScaling.minimumHeldOut {
            throw CalibrationSizeError(source: source, heldOut: set.raw.rows, minimum: TemperatureScaling.minimumHeldOut)
        }
        let c = set.labels.count
        let (scores, labels) = try builder.outOfFoldScores(set.raw, assignment: assignment, folds: folds) { f in
            done(f)
            progress("calibration fold \(f + 1)/\(folds)")
        }
        done(folds)
        let range = options.algorithm.temperatureRange
        let fit = TemperatureScaling.fit(scores: scores, labels: labels, classes: c, range: range)
        var model: Model
        switch method {
        case .temperature:
            progress(
                "calibration: temperature \(fit.temperature), held-out log loss \(String(format: "%.4f", fit.logLossBefore)) → \(String(format: "%.4f", fit.logLossAfter))"
            )
            model = try builder.withProgress(progress).fit(.memory(set.raw))
            model.temperature = fit.temperature
            model.facts.training.temperatureFit = nil
            model.facts.training.temperatureCappedFrom = fit.cappedFrom
            var info = CalibrationInfo()
            info.method = .temperature
            info.folds = folds
            info.logLossBefore = fit.logLossBefore
            info.logLossAfter = fit.logLossAfter
            model.facts.calibration = info
            storeHeldOutThresholds(scores: scores, labels: labels, temperature: fit.temperature, in: &model, labelNames: set.labels)
        case .bias:
            var b = BiasScaling.fit(scores: scores, labels: labels, classes: c, initialScale: 1 / Double(fit.temperature))
            // A temperature outside the range is moved to its nearest bound, the offsets kept.
            let fitted = Float(1 / b.scale)
            let cappedFrom: Float? = range.contains(fitted) ? nil : fitted
            if cappedFrom != nil { b.scale = 1 / Double(min(max(fitted, range.lowerBound), range.upperBound)) }
            // softmax(a·s + d) = softmax((s + d/a) / (1/a)): the offsets go into the biases.
            let temperature = Float(1 / b.scale)
            let shift = b.offsets.map { Float($0 / b.scale) }  // as ``Model/withScale(_:offsets:)`` stores them
            var shifted = scores
            for i in 0..<labels.count {
                for j in 0..<c { shifted[i * c + j] += shift[j] }
            }
            let after = TemperatureScaling.logLoss(scores: shifted, labels: labels, classes: c, temperature: Double(temperature))
            let accuracyBefore = Folds.accuracy(scores: scores, labels: labels, classes: c)
            let accuracyAfter = Folds.accuracy(scores: shifted, labels: labels, classes: c)
            progress(
                "calibration: inverse temperature \(String(format: "%.4f", b.scale)) and \(c) offsets (\(b.iterations) Newton steps), held-out log loss \(String(format: "%.4f", fit.logLossBefore)) → \(String(format: "%.4f", after)), accuracy \(String(format: "%.4f", accuracyBefore)) → \(String(format: "%.4f", accuracyAfter))"
            )
            model = try builder.withProgress(progress).fit(.memory(set.raw)).withScale(b.scale, offsets: b.offsets)
            model.facts.training.temperatureFit = nil
            model.facts.training.temperatureCappedFrom = cappedFrom
            var info = CalibrationInfo()
            info.method = .bias
            info.folds = folds
            info.logLossBefore = fit.logLossBefore
            info.logLossAfter = after
            info.accuracyBefore = accuracyBefore
            info.accuracyAfter = accuracyAfter
            info.newtonSteps = b.iterations
            info.newtonConverged = b.converged
            model.facts.calibration = info
            storeHeldOutThresholds(scores: shifted, labels: labels, temperature: temperature, in: &model, labelNames: set.labels)
        }
        if let grouping {
            model.facts.calibration?.groupColumn = grouping.column
            model.facts.calibration?.groups = Set(grouping.values).count
        }
        return model
    }

    /// Stores the thresholds that reach common accuracy targets on the held-out folds, after
    /// calibration, so `evaluate --target-accuracy` can suggest a threshold chosen without the
    /// test data.
    private func storeHeldOutThresholds(
        scores: [Float], labels: [Int32], temperature: Float, in model: inout Model, labelNames: [String]
    ) {
        let c = labelNames.count
        var heldOut = Evaluation(labels: labelNames)
        let inverse = 1 / Double(temperature)
        for i in 0..<labels.count {
            var best = 0
            var m = -Double.infinity
            for j in 0..<c where Double(scores[i * c + j]) * inverse > m {
                m = Double(scores[i * c + j]) * inverse
                best = j
            }
            var sum = 0.0
            for j in 0..<c { sum += exp(Double(scores[i * c + j]) * inverse - m) }
            heldOut.confidences.append((Float(1 / sum), best == Int(labels[i])))
        }
        for target in Self.heldOutTargets {
            // The Wilson lower bound (95%) must reach the target, not just the observed accuracy.
            if let p = heldOut.suggestThreshold(targetAccuracy: target, z: 1.96) {
                model.facts.calibration?.thresholds.append(
                    HeldOutThreshold(target: target, threshold: p.threshold, coverage: p.coverage, accuracy: p.accuracy))
            }
        }
    }
}

/// Calibration asked for on fewer held-out messages than a fit needs
/// (``TemperatureScaling/minimumHeldOut``). The command-line tool exits with status 64 for it.
public struct CalibrationSizeError: Error, CustomStringConvertible, Sendable {
    /// The training file (or `examples`).
    public var source: String
    /// The held-out messages there were (every training message is held out once).
    public var heldOut: Int
    /// The fewest a fit needs.
    public var minimum: Int

    /// Why calibration was refused.
    public var description: String {
        "\(source): \(heldOut) messages are too few to calibrate on held-out folds: a temperature fitted on fewer than \(minimum) follows a handful of mistakes (and can make the model overconfident); give at least \(minimum) messages, or train without \(SettingRole.calibration.mention)"
    }
}
