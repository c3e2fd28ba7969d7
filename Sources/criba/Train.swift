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

        @Flag(help: "Calibrate the probabilities: fit a softmax temperature on held-out folds (--folds) and store it in the model.")
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

        @Flag(help: "No progress messages on standard error.")
        var quiet = false

        func validate() throws {
            if !(2...20).contains(folds) { throw ValidationError("--folds must be between 2 and 20") }
            try validateOutput(output, option: "-o", inputs: [data])
            if shuffleBuffer < 1 { throw ValidationError("--shuffle-buffer must be at least 1") }
            if streaming && tune { throw ValidationError("--streaming and --tune cannot be combined") }
            if tune && training.algorithm != nil {
                throw ValidationError("--tune chooses the algorithm by cross-validation; leave out --algorithm")
            }
            try training.validateGroupColumn(labelColumn: csv.labelColumn)
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
                let progress = Progress(quiet: quiet)
                let start = Date()
                let source = LabelledCSV(path: data, options: csv.options)
                if streaming && o.solver == .lbfgs {
                    printError("criba: warning: --streaming trains with SGD (one pass cannot hold the data for L-BFGS); --solver lbfgs is ignored")
                }
                let model: Model
                if countsOnly {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.trainCounts(on: source) { printError("criba: warning: \($0)") }
                } else if streaming {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.trainStreaming(on: source, bufferSize: shuffleBuffer) { printError("criba: warning: \($0)") }
                } else if tune {
                    let trainer = Trainer(options: o) { progress.finish($0) }
                    model = try trainer.tune(on: source, folds: folds, groupColumn: training.groupColumn) { printError("criba: warning: \($0)") }.model
                    progress.finish("chosen: \(model.info["tune.winner"] ?? "?")")
                } else if calibrate {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.trainCalibrated(
                        on: source, folds: folds, method: calibration ?? .temperature, groupColumn: training.groupColumn
                    ) { printError("criba: warning: \($0)") }
                    let grouped = model.info["calibration.group_column"].map {
                        ", folds grouped by `\($0)` (\(model.info["calibration.groups"] ?? "?") groups)"
                    } ?? ""
                    if calibration == .bias {
                        progress.finish(
                            "calibrated: temperature \(model.temperature) and per-label offsets, held-out log loss \(model.info["calibration.log_loss_before"] ?? "?") → \(model.info["calibration.log_loss_after"] ?? "?"), accuracy \(model.info["calibration.accuracy_before"] ?? "?") → \(model.info["calibration.accuracy_after"] ?? "?")\(grouped)")
                    } else {
                        progress.finish(
                            "calibrated: temperature \(model.temperature), held-out log loss \(model.info["calibration.log_loss_before"] ?? "?") → \(model.info["calibration.log_loss_after"] ?? "?")\(grouped)")
                    }
                } else {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.train(on: source) { printError("criba: warning: \($0)") }
                }
                if model.featureCount == 0 {
                    printError("criba: warning: no feature was kept (is --min-count \(training.minCount) too high?); the model answers every message from the label frequencies alone")
                }
                try model.write(toFile: outputPath(output))
                let seconds = Date().timeIntervalSince(start)
                progress.finish(
                    "trained \(model.algorithm.rawValue) on \(model.info["rows"] ?? "?") messages, \(model.labels.count) labels, \(model.featureCount) features in \(String(format: "%.2f", seconds)) s → \(output)")
            }
        }
    }
}
