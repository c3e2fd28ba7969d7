import Foundation

/// How ``Model/learning(_:source:lines:warmStart:)`` updates a logistic-regression model.
///
/// Logistic-regression and SVM models (`lr`, `nblr`, `svm`, `nbsvm`) keep no counts, so
/// learning runs a few epochs of stochastic gradient descent (with the model's loss) over the
/// corrected messages only, starting from the model's current weights. Only features the model
/// already knows are updated (its feature rows, idf and weighting stay fixed), there is no
/// regularisation during these epochs, the naive Bayes ratios of an `nblr`/`nbsvm` model are
/// folded into its weights as they were at training time, and the temperature is kept.
public struct WarmStartOptions: Sendable, Hashable {
    /// Passes over the corrected messages (at least 1).
    public var epochs: Int
    /// Initial learning rate, decaying linearly to zero over all passes (greater than 0). For
    /// `svm`/`nbsvm` models it is scaled like their training rate (by 0.1/0.8), since the
    /// squared hinge has larger gradients than the logistic loss.
    public var learningRate: Double
    /// Seed for the order of the messages in each pass.
    public var seed: UInt64

    /// Creates options. The defaults (10 passes, rate 0.3, seed 1) were chosen on
    /// `Data/train.csv` alone: on three 80/20 splits, learning the first 20 misclassified
    /// messages of the 20% part moved all 20 to their labels each time, at the smallest
    /// accuracy cost on the rest of that part among the settings that did.
    public init(epochs: Int = 10, learningRate: Double = 0.3, seed: UInt64 = 1) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.seed = seed
    }
}

extension Model {
    /// Whether ``unlearning(_:source:lines:trainingMessages:)`` and ``merging(_:)`` can be used: the model is
    /// naive Bayes (`nb` or `cnb`) and keeps its counts.
    public var keepsCounts: Bool { algorithm.isCountBased && counts != nil }

    /// A copy of the model that has also learned `examples`.
    ///
    /// For naive Bayes models (`nb`, `cnb`) the messages' weighted feature counts are added
    /// to the model's counts, exactly as if they had been part of the training data: new
    /// feature keys are inserted in sorted order, a new label becomes a new class, and the
    /// weights are recomputed from the counts with the model's smoothing `info["alpha"]`.
    /// ``unlearning(_:source:lines:trainingMessages:)`` of the same messages gives back the same model, byte for
    /// byte, when the features are counted with integer weights (`--algorithm nb` on the
    /// command line sets count weighting).
    ///
    /// For logistic-regression models (`lr`, `nblr`) the model warm-starts: see
    /// ``WarmStartOptions``. Every label must already be one of the model's labels.
    ///
    /// `info["rows"]` grows by the number of messages.
    ///
    /// - Parameters:
    ///   - examples: The corrected messages with their true labels.
    ///   - source: Where the messages come from (a file path, `-`), used in error messages.
    ///   - lines: The line of each example in `source`; by default 1, 2, 3…
    ///   - warmStart: Settings for logistic-regression models (ignored for naive Bayes).
    /// - Returns: The updated model; `self` is unchanged.
    /// - Throws: ``DataError`` naming the line of an example with an empty label, or with a
    ///   label a logistic-regression model does not know; ``TrainingError`` if the model
    ///   cannot learn (naive Bayes without counts or without a stored `alpha`).
    /// - Complexity: O(F · C) for naive Bayes (`F` features, `C` labels), plus the feature
    ///   extraction of the messages.
    public func learning(
        _ examples: [Example], source: String = "examples", lines: [Int]? = nil,
        warmStart: WarmStartOptions = WarmStartOptions()
    ) throws -> Model {
        let lines = try Self.lines(lines, for: examples)
        for (i, e) in examples.enumerated() where e.label.isEmpty {
            throw DataError(file: source, line: lines[i], message: "empty label")
        }
        if examples.isEmpty { return self }
        if algorithm.isCountBased {
            let base = try countTable()
            let delta = CountTable(examples: examples, tokenizer: tokenizerSettings, features: featureSettings)
            var m = try rebuilt(from: base.adding(delta), rows: examples.count)
            var ledger = Self.learnedLedger(info)
            for e in examples { ledger[Self.learnedDigest(e), default: 0] += 1 }
            m.info[Self.learnedKey] = Self.learnedText(ledger)
            return m
        }
        return try warmStarted(examples, source: source, lines: lines, options: warmStart)
    }

    /// A copy of a naive Bayes model that has forgotten `examples`: their counts are
    /// subtracted, feature keys whose counts all return to zero are removed, and so is a label
    /// left with no messages.
    ///
    /// - Parameters:
    ///   - examples: Messages the model learned before, with the labels they were learned with.
    ///   - source: Where the messages come from, used in error messages.
    ///   - lines: The line of each example in `source`; by default 1, 2, 3…
    ///   - trainingMessages: Whether the messages may be ones the model was trained on. By
    ///     default (false) each message must have been added by ``learning(_:source:lines:warmStart:)``
    ///     with the same label (as many times as it is unlearned): a naive Bayes model records
    ///     a digest of every message it learns (`info["learned"]`), because its counts alone
    ///     cannot tell a message it saw from one made of words it knows. With true, that
    ///     record is not required and only counts going below zero are refused.
    /// - Returns: The updated model; `self` is unchanged.
    /// - Throws: ``TrainingError`` for a logistic-regression model (it keeps no counts to
    ///   subtract); ``DataError`` naming the first line whose label the model does not know,
    ///   whose message was not learned with that label, or whose counts would go below zero,
    ///   or when fewer than two labels would remain.
    public func unlearning(
        _ examples: [Example], source: String = "examples", lines: [Int]? = nil, trainingMessages: Bool = false
    ) throws -> Model {
        guard algorithm.isCountBased else {
            throw TrainingError(
                message: "unlearn needs a naive Bayes model (nb or cnb), which keeps counts; this model is \(algorithm.rawValue) (logistic regression and SVMs keep only weights, so they cannot forget messages): retrain it without them")
        }
        let lines = try Self.lines(lines, for: examples)
        if examples.isEmpty { return self }
        let base = try countTable()
        let known = Set(labels)
        for (i, e) in examples.enumerated() where !known.contains(e.label) {
            throw DataError(
                file: source, line: lines[i], message: "label `\(e.label)` is not one of the model's labels; nothing to unlearn")
        }
        var ledger = Self.learnedLedger(info)
        if !trainingMessages {
            for (i, e) in examples.enumerated() {
                let digest = Self.learnedDigest(e)
                let left = ledger[digest, default: 0]
                if left == 0 {
                    let times = examples[..<i].filter { $0 == e }.count
                    let what = times == 0 ? "was never learned" : "was learned only \(times) time(s)"
                    throw DataError(
                        file: source, line: lines[i],
                        message: "cannot unlearn this message as `\(e.label)`: it \(what) with `criba learn` as `\(e.label)` (the model records what it learns); to remove messages it was trained on, use --training-messages")
                }
                ledger[digest] = left - 1
            }
        }
        let delta = CountTable(examples: examples, tokenizer: tokenizerSettings, features: featureSettings)
        let result = base.adding(delta, sign: -1)
        if result.firstNegative() != nil {
            // Find the first message (in input order) that takes a count below zero.
            var used: [String: Double] = [:]
            var usedFeatures: [String: [FeatureKey: Double]] = [:]
            for (i, e) in examples.enumerated() {
                let one = CountTable(examples: [e], tokenizer: tokenizerSettings, features: featureSettings)
                let l = base.labels.firstIndex(of: e.label)!
                used[e.label, default: 0] += 1
                var problem: String? = nil
                if used[e.label]! > base.counts.classCounts[l] {
                    problem = "the model has no more `\(e.label)` messages"
                }
                for (r, key) in one.keys.enumerated() where problem == nil {
                    let total = usedFeatures[e.label, default: [:]][key, default: 0] + one.counts.featureCounts[r]
                    usedFeatures[e.label, default: [:]][key] = total
                    if base.value(key: key, label: e.label) - total <= -1e-9 {
                        problem = "its features were not learned as `\(e.label)` (this many times)"
                    }
                }
                if let problem {
                    throw DataError(
                        file: source, line: lines[i],
                        message: "cannot unlearn this message as `\(e.label)`: \(problem); counts would go below zero")
                }
            }
            throw DataError(file: source, line: 0, message: "cannot unlearn these messages: counts would go below zero")
        }
        let pruned = result.pruned()
        if pruned.labels.count < 2 {
            throw DataError(
                file: source, line: lines[examples.count - 1],
                message: "unlearning these messages would leave fewer than two labels")
        }
        var m = try rebuilt(from: pruned, rows: -examples.count)
        if !trainingMessages { m.info[Self.learnedKey] = Self.learnedText(ledger) }
        return m
    }

    /// The `info` key recording the messages ``learning(_:source:lines:warmStart:)`` added to a
    /// naive Bayes model: space-separated `digest*count` entries, sorted.
    static let learnedKey = "learned"

    /// A message and its label as 16 hex digits: 64-bit FNV-1a over the label's UTF-8, a 0
    /// byte and the text's UTF-8 (fixed, so the same in every process and on every machine).
    static func learnedDigest(_ e: Example) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        for b in e.label.utf8 { add(b) }
        add(0)
        for b in e.text.utf8 { add(b) }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The record of learned messages in `info` (digest → times).
    static func learnedLedger(_ info: [String: String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for entry in (info[learnedKey] ?? "").split(separator: " ") {
            let parts = entry.split(separator: "*")
            guard parts.count == 2, let n = Int(parts[1]), n > 0 else { continue }
            out[String(parts[0]), default: 0] += n
        }
        return out
    }

    /// `ledger` as its `info` value, or nil when it is empty (a model that learned nothing,
    /// or unlearned all it learned, has no entry: `learn` then `unlearn` gives back the file).
    static func learnedText(_ ledger: [String: Int]) -> String? {
        let entries = ledger.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)*\($0.value)" }
        return entries.isEmpty ? nil : entries.joined(separator: " ")
    }

    /// The naive Bayes model trained on the union of the data of `models`: their counts are
    /// added (labels and feature keys unioned, sorted) and the weights recomputed.
    ///
    /// With count weighting (integer counts, what `criba train --counts-only` writes) the
    /// result equals the model trained in one process on all the data, byte for byte:
    /// `info["rows"]` is the sum, and other `info` entries are kept when all models agree
    /// (entries that differ are left out).
    ///
    /// - Parameter models: Two or more naive Bayes models with counts, trained with the same
    ///   algorithm, tokenizer and feature settings, and smoothing.
    /// - Returns: The merged model.
    /// - Throws: ``TrainingError`` naming the first model (by position, from 1) that cannot
    ///   be merged with the first.
    public static func merging(_ models: [Model]) throws -> Model {
        guard let first = models.first else { throw TrainingError(message: "nothing to merge") }
        for (i, m) in models.enumerated() {
            guard m.keepsCounts else {
                throw TrainingError(
                    message: "model \(i + 1) is \(m.algorithm.rawValue) without counts; only naive Bayes models (nb, cnb) can be merged")
            }
            if m.algorithm != first.algorithm {
                throw TrainingError(message: "model \(i + 1) is \(m.algorithm.rawValue) but model 1 is \(first.algorithm.rawValue)")
            }
            if m.tokenizerSettings != first.tokenizerSettings || m.featureSettings != first.featureSettings {
                throw TrainingError(message: "model \(i + 1) uses different tokenizer or feature settings than model 1")
            }
            if m.info["alpha"] != first.info["alpha"] {
                throw TrainingError(
                    message: "model \(i + 1) has smoothing alpha \(m.info["alpha"] ?? "?") but model 1 has \(first.info["alpha"] ?? "?")")
            }
            if m.temperature != first.temperature {
                throw TrainingError(message: "model \(i + 1) has a different temperature than model 1")
            }
        }
        var table = try first.countTable()
        for m in models.dropFirst() { table = table.adding(try m.countTable()) }
        if table.labels.count < 2 {
            throw TrainingError(
                message: "the merged models hold only one label (`\(table.labels.first ?? "")`); a model needs at least two")
        }
        var info: [String: String] = [:]
        for (k, v) in first.info where models.allSatisfy({ $0.info[k] == v }) { info[k] = v }
        var rows: Int? = 0
        for m in models { rows = rows.flatMap { Self.rows(m.info["rows"], plus: $0) } }
        var merged = first
        merged.info = info
        merged = try merged.rebuilt(from: table, rows: 0)
        merged.info["rows"] = rows.map(String.init)
        return merged
    }

    // MARK: Implementation

    /// The line of each example: `lines` (one per example) or 1, 2, 3…
    static func lines(_ lines: [Int]?, for examples: [Example]) throws -> [Int] {
        guard let lines else { return Array(1...max(examples.count, 1)) }
        guard lines.count == examples.count else {
            throw TrainingError(message: "\(lines.count) line numbers for \(examples.count) examples; give one per example")
        }
        return lines
    }

    /// The row count `info["rows"]` holds plus `delta`, or `nil` when it is missing, not a
    /// count, or would overflow (the count is informative; nothing depends on it).
    static func rows(_ text: String?, plus delta: Int) -> Int? {
        guard let n = Int(text ?? ""), n >= 0 else { return nil }
        let (sum, overflow) = n.addingReportingOverflow(delta)
        return overflow || sum < 0 ? nil : sum
    }

    func countTable() throws -> CountTable {
        guard counts != nil else {
            throw TrainingError(message: "this \(algorithm.rawValue) model keeps no counts; retrain it with this version of Criba")
        }
        return CountTable(self)
    }

    /// This model with `table`'s counts and weights recomputed from them; `info["rows"]`
    /// changes by `rows`.
    func rebuilt(from table: CountTable, rows: Int) throws -> Model {
        guard let alphaText = info["alpha"], let alpha = Double(alphaText), alpha > 0 else {
            throw TrainingError(message: "the model does not record its smoothing alpha (info alpha); retrain it")
        }
        let c = table.labels.count
        let (w, b) = NaiveBayes.weights(table.counts, classes: c, alpha: alpha, complement: algorithm == .complementNaiveBayes)
        var m = Model(
            algorithm: algorithm, tokenizerSettings: tokenizerSettings, featureSettings: featureSettings,
            labels: table.labels, keys: table.keys, idf: [], weights: w, bias: b, counts: table.counts)
        m.temperature = temperature
        m.info = info
        m.info["rows"] = Self.rows(info["rows"], plus: rows).map(String.init)
        return m
    }

    /// Warm start of a logistic-regression model (see ``WarmStartOptions``).
    func warmStarted(_ examples: [Example], source: String, lines: [Int], options o: WarmStartOptions) throws -> Model {
        guard (1...TrainingOptions.largestEpochs).contains(o.epochs), o.learningRate > 0, o.learningRate.isFinite else {
            throw TrainingError(
                message: "warm start needs 1...\(TrainingOptions.largestEpochs) epochs and a positive finite learning rate")
        }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        let extractor = FeatureExtractor(tokenizer: tokenizerSettings, features: featureSettings)
        let workspace = FeatureWorkspace()
        var matrix = FeatureMatrix()
        var v = SparseVector()
        for (i, e) in examples.enumerated() {
            guard let y = index[e.label] else {
                throw DataError(
                    file: source, line: lines[i],
                    message: "label `\(e.label)` is not one of the model's labels; a \(algorithm.rawValue) model cannot add labels by learning (retrain it, or use a naive Bayes model)")
            }
            extractor.extract(e.text, into: workspace)
            space.vectorize(workspace, into: &v)
            matrix.append(v, label: y)
        }
        let c = labels.count
        let f = space.count
        var state = SGDState(
            features: f, classes: c, lambda: 0, classWeights: [Float](repeating: 1, count: c), ratios: nil,
            learningRate: Float(o.learningRate * algorithm.defaultLearningRate / Algorithm.logisticRegression.defaultLearningRate)
                * SGDState.stepScale(meanSquaredNorm: matrix.meanSquaredNorm),
            totalSteps: o.epochs * matrix.rows,
            loss: algorithm.loss)
        state.v = weights + bias
        state.run(over: matrix, epochs: o.epochs, seed: o.seed)
        let theta = state.finish()
        var m = self
        m.weights = Array(theta[0..<(f * c)])
        m.bias = Array(theta[(f * c)...])
        m.info["rows"] = Self.rows(info["rows"], plus: examples.count).map(String.init)
        return m
    }
}

extension CountTable {
    /// The count of `key` for `label` (0 when either is absent).
    func value(key: FeatureKey, label: String) -> Double {
        guard let l = labels.firstIndex(of: label) else { return 0 }
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        guard lo < keys.count, keys[lo] == key else { return 0 }
        return counts.featureCounts[lo * labels.count + l]
    }
}
