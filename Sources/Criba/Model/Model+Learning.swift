import Foundation

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
            var ledger = facts.learned
            for e in examples { ledger[Self.learnedDigest(e), default: 0] += 1 }
            m.facts.setLearned(ledger)
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
    ///     a digest of every message it learns (``ModelFacts/learned``), because its counts alone
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
        var ledger = facts.learned
        if !trainingMessages {
            for (i, e) in examples.enumerated() {
                let digest = Self.learnedDigest(e)
                let left = ledger[digest, default: 0]
                if left == 0 {
                    let times = examples[..<i].filter { $0 == e }.count
                    let what = times == 0 ? "was never learned" : "was learned only \(times) time(s)"
                    throw DataError(
                        file: source, line: lines[i],
                        message: "cannot unlearn this message as `\(e.label)`: it \(what) with `criba learn` as `\(e.label)` (the model records what it learns); to remove messages it was trained on, use \(SettingRole.trainingMessages.mention)",
                        settings: [.trainingMessages])
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
        if !trainingMessages { m.facts.setLearned(ledger) }
        return m
    }

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

    /// The naive Bayes model trained on the union of the data of `models`: their counts are
    /// added (labels and feature keys unioned, sorted) and the weights recomputed.
    ///
    /// With count weighting (integer counts, what `criba train --counts-only` writes) the
    /// result equals the model trained in one process on all the data, byte for byte:
    /// the row count is the sum, and the other facts are kept when all models agree (facts
    /// that differ are left out).
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
            if m.facts.training.alpha != first.facts.training.alpha {
                let alpha = { (m: Model) in m.facts.training.alpha.map { "\($0)" } ?? "?" }
                throw TrainingError(message: "model \(i + 1) has smoothing alpha \(alpha(m)) but model 1 has \(alpha(first))")
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
        // The sum of the row counts; unknown when one is unknown or the sum overflows.
        var rows: Int? = 0
        for m in models {
            guard let sum = rows, let n = m.facts.training.rows, n >= 0 else {
                rows = nil
                break
            }
            let (total, overflow) = sum.addingReportingOverflow(n)
            rows = overflow ? nil : total
        }
        var merged = first
        merged.facts = ModelFacts.common(to: models.map(\.facts))
        merged = try merged.rebuilt(from: table, rows: 0)
        merged.facts.training.rows = rows
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

    func countTable() throws -> CountTable {
        guard counts != nil else {
            throw TrainingError(message: "this \(algorithm.rawValue) model keeps no counts; retrain it with this version of Criba")
        }
        return CountTable(self)
    }

    /// This model with `table`'s counts and weights recomputed from them; the row count
    /// changes by `rows`.
    func rebuilt(from table: CountTable, rows: Int) throws -> Model {
        guard let alpha = facts.training.alpha, alpha > 0 else {
            throw TrainingError(message: "the model does not record its smoothing alpha (info alpha); retrain it")
        }
        let c = table.labels.count
        let (w, b) = NaiveBayes.weights(table.counts, classes: c, alpha: alpha, complement: algorithm == .complementNaiveBayes)
        var m = Model(
            algorithm: algorithm, tokenizerSettings: tokenizerSettings, featureSettings: featureSettings,
            labels: table.labels, keys: table.keys, idf: [], weights: w, bias: b, counts: table.counts)
        m.temperature = temperature
        m.facts = facts
        m.facts.addRows(rows)
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
