import Foundation

/// What a model records about how it was made: training, calibration and tuning facts, stored
/// in the metadata section of its file (as `info.KEY=value` lines).
///
/// Every value is typed; the text form exists only in the file. An entry this build does not
/// know, or whose value it cannot read back exactly, is kept verbatim in ``unrecognized``, so
/// a model rewritten by `learn` or `merge` keeps it and its bytes.
public struct ModelFacts: Sendable, Equatable {
    /// How the model was trained.
    public var training = TrainingFacts()
    /// How its probabilities were calibrated (`nil`: not calibrated by cross-validation).
    public var calibration: CalibrationInfo?
    /// The hyper-parameter search that chose its settings (`nil`: none).
    public var tuning: TuningInfo?
    /// Entries not read into a typed field, by key (without the `info.` prefix).
    public internal(set) var unrecognized: [String: String] = [:]
    /// The messages `learn` added to a naive Bayes model and not yet unlearned: a digest of
    /// each message and its label (see ``Model/learnedDigest(_:)``) and how many times. Stored
    /// as `info.learned`, space-separated `digest*count` entries in sorted order; absent when
    /// empty.
    public internal(set) var learned: [String: Int] = [:]

    /// No facts.
    public init() {}
}

/// How a model was trained: the options that decided it and the size of its data.
public struct TrainingFacts: Sendable, Equatable {
    /// Training messages (after `learn`, `unlearn` and `merge`: the running count).
    public var rows: Int?
    /// The seed of every random choice.
    public var seed: UInt64?
    /// The minimum number of messages a feature had to occur in.
    public var minCount: Int?
    /// Naive Bayes smoothing (also of the log-count ratios of `nblr` and `nbsvm`).
    public var alpha: Double?
    /// Inverse L2 strength C in effect.
    public var c: Double?
    /// The optimiser.
    public var solver: Solver?
    /// Whether classes were weighted inversely to their frequency.
    public var balanced: Bool?
    /// SGD passes.
    public var epochs: Int?
    /// SGD initial learning rate in effect.
    public var learningRate: Double?
    /// L-BFGS stopping tolerance.
    public var tolerance: Double?
    /// L-BFGS iteration limit.
    public var maxIterations: Int?
    /// Messages per shuffled block of a streamed training.
    public var streamingBuffer: Int?
    /// Temporary files each epoch of a streamed training dealt its messages into (training in
    /// passes over a file larger than the memory budget).
    public var streamingFiles: Int?
    /// Where the softmax temperature of an SVM was fitted, when training fitted one.
    public var temperatureFit: TemperatureFit?

    /// No facts.
    public init() {}
}

/// Where training fitted an SVM's softmax temperature.
public enum TemperatureFit: String, Sendable, Equatable {
    /// On the training messages (streamed training).
    case training
    /// On held-out halves: two models, each scoring the half it did not see.
    case halves
}

/// How a model's probabilities were calibrated on held-out folds of its training data.
public struct CalibrationInfo: Sendable, Equatable {
    /// The calibration method.
    public var method: CalibrationMethod?
    /// Cross-validation folds.
    public var folds: Int?
    /// Held-out log loss before calibration.
    public var logLossBefore: Double?
    /// Held-out log loss after calibration.
    public var logLossAfter: Double?
    /// Held-out accuracy before calibration (`bias` only: offsets can change answers).
    public var accuracyBefore: Double?
    /// Held-out accuracy after calibration (`bias` only).
    public var accuracyAfter: Double?
    /// Newton steps of the `bias` fit.
    public var newtonSteps: Int?
    /// Whether the `bias` fit converged within ``newtonSteps``.
    public var newtonConverged = true
    /// The column whose values grouped the folds.
    public var groupColumn: String?
    /// Distinct groups in that column.
    public var groups: Int?
    /// Thresholds that reach common accuracy targets on the held-out folds, by target.
    public var thresholds: [HeldOutThreshold] = []

    /// No facts.
    public init() {}

    /// The stored threshold for exactly `target` (as written, two decimals), if any.
    public func threshold(forTarget target: Double) -> HeldOutThreshold? {
        let key = MetadataFormat.target(target)
        return thresholds.first { MetadataFormat.target($0.target) == key }
    }
}

/// A probability threshold chosen on held-out folds, with what it achieved there.
public struct HeldOutThreshold: Sendable, Equatable {
    /// The accuracy target.
    public var target: Double
    /// The smallest threshold whose 95% Wilson lower bound of the accuracy reaches the target.
    public var threshold: Float
    /// Share of held-out messages answered at that threshold.
    public var coverage: Double
    /// Accuracy on those messages.
    public var accuracy: Double

    /// Creates a threshold record.
    public init(target: Double, threshold: Float, coverage: Double, accuracy: Double) {
        self.target = target
        self.threshold = threshold
        self.coverage = coverage
        self.accuracy = accuracy
    }
}

/// The cross-validated search that chose a model's settings.
public struct TuningInfo: Sendable, Equatable {
    /// Cross-validation folds.
    public var folds: Int?
    /// The column whose values grouped the folds.
    public var groupColumn: String?
    /// The metric that chose the winner.
    public var metric: String?
    /// The winning candidate, as ``TuningCandidate/description``.
    public var winner: String?
    /// Every candidate with its mean scores, in search order.
    public var table: [Row]?

    /// One candidate's result.
    public struct Row: Sendable, Equatable {
        /// The candidate, as ``TuningCandidate/description``.
        public var candidate: String
        /// Mean accuracy over the folds.
        public var accuracy: Double
        /// Mean macro-F1 over the folds.
        public var macroF1: Double

        /// Creates a row.
        public init(candidate: String, accuracy: Double, macroF1: Double) {
            self.candidate = candidate
            self.accuracy = accuracy
            self.macroF1 = macroF1
        }
    }

    /// No facts.
    public init() {}
}

// MARK: - Text form

/// How each fact is written in the metadata section. Reading parses a value and accepts it
/// only when writing it back gives the same text, so a file's bytes survive a rewrite.
enum MetadataFormat {
    static func int(_ v: Int) -> String { "\(v)" }
    static func uint(_ v: UInt64) -> String { "\(v)" }
    static func bool(_ v: Bool) -> String { "\(v)" }
    static func double(_ v: Double) -> String { "\(v)" }
    static func fixed4(_ v: Double) -> String { String(format: "%.4f", v) }
    static func fixed6(_ v: Double) -> String { String(format: "%.6f", v) }
    static func target(_ v: Double) -> String { String(format: "%.2f", v) }

    static func threshold(_ t: HeldOutThreshold) -> String {
        String(format: "%.3f coverage %.4f accuracy %.4f", t.threshold, t.coverage, t.accuracy)
    }

    static func tuningRow(_ r: TuningInfo.Row) -> String {
        "\(r.candidate): accuracy \(fixed4(r.accuracy)) macro_f1 \(fixed4(r.macroF1))"
    }

    static func newtonSteps(_ steps: Int, converged: Bool) -> String {
        "\(steps)" + (converged ? "" : " (not converged)")
    }

    static let thresholdPrefix = "calibration.threshold_for_"
}

/// The entries of a metadata section not yet read into a typed field.
private struct MetadataEntries {
    var remaining: [String: String]

    /// The value of `key` parsed by `parse`, when `format` writes it back unchanged; the entry
    /// is then consumed.
    mutating func take<T>(_ key: String, _ parse: (String) -> T?, _ format: (T) -> String) -> T? {
        guard let text = remaining[key], let value = parse(text), format(value) == text else { return nil }
        remaining[key] = nil
        return value
    }

    mutating func int(_ key: String) -> Int? { take(key, { Int($0) }, MetadataFormat.int) }
    mutating func double(_ key: String) -> Double? { take(key, { Double($0) }, MetadataFormat.double) }
    mutating func fixed6(_ key: String) -> Double? { take(key, { Double($0) }, MetadataFormat.fixed6) }
    mutating func string(_ key: String) -> String? { take(key, { $0 }, { $0 }) }
}

extension ModelFacts {
    /// Reads facts from the `info.` entries of a metadata section (keys without the prefix).
    init(entries: [String: String]) {
        var e = MetadataEntries(remaining: entries)
        var t = TrainingFacts()
        t.rows = e.int("rows")
        t.seed = e.take("seed", { UInt64($0) }, MetadataFormat.uint)
        t.minCount = e.int("min_count")
        t.alpha = e.double("alpha")
        t.c = e.double("c")
        t.solver = e.take("solver", { Solver(rawValue: $0) }, \.rawValue)
        t.balanced = e.take("balanced", { Bool($0) }, MetadataFormat.bool)
        t.epochs = e.int("epochs")
        t.learningRate = e.double("learning_rate")
        t.tolerance = e.double("tolerance")
        t.maxIterations = e.int("max_iterations")
        t.streamingBuffer = e.int("streaming_buffer")
        t.streamingFiles = e.int("streaming_files")
        t.temperatureFit = e.take("temperature_fit", { TemperatureFit(rawValue: $0) }, \.rawValue)
        training = t

        var c = CalibrationInfo()
        c.method = e.take("calibration.method", { CalibrationMethod(rawValue: $0) }, \.rawValue)
        c.folds = e.int("calibration.folds")
        c.logLossBefore = e.fixed6("calibration.log_loss_before")
        c.logLossAfter = e.fixed6("calibration.log_loss_after")
        c.accuracyBefore = e.fixed6("calibration.accuracy_before")
        c.accuracyAfter = e.fixed6("calibration.accuracy_after")
        if let (steps, converged) = e.take(
            "calibration.newton_steps",
            { text -> (Int, Bool)? in
                if let n = Int(text) { return (n, true) }
                guard text.hasSuffix(" (not converged)"), let n = Int(text.dropLast(16)) else { return nil }
                return (n, false)
            },
            { MetadataFormat.newtonSteps($0.0, converged: $0.1) })
        {
            c.newtonSteps = steps
            c.newtonConverged = converged
        }
        c.groupColumn = e.string("calibration.group_column")
        c.groups = e.int("calibration.groups")
        for key in e.remaining.keys.sorted() where key.hasPrefix(MetadataFormat.thresholdPrefix) {
            guard let target = Double(key.dropFirst(MetadataFormat.thresholdPrefix.count)),
                MetadataFormat.thresholdPrefix + MetadataFormat.target(target) == key
            else { continue }
            let parsed = e.take(
                key,
                { text -> HeldOutThreshold? in
                    let p = text.split(separator: " ", omittingEmptySubsequences: false)
                    guard p.count == 5, p[1] == "coverage", p[3] == "accuracy", let t = Float(String(p[0])),
                        let cov = Double(String(p[2])), let acc = Double(String(p[4]))
                    else { return nil }
                    return HeldOutThreshold(target: target, threshold: t, coverage: cov, accuracy: acc)
                }, MetadataFormat.threshold)
            if let parsed { c.thresholds.append(parsed) }
        }
        if c != CalibrationInfo() { calibration = c }

        var u = TuningInfo()
        u.folds = e.int("tune.folds")
        u.groupColumn = e.string("tune.group_column")
        u.metric = e.string("tune.metric")
        u.winner = e.string("tune.winner")
        u.table = e.take(
            "tune.table",
            { text -> [TuningInfo.Row]? in
                var rows: [TuningInfo.Row] = []
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    guard let a = line.range(of: ": accuracy ", options: .backwards),
                        let m = line.range(of: " macro_f1 ", range: a.upperBound..<line.endIndex),
                        let accuracy = Double(line[a.upperBound..<m.lowerBound]), let f1 = Double(line[m.upperBound...])
                    else { return nil }
                    rows.append(TuningInfo.Row(candidate: String(line[..<a.lowerBound]), accuracy: accuracy, macroF1: f1))
                }
                return rows
            },
            { $0.map(MetadataFormat.tuningRow).joined(separator: "\n") })
        if u != TuningInfo() { tuning = u }

        learned = e.take(Self.learnedKey, Self.ledger(from:), Self.text(ofLedger:)) ?? [:]

        unrecognized = e.remaining
    }

    /// The facts as metadata entries (keys without the `info.` prefix). A typed value wins over
    /// an unrecognized entry of the same key.
    var entries: [String: String] {
        var m = unrecognized
        func put(_ key: String, _ value: String?) {
            if let value { m[key] = value }
        }
        let t = training
        put("rows", t.rows.map(MetadataFormat.int))
        put("seed", t.seed.map(MetadataFormat.uint))
        put("min_count", t.minCount.map(MetadataFormat.int))
        put("alpha", t.alpha.map(MetadataFormat.double))
        put("c", t.c.map(MetadataFormat.double))
        put("solver", t.solver?.rawValue)
        put("balanced", t.balanced.map(MetadataFormat.bool))
        put("epochs", t.epochs.map(MetadataFormat.int))
        put("learning_rate", t.learningRate.map(MetadataFormat.double))
        put("tolerance", t.tolerance.map(MetadataFormat.double))
        put("max_iterations", t.maxIterations.map(MetadataFormat.int))
        put("streaming_buffer", t.streamingBuffer.map(MetadataFormat.int))
        put("streaming_files", t.streamingFiles.map(MetadataFormat.int))
        put("temperature_fit", t.temperatureFit?.rawValue)
        if let c = calibration {
            put("calibration.method", c.method?.rawValue)
            put("calibration.folds", c.folds.map(MetadataFormat.int))
            put("calibration.log_loss_before", c.logLossBefore.map(MetadataFormat.fixed6))
            put("calibration.log_loss_after", c.logLossAfter.map(MetadataFormat.fixed6))
            put("calibration.accuracy_before", c.accuracyBefore.map(MetadataFormat.fixed6))
            put("calibration.accuracy_after", c.accuracyAfter.map(MetadataFormat.fixed6))
            put("calibration.newton_steps", c.newtonSteps.map { MetadataFormat.newtonSteps($0, converged: c.newtonConverged) })
            put("calibration.group_column", c.groupColumn)
            put("calibration.groups", c.groups.map(MetadataFormat.int))
            for h in c.thresholds {
                put(MetadataFormat.thresholdPrefix + MetadataFormat.target(h.target), MetadataFormat.threshold(h))
            }
        }
        if let u = tuning {
            put("tune.folds", u.folds.map(MetadataFormat.int))
            put("tune.group_column", u.groupColumn)
            put("tune.metric", u.metric)
            put("tune.winner", u.winner)
            put("tune.table", u.table.map { $0.map(MetadataFormat.tuningRow).joined(separator: "\n") })
        }
        if !learned.isEmpty { put(Self.learnedKey, Self.text(ofLedger: learned)) }
        return m
    }

    /// The key of ``learned`` in the metadata.
    static let learnedKey = "learned"

    /// The ledger a `learned` entry holds, or `nil` when it is not one.
    static func ledger(from text: String) -> [String: Int]? {
        var out: [String: Int] = [:]
        for entry in text.split(separator: " ", omittingEmptySubsequences: false) {
            let parts = entry.split(separator: "*", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let n = Int(parts[1]), n > 0, out[String(parts[0])] == nil else { return nil }
            out[String(parts[0])] = n
        }
        return out.isEmpty ? nil : out
    }

    /// `ledger`'s entries as stored: `digest*count`, sorted, separated by spaces.
    static func text(ofLedger ledger: [String: Int]) -> String {
        ledger.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)*\($0.value)" }.joined(separator: " ")
    }

    /// Replaces ``learned`` with the positive counts of `ledger`.
    mutating func setLearned(_ ledger: [String: Int]) {
        unrecognized[Self.learnedKey] = nil
        learned = ledger.filter { $0.value > 0 }
    }

    /// The facts every one of `all` records with the same value (what a merged model keeps).
    static func common(to all: [ModelFacts]) -> ModelFacts {
        let lists = all.map(\.entries)
        guard let first = lists.first else { return ModelFacts() }
        var kept: [String: String] = [:]
        for (k, v) in first where lists.allSatisfy({ $0[k] == v }) { kept[k] = v }
        return ModelFacts(entries: kept)
    }

    /// ``TrainingFacts/rows`` changed by `delta`; unknown (`nil`) when it was unknown or the
    /// sum would overflow or go below zero. The count is informative; nothing depends on it.
    mutating func addRows(_ delta: Int) {
        unrecognized["rows"] = nil
        guard let n = training.rows, n >= 0 else {
            training.rows = nil
            return
        }
        let (sum, overflow) = n.addingReportingOverflow(delta)
        training.rows = overflow || sum < 0 ? nil : sum
    }
}
