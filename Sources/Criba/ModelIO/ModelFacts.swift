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
    /// Where the softmax temperature of an SVM was fitted, when training fitted one, or that
    /// there were too few messages to fit it.
    public var temperatureFit: TemperatureFit?
    /// The temperature a fit chose outside ``Algorithm/temperatureRange``, when the model's
    /// temperature is the nearest bound of the range instead.
    public var temperatureCappedFrom: Float?
    /// Training messages of each label, in the model's label order, for models that keep no
    /// naive Bayes counts (those know theirs: ``Model/labelExampleCounts``).
    public var labelCounts: [Int]?
    /// The CSV column the messages were read from.
    public var textColumn: String?
    /// The CSV column the labels were read from.
    public var labelColumn: String?
    /// The field delimiter the training file was read with (after detection).
    public var delimiter: CSVDelimiter?
    /// The encoding the training file was read as (after detection: UTF-8 or Windows-1252).
    public var encoding: CSVEncoding?

    /// No facts.
    public init() {}
}

/// Where training fitted an SVM's softmax temperature.
public enum TemperatureFit: String, Sendable, Equatable {
    /// On the training messages (streamed training).
    case training
    /// On held-out halves: two models, each scoring the half it did not see.
    case halves
    /// Not fitted: fewer messages than ``TemperatureScaling/minimumHeldOut`` (temperature 1).
    case tooFewMessages = "too_few_messages"
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

    /// One candidate's result, the candidate as ``TuningCandidate/description``.
    public typealias Row = TuningScores<String>

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
}

/// How one kind of value is written in the metadata section and read back.
private struct MetadataCodec<T> {
    let parse: (String) -> T?
    let format: (T) -> String

    static func raw(_: T.Type) -> MetadataCodec<T> where T: RawRepresentable, T.RawValue == String {
        MetadataCodec(parse: { T(rawValue: $0) }, format: \.rawValue)
    }
}

extension MetadataCodec where T == Int {
    static var int: Self { Self(parse: { Int($0) }, format: MetadataFormat.int) }
    /// Space-separated integers, in order (`label_counts`).
    static var list: MetadataCodec<[Int]> {
        MetadataCodec<[Int]>(
            parse: { text in
                let n = text.split(separator: " ", omittingEmptySubsequences: false).map { Int($0) }
                return n.isEmpty || n.contains(nil) ? nil : n.map { $0! }
            }, format: { $0.map(MetadataFormat.int).joined(separator: " ") })
    }
}

extension MetadataCodec where T == Double {
    static var double: Self { Self(parse: { Double($0) }, format: MetadataFormat.double) }
    static var fixed6: Self { Self(parse: { Double($0) }, format: MetadataFormat.fixed6) }
}

extension MetadataCodec where T == String {
    static var string: Self { Self(parse: { $0 }, format: { $0 }) }
}

/// One typed fact of `Root` and its metadata key: the one description that both reading and
/// writing the facts use.
private struct MetadataField<Root> {
    let read: (inout MetadataEntries, inout Root) -> Void
    let write: (Root, (String, String) -> Void) -> Void

    init<T>(_ key: String, _ path: WritableKeyPath<Root, T?>, _ codec: MetadataCodec<T>) {
        read = { e, root in root[keyPath: path] = e.take(key, codec.parse, codec.format) }
        write = { root, put in
            if let v = root[keyPath: path] { put(key, codec.format(v)) }
        }
    }

    /// Reads `fields` into a new `Root`.
    static func read(_ fields: [Self], from e: inout MetadataEntries, into root: Root) -> Root {
        var r = root
        for f in fields { f.read(&e, &r) }
        return r
    }

    /// Writes the fields of `root` set, with `put`.
    static func write(_ fields: [Self], of root: Root, _ put: (String, String) -> Void) {
        for f in fields { f.write(root, put) }
    }
}

extension TrainingFacts {
    fileprivate static var fields: [MetadataField<Self>] {
        [
            .init("rows", \.rows, .int),
            .init("seed", \.seed, MetadataCodec(parse: { UInt64($0) }, format: MetadataFormat.uint)),
            .init("min_count", \.minCount, .int),
            .init("alpha", \.alpha, .double),
            .init("c", \.c, .double),
            .init("solver", \.solver, .raw(Solver.self)),
            .init("balanced", \.balanced, MetadataCodec(parse: { Bool($0) }, format: MetadataFormat.bool)),
            .init("epochs", \.epochs, .int),
            .init("learning_rate", \.learningRate, .double),
            .init("tolerance", \.tolerance, .double),
            .init("max_iterations", \.maxIterations, .int),
            .init("streaming_buffer", \.streamingBuffer, .int),
            .init("streaming_files", \.streamingFiles, .int),
            .init("temperature_fit", \.temperatureFit, .raw(TemperatureFit.self)),
            .init("temperature_capped_from", \.temperatureCappedFrom, MetadataCodec(parse: { Float($0) }, format: { "\($0)" })),
            .init("label_counts", \.labelCounts, MetadataCodec<Int>.list),
            .init("text_column", \.textColumn, .string),
            .init("label_column", \.labelColumn, .string),
            .init("delimiter", \.delimiter, .raw(CSVDelimiter.self)),
            .init("encoding", \.encoding, .raw(CSVEncoding.self)),
        ]
    }
}

extension CalibrationInfo {
    /// The fields with one key each (the Newton steps and the thresholds have their own form).
    fileprivate static var fields: [MetadataField<Self>] {
        [
            .init("calibration.method", \.method, .raw(CalibrationMethod.self)),
            .init("calibration.folds", \.folds, .int),
            .init("calibration.log_loss_before", \.logLossBefore, .fixed6),
            .init("calibration.log_loss_after", \.logLossAfter, .fixed6),
            .init("calibration.accuracy_before", \.accuracyBefore, .fixed6),
            .init("calibration.accuracy_after", \.accuracyAfter, .fixed6),
            .init("calibration.group_column", \.groupColumn, .string),
            .init("calibration.groups", \.groups, .int),
        ]
    }
}

extension TuningInfo {
    fileprivate static var fields: [MetadataField<Self>] {
        [
            .init("tune.folds", \.folds, .int),
            .init("tune.group_column", \.groupColumn, .string),
            .init("tune.metric", \.metric, .string),
            .init("tune.winner", \.winner, .string),
            .init(
                "tune.table", \.table,
                MetadataCodec(
                    parse: { text -> [Row]? in
                        var rows: [Row] = []
                        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                            guard let a = line.range(of: ": accuracy ", options: .backwards),
                                let m = line.range(of: " macro_f1 ", range: a.upperBound..<line.endIndex),
                                let accuracy = Double(line[a.upperBound..<m.lowerBound]), let f1 = Double(line[m.upperBound...])
                            else { return nil }
                            rows.append(Row(candidate: String(line[..<a.lowerBound]), accuracy: accuracy, macroF1: f1))
                        }
                        return rows
                    }, format: { $0.map(MetadataFormat.tuningRow).joined(separator: "\n") })),
        ]
    }
}

extension ModelFacts {
    /// Reads facts from the `info.` entries of a metadata section (keys without the prefix).
    init(entries: [String: String]) {
        var e = MetadataEntries(remaining: entries)
        training = MetadataField.read(TrainingFacts.fields, from: &e, into: TrainingFacts())

        var c = MetadataField.read(CalibrationInfo.fields, from: &e, into: CalibrationInfo())
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

        let u = MetadataField.read(TuningInfo.fields, from: &e, into: TuningInfo())
        if u != TuningInfo() { tuning = u }

        learned = e.take(Self.learnedKey, Self.ledger(from:), Self.text(ofLedger:)) ?? [:]

        unrecognized = e.remaining
    }

    /// The facts as metadata entries (keys without the `info.` prefix). A typed value wins over
    /// an unrecognized entry of the same key.
    var entries: [String: String] {
        var m = unrecognized
        func put(_ key: String, _ value: String) { m[key] = value }
        MetadataField.write(TrainingFacts.fields, of: training, put)
        if let c = calibration {
            MetadataField.write(CalibrationInfo.fields, of: c, put)
            if let n = c.newtonSteps { put("calibration.newton_steps", MetadataFormat.newtonSteps(n, converged: c.newtonConverged)) }
            for h in c.thresholds {
                put(MetadataFormat.thresholdPrefix + MetadataFormat.target(h.target), MetadataFormat.threshold(h))
            }
        }
        if let u = tuning { MetadataField.write(TuningInfo.fields, of: u, put) }
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

extension ModelFacts {
    /// ``TrainingFacts/labelCounts`` with `delta[k]` more messages of label `k`; unknown
    /// (`nil`) when it was unknown, does not have one count per label, or a sum would overflow.
    mutating func addLabelCounts(_ delta: [Int]) {
        unrecognized["label_counts"] = nil
        guard let n = training.labelCounts, n.count == delta.count else {
            training.labelCounts = nil
            return
        }
        var out: [Int] = []
        for (a, b) in zip(n, delta) {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if overflow || sum < 0 {
                training.labelCounts = nil
                return
            }
            out.append(sum)
        }
        training.labelCounts = out
    }
}
