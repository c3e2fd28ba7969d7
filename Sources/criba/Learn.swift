import ArgumentParser
import Criba
import Foundation

/// The corrected messages and the model that `learn` and `unlearn` update.
struct CorrectionArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "The model to update (in place unless --output is given).")
    var model: String

    @Option(help: "Label of every message read from standard input, one message per line. Without it, DATA is a labelled CSV.")
    var label: String?

    @Argument(help: "Labelled CSV file (`-` for standard input); not used with --label.")
    var data: String?

    @OptionGroup var csv: CSVArguments

    @Option(name: .shortAndLong, help: "Write the updated model here instead of replacing --model.")
    var output: String?

    /// Each repetition is one more pass over the corrections in memory.
    static let maxTimes = 1000

    @Option(help: "Count every message this many times, 1-1000 (unlearn with the same value).")
    var times: Int = 1

    @Flag(help: "No progress or summary on standard error.")
    var quiet = false

    func validate() throws {
        // With --label the messages come on standard input.
        if let output { try validateOutput(output, option: "-o", inputs: [data ?? "-"]) }
        try validateModelIsNotStandardInput(model, messagesOnStandardInput: label != nil || data == "-")
        if !(1...Self.maxTimes).contains(times) { throw ValidationError("--times must be between 1 and \(Self.maxTimes)") }
        if label == nil && data == nil {
            throw ValidationError("give --label LABEL (messages on standard input) or a labelled CSV file")
        }
        if label != nil && data != nil {
            throw ValidationError("--label reads messages from standard input; do not also give a CSV file")
        }
        if let l = label {
            if l.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--label must not be empty") }
            if let problem = Model.labelProblem(l) { throw ValidationError("--label: \(problem)") }
        }
    }

    /// The messages with their source name and line numbers; a CSV is read with the columns
    /// `remembered` (the model's training facts) names where the flags are not given.
    func corrections(remembering remembered: TrainingFacts, progress: ProgressDisplay) throws -> (examples: [Example], source: String, lines: [Int]) {
        var examples: [Example] = []
        var lines: [Int] = []
        if let label {
            var n = 0
            try readLines(fd: 0, maxLineBytes: csv.maxLineBytes) { line in
                n += 1
                let text = String(decoding: line, as: UTF8.self)
                if text.trimmingCharacters(in: .whitespaces).isEmpty { return }
                examples.append(Example(text: text, label: label))
                lines.append(n)
            } beforeWaiting: {}
            return (examples, "-", lines)
        }
        let path = data!
        var reading = ReadingProgress(progress, path: path)
        try csv.explainingColumns(takenFrom: remembered, model: model) {
            let source = LabelledCSV(path: path, options: csv.options(remembering: remembered))
            try source.forEach(warn: { printError("criba: warning: \($0)") }) { text, label, line in
                examples.append(Example(text: text, label: label))
                lines.append(line)
                reading.row(bytesRead: source.bytesRead)
            }
        }
        return (examples, path, lines)
    }

    /// Loads the model, applies `update`, writes the result atomically and reports. The model
    /// is loaded first to refuse a wrong one before the corrections are read, then read again
    /// under an exclusive lock on the file written, where the update and the write happen, so
    /// concurrent corrections of one model all land.
    func update(verb: String, _ body: (Model, [Example], String, [Int]) throws -> Model) throws {
        let target = output ?? model
        let loaded = try refusingShards(try Model(contentsOfFile: model), path: model)
        let progress = ProgressDisplay(command: verb == "learned" ? "learn" : "unlearn", quiet: quiet)
        defer { progress.end() }
        let (once, source, linesOnce) = try corrections(remembering: loaded.facts.training, progress: progress)
        progress.show("updating the model with \(once.count * times) message(s)")
        if once.isEmpty {
            throw DataError(file: source, line: 0, message: "no messages to \(verb == "learned" ? "learn" : "unlearn"); the model was left as it was")
        }
        let examples = Array((0..<times).map { _ in once }.joined())
        let lines = Array((0..<times).map { _ in linesOnce }.joined())
        let after: Model = try Model.withExclusiveLock(onFile: outputPath(target)) {
            let before = try refusingShards(try Model(contentsOfFile: model), path: model)
            let after: Model
            do {
                after = try body(before, examples, source, lines)
            } catch let e as TrainingError {
                throw TrainingError(message: "\(model): \(e.message)")
            }
            try after.write(toFile: outputPath(target))
            return after
        }
        progress.end()
        if !quiet {
            printError(
                "\(verb) \(examples.count) message(s) (\(after.algorithm.rawValue)): \(after.labels.count) labels, \(after.featureCount) features, \(rowCount(after)) rows → \(target)")
        }
    }
}

extension CribaCLI {
    struct Learn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "learn",
            abstract: "Update a model with corrected messages.",
            discussion: """
                Naive Bayes models (nb, cnb) add the messages' counts, exactly as if they had been \
                in the training data; new words and new labels are added. Logistic-regression \
                and SVM models (lr, nblr, svm, nbsvm) warm-start: a few SGD passes over the \
                corrected messages from the current weights, on the features the model already \
                knows (new words are ignored, labels must exist). The model file is replaced \
                atomically.

                Examples:
                  echo 'a cómo el kilo de queso?' | criba learn --model nb.criba --label precio
                  criba learn --model nb.criba corrections.csv
                  criba learn --model nb.criba corrections.csv --times 2
                  criba learn --model default.criba corrections.csv -o tuned.criba
                """)

        @OptionGroup var arguments: CorrectionArguments

        @Option(help: "Warm start (lr/nblr/svm/nbsvm): passes over the corrected messages.")
        var epochs: Int = 10

        @Option(help: "Warm start (lr/nblr/svm/nbsvm): initial learning rate, decaying to 0 (scaled by 0.1/0.8 for svm/nbsvm).")
        var learningRate: Double = 0.3

        @Option(help: "Warm start (lr/nblr/svm/nbsvm): seed for the order of the messages.")
        var seed: UInt64 = 1

        func validate() throws {
            if !(1...TrainingOptions.largestEpochs).contains(epochs) {
                throw ValidationError("--epochs must be between 1 and \(TrainingOptions.largestEpochs)")
            }
            if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a positive number") }
        }

        func run() throws {
            try reportingErrors {
                let warm = WarmStartOptions(epochs: epochs, learningRate: learningRate, seed: seed)
                try arguments.update(verb: "learned") { model, examples, source, lines in
                    try model.learning(examples, source: source, lines: lines, warmStart: warm)
                }
            }
        }
    }

    struct Unlearn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlearn",
            abstract: "Remove messages a naive Bayes model learned before.",
            discussion: """
                Subtracts the messages' counts from a naive Bayes model (nb, cnb); features and \
                labels whose counts return to zero are removed, so `learn` then `unlearn` of the \
                same messages gives back the same file. Each message must have been added with \
                `criba learn` with that label (the model records a digest of what it learns); \
                --training-messages allows messages it was trained on, refusing only counts that \
                would go below zero. Refused for logistic-regression models, which keep no \
                counts. Errors name the line. The model file is replaced atomically.

                Examples:
                  echo 'a cómo el kilo de queso?' | criba unlearn --model nb.criba --label precio
                  criba unlearn --model nb.criba corrections.csv
                """)

        @OptionGroup var arguments: CorrectionArguments

        @Flag(help: "Also unlearn messages the model was trained on (not added with `criba learn`); only counts going below zero are then refused.")
        var trainingMessages = false

        func run() throws {
            try reportingErrors {
                try arguments.update(verb: "unlearned") { model, examples, source, lines in
                    try model.unlearning(examples, source: source, lines: lines, trainingMessages: trainingMessages)
                }
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Add up naive Bayes count models trained on shards of a data set.",
            discussion: """
                Labels and features are unioned and counts added; the result is exactly the \
                model `criba train` writes for the union of the shards with the same options \
                (train the shards with --counts-only).

                Examples:
                  criba train part-1.csv --counts-only -o part-1.criba
                  criba train part-2.csv --counts-only -o part-2.criba
                  criba merge part-1.criba part-2.criba -o all.criba
                """)

        @Argument(help: "Naive Bayes models with counts (two or more).")
        var models: [String]

        @Option(name: .shortAndLong, help: "Where to write the merged model.")
        var output: String

        @Flag(help: "No progress or summary on standard error.")
        var quiet = false

        func validate() throws {
            if models.count < 2 { throw ValidationError("give at least two models to merge") }
            try validateOutput(output, option: "-o", inputs: models)
            try validateDistinctModels(models)
        }

        func run() throws {
            try reportingErrors {
                let progress = ProgressDisplay(command: "merge", quiet: quiet)
                defer { progress.end() }
                let loaded = try models.enumerated().map { k, path in
                    progress.show("reading model \(k + 1) of \(models.count)", fraction: Double(k) / Double(models.count + 1))
                    return try Model(contentsOfFile: path)
                }
                progress.show("merging \(models.count) models", fraction: Double(models.count) / Double(models.count + 1))
                let merged: Model
                do {
                    merged = try Model.merging(loaded)
                } catch let e as TrainingError {
                    // Name the files rather than their positions.
                    var message = e.message
                    for (i, path) in models.enumerated().reversed() {
                        message = message.replacingOccurrences(of: "model \(i + 1)", with: path)
                    }
                    throw TrainingError(message: message)
                }
                try Model.withExclusiveLock(onFile: outputPath(output)) {
                    try merged.write(toFile: outputPath(output))
                }
                progress.end()
                if !quiet {
                    printError(
                        "merged \(models.count) models (\(merged.algorithm.rawValue)): \(merged.labels.count) labels, \(merged.featureCount) features, \(rowCount(merged)) rows → \(output)")
                }
            }
        }
    }
}

/// Refuses models given twice to `merge`, by name or as two names of one file, and two
/// files with the same bytes: their counts would be added twice.
func validateDistinctModels(_ models: [String]) throws {
    var seen: [(path: String, status: FileIdentity)] = []
    for path in models {
        guard let st = FileIdentity(path: path) else { continue }
        for (other, o) in seen {
            if o.isSameFile(as: st) {
                throw ValidationError("\(path) and \(other) are the same file; merging a model with itself would count its messages twice")
            }
            if o.isRegular && st.isRegular && o.size == st.size
                && FileManager.default.contentsEqual(atPath: path, andPath: other)
            {
                throw ValidationError("\(path) and \(other) have the same bytes; merging a model with its copy would count its messages twice")
            }
        }
        seen.append((path, st))
    }
}
