import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a model from a labelled CSV file.",
            discussion: """
                The CSV needs a header; by default the columns `text` and `label` are used. \
                The model is written atomically: a failed run never leaves a partial file.

                Examples:
                  criba train messages.csv -o model.criba
                  criba train export.csv --text-column mensaje --label-column tipo -o model.criba
                  criba train messages.csv --algorithm nb -o nb.criba
                  criba train messages.csv --calibrate -o calibrated.criba
                  criba train messages.csv --calibrate --calibration bias -o calibrated.criba
                  criba train messages.csv --calibrate --group-column business -o calibrated.criba
                  criba train shard-1.csv --counts-only -o shard-1.criba   # then: criba merge
                """)

        @Argument(help: "Labelled CSV file (`-` for standard input).")
        var data: String

        @Option(name: .shortAndLong, help: "Where to write the model.")
        var output: String

        @OptionGroup var csv: CSVArguments

        @OptionGroup(title: "Training options") var training: TrainingArguments

        @Flag(help: "Choose the algorithm, regularisation and n-gram ranges by stratified k-fold cross-validation (accuracy); the search table is stored in the model. Not with --algorithm.")
        var tune = false

        @Flag(help: "Calibrate the probabilities: fit a softmax temperature on held-out folds (--folds) and store it in the model. Needs at least 200 messages (exit 64 below).")
        var calibrate = false

        @Option(help: "With --calibrate: `temperature` (one softmax temperature; the answers do not change) or `bias` (an inverse temperature and one offset per label; the answers can change). Default: temperature.")
        var calibration: CalibrationMethod?

        @Option(help: "Folds for --tune and --calibrate (2-20; see --group-column).")
        var folds: Int = 3

        @Flag(help: "Stream the CSV instead of holding its messages in memory (several passes over the file; for data larger than memory). Logistic regression and SVMs then use SGD.")
        var streaming = false

        @Option(help: "Messages shuffled together in --streaming mode.")
        var shuffleBuffer: Int = 4096

        @Flag(help: "Write a naive Bayes count model of this shard of the data for `criba merge` (nb or cnb, integer counts, every feature kept; a label may have one example).")
        var countsOnly = false

        @Option(help: "Memory the training may use, as a number of bytes with an optional K, M, G or T suffix (powers of 1024), e.g. 2G. Features that would not fit are read from the file in passes instead of held (said on standard error; the model then differs from the in-memory one), and a model table that would not fit is refused. Default: a quarter of the physical memory.")
        var memory: MemorySize?

        @Flag(help: "No progress or summary on standard error (warnings and errors still).")
        var quiet = false

        func validate() throws {
            if !(2...20).contains(folds) { throw ValidationError("--folds must be between 2 and 20") }
            try validateOutput(output, option: "-o", inputs: [data])
            if shuffleBuffer < 1 { throw ValidationError("--shuffle-buffer must be at least 1") }
            if streaming && tune { throw ValidationError("--streaming and --tune cannot be combined") }
            if tune && training.algorithm != nil {
                throw ValidationError("--tune chooses the algorithm by cross-validation; leave out --algorithm")
            }
            try training.validateGroupColumn(labelColumn: csv.labelColumnOrDefault)
            if calibration != nil && !calibrate { throw ValidationError("--calibration needs --calibrate") }
            if training.groupColumn != nil && !(calibrate || tune) {
                throw ValidationError("--group-column chooses the cross-validation folds; it needs --calibrate or --tune")
            }
            if calibrate && (streaming || tune || countsOnly) {
                throw ValidationError("--calibrate cannot be combined with --streaming, --tune or --counts-only")
            }
            if countsOnly {
                if tune || streaming { throw ValidationError("--counts-only cannot be combined with --tune or --streaming") }
                if let a = training.algorithm, !a.isCountBased {
                    throw ValidationError("--counts-only writes a naive Bayes count model; use --algorithm nb or cnb")
                }
                if training.minCount != 1 {
                    throw ValidationError("--counts-only keeps every feature so that shards add up exactly; leave --min-count at 1")
                }
            }
            if streaming && data == "-" { throw ValidationError("--streaming reads the file several times; give a file, not standard input") }
        }

        func run() throws {
            try reportingErrors {
                let o = try training.options(defaultAlgorithm: countsOnly ? .naiveBayes : .linearSVM)
                let progress = ProgressDisplay(command: "train", quiet: quiet)
                let start = Date()
                if streaming && o.solver == .lbfgs {
                    printError("criba: warning: --streaming trains with SGD (one pass cannot hold the data for L-BFGS); --solver lbfgs is ignored")
                }
                let model: Model
                do {
                    defer { progress.end() }
                    model = try trainModel(options: o, progress: progress)
                } catch let e as ModelSizeError {
                    throw TrainingError(
                        message: "the model would need a table of \(e.features) features × \(e.labels) labels (about \(MemoryBudget.describe(e.bytes))), more than the memory budget of \(MemoryBudget.describe(e.budget)); lower --bucket-bits (now \(e.bucketBits)), raise --min-count, train with fewer labels, or raise --memory")
                }
                if model.facts.training.streamingFiles != nil {
                    printError("criba: note: --memory sets the memory budget (default: a quarter of the physical memory)")
                }
                let t = model.facts.training
                if t.temperatureFit == .tooFewMessages {
                    printError(
                        "criba: warning: \(rowCount(model)) messages are too few to fit a softmax temperature on held-out messages (at least \(TemperatureScaling.minimumHeldOut)); the probabilities are left uncalibrated (temperature 1) and say little")
                }
                if let from = t.temperatureCappedFrom {
                    let r = model.algorithm.temperatureRange
                    printError(
                        "criba: warning: the fitted temperature \(from) is outside the range \(r.lowerBound)–\(r.upperBound) that fits \(model.algorithm.rawValue) scores on real data; the model uses \(model.temperature) instead (see docs/calibration.md)")
                }
                if model.featureCount == 0 {
                    printError("criba: warning: no feature was kept (is --min-count \(training.minCount) too high?); the model answers every message from the label frequencies alone")
                }
                try Model.withExclusiveLock(onFile: outputPath(output)) {
                    try model.write(toFile: outputPath(output))
                }
                let seconds = Date().timeIntervalSince(start)
                progress.finish(
                    "trained \(model.algorithm.rawValue) on \(rowCount(model)) messages, \(model.labels.count) labels, \(model.featureCount) features in \(String(format: "%.2f", seconds)) s → \(output)")
            }
        }

        /// The model these arguments ask for.
        private func trainModel(options o: TrainingOptions, progress: ProgressDisplay) throws -> Model {
            let source = LabelledCSV(path: data, options: csv.options)
            let warn: (String) -> Void = { printError("criba: warning: \($0)") }
            var trainer = Trainer(options: o)
            trainer.onProgress = { progress.show($0) }
            trainer.memoryBudget = memory?.bytes ?? MemoryBudget.default
            if countsOnly {
                return try trainer.trainCounts(on: source, warn: warn)
            } else if streaming {
                return try trainer.trainStreaming(on: source, bufferSize: shuffleBuffer, warn: warn)
            } else if tune {
                trainer.progress = { progress.finish($0) }
                let model = try trainer.tune(on: source, folds: folds, groupColumn: training.groupColumn, warn: warn).model
                progress.finish("chosen: \(model.facts.tuning?.winner ?? "?")")
                return model
            } else if calibrate {
                let model = try trainer.trainCalibrated(
                    on: source, folds: folds, method: calibration ?? .temperature, groupColumn: training.groupColumn, warn: warn)
                let info = model.facts.calibration
                let grouped = info?.groupColumn.map {
                    ", folds grouped by `\($0)` (\(info?.groups.map(String.init) ?? "?") groups)"
                } ?? ""
                let loss = "held-out log loss \(fixed6(info?.logLossBefore)) → \(fixed6(info?.logLossAfter))"
                if calibration == .bias {
                    progress.finish(
                        "calibrated: temperature \(model.temperature) and per-label offsets, \(loss), accuracy \(fixed6(info?.accuracyBefore)) → \(fixed6(info?.accuracyAfter))\(grouped)")
                } else {
                    progress.finish("calibrated: temperature \(model.temperature), \(loss)\(grouped)")
                }
                return model
            } else {
                return try trainer.train(on: source, warn: warn)
            }
        }
    }
}

/// A number of bytes given as `2G`, `512M`, `64K`, `1.5G` or a plain number (powers of 1024;
/// a trailing `B` or `iB` is allowed).
struct MemorySize: ExpressibleByArgument {
    var bytes: Int

    init?(argument: String) {
        var text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        if text.hasSuffix("IB") { text.removeLast(2) } else if text.hasSuffix("B") { text.removeLast() }
        var scale = 1.0
        if let last = text.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last)] {
            scale = pow(1024, Double(power))
            text.removeLast()
        }
        guard let value = Double(text), value.isFinite, value > 0, value * scale < 9e18, value * scale >= 1 else { return nil }
        bytes = Int(value * scale)
    }
}
