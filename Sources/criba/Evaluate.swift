import ArgumentParser
import Criba
import Foundation

/// `model`, unless it is a count shard holding one label (which only `merge` takes).
func refusingShards(_ model: Model, path: String) throws -> Model {
    guard model.labels.count >= 2 else {
        throw TrainingError(
            message: "\(path): a count shard with one label (`\(model.labels[0])`), not a model that can classify; merge it with shards holding the other labels (criba merge)")
    }
    return model
}

/// Options shared by commands that load a model.
struct ModelArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "Model file. Default: the shipped default model (or $CRIBA_MODEL).")
    var model: String?

    func load() throws -> Model {
        let path = try model ?? DefaultModel.path()
        return try refusingShards(try Model(contentsOfFile: path), path: path)
    }

    /// The model file that ``load()`` reads, if there is one (for refusing outputs that would
    /// replace it).
    var inputPath: String? {
        model ?? (try? DefaultModel.path())
    }
}

extension CribaCLI {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Measure a model on labelled data: accuracy, F1 per label, confusion, calibration, coverage.",
            discussion: """
                Reports accuracy, per-label precision/recall/F1/support, macro and weighted \
                averages, the confusion matrix, log loss, expected calibration error (ECE; for a \
                calibrated model also at temperature 1), the coverage/accuracy trade-off (share of \
                messages answered and accuracy on them when answering only at or above each \
                threshold), and ROC-AUC and PR-AUC for two-label models (positive: --positive-label, \
                else `spam` when it is one of the two, else the label with fewer examples). With \
                more than 12 labels the text report lists the 20 largest confusions instead of \
                the matrix (--full-matrix prints the matrix with numbered columns). With --folds, no model is needed: stratified k-fold \
                cross-validation trains on the CSV itself and reports the pooled out-of-fold \
                results (--group-column keeps rows with the same value in that column in one \
                fold). --target-accuracy suggests the smallest threshold (0.001 steps) whose \
                answers reach that accuracy on the evaluated messages (held out with --folds); \
                for a model trained with --calibrate and a target of 0.90, 0.95, 0.97 or 0.99 it \
                uses the threshold the model stores (chosen on held-out folds) and measures it.

                Examples:
                  criba evaluate --model model.criba test.csv
                  criba evaluate --model model.criba test.csv --json
                  criba evaluate --model model.criba test.csv --target-accuracy 0.95
                  criba evaluate --folds 5 messages.csv --report report.html
                  criba evaluate --folds 5 --group-column business messages.csv
                """)

        @OptionGroup var modelArguments: ModelArguments

        @Argument(help: "Labelled CSV file (`-` for standard input).")
        var data: String

        @OptionGroup var csv: CSVArguments

        @Flag(help: "Print one JSON object instead of tables.")
        var json = false

        @Option(help: "Cross-validate instead of loading a model: train on K-1 folds of the CSV, classify the fold left out, K times (2-20). Default: off.")
        var folds: Int?

        @OptionGroup(title: "Training options (with --folds)") var training: TrainingArguments

        @Option(help: "Suggest the smallest threshold whose answers reach this accuracy (0-1), with its coverage.")
        var targetAccuracy: Double?

        @Option(help: "Also write a self-contained HTML report (charts and the most confident mistakes) to this file.")
        var report: String?

        @Option(help: "For two-label models: the label ROC-AUC, PR-AUC and the curves treat as positive. Default: `spam` when it is one of the two labels, else the label with fewer examples.")
        var positiveLabel: String?

        @Flag(help: "Print the whole confusion matrix even with more than 12 labels (columns numbered, labels listed on the rows).")
        var fullMatrix = false

        @OptionGroup var threads: ThreadsArgument

        @Flag(help: "No progress on standard error.")
        var quiet = false

        func validate() throws {
            if let k = folds {
                if !(2...20).contains(k) { throw ValidationError("--folds must be between 2 and 20") }
                if modelArguments.model != nil { throw ValidationError("--folds trains its own models; leave out --model") }
                try training.validateGroupColumn(labelColumn: csv.labelColumnOrDefault)
            } else if training.groupColumn != nil {
                throw ValidationError("--group-column chooses the cross-validation folds; it needs --folds")
            }
            if let a = targetAccuracy, !(0...1).contains(a) { throw ValidationError("--target-accuracy must be between 0 and 1") }
            if let report { try validateOutput(report, option: "--report", inputs: [data, modelArguments.inputPath]) }
            try validateModelIsNotStandardInput(modelArguments.model, messagesOnStandardInput: data == "-")
        }

        func run() throws {
            try reportingErrors {
                let warn: (String) -> Void = { printError("criba: warning: \($0)") }
                let keep = report == nil ? 0 : 12
                let progress = ProgressDisplay(command: "evaluate", quiet: quiet)
                var e: Evaluation
                var uncalibrated: Evaluation?
                var heldOutThreshold: ((Double) -> Float?)? = nil
                let source: String
                if let k = folds {
                    let o = try training.options(defaultAlgorithm: .linearSVM)
                    var trainer = Trainer(options: o)
                    trainer.onProgress = { progress.show($0) }
                    e = try trainer.crossValidate(
                        on: LabelledCSV(path: data, options: csv.options), folds: k, keepMistakes: keep, groupColumn: training.groupColumn,
                        warn: warn)
                    progress.end()
                    let grouped = training.groupColumn.map { ", folds grouped by `\($0)`" } ?? ""
                    source = "\(k)-fold cross-validation of \(o.algorithm.rawValue) (seed \(o.seed)\(grouped)) on \(data)"
                } else {
                    let path = try modelArguments.model ?? DefaultModel.path()
                    if modelArguments.model == nil { printError("criba: no --model given: evaluating the shipped default model \(path)") }
                    let model = try Model(contentsOfFile: path)
                    let classifier = Classifier(model: model)
                    let plain = model.temperature == 1 ? nil : Classifier(model: model.withTemperature(1))
                    e = Evaluation(labels: classifier.labels)
                    e.mistakeLimit = keep
                    if let wanted = positiveLabel {
                        guard model.labels.count == 2 else {
                            throw ValidationError("--positive-label applies to two-label models; this one has \(model.labels.count) labels")
                        }
                        guard model.labels.contains(wanted) else {
                            throw ValidationError("--positive-label `\(wanted)` is not a label of the model (labels: `\(model.labels[0])`, `\(model.labels[1])`)")
                        }
                    }
                    var u = Evaluation(labels: classifier.labels)
                    // Messages are classified in batches on --threads threads, then recorded
                    // in file order (the same report for any number of threads).
                    let threads = self.threads.count
                    var batch: [(text: String, label: String)] = []
                    func recordBatch() {
                        let texts = batch.map(\.text)
                        let predictions = classifyAll(texts, with: classifier, threads: threads)
                        let plainPredictions = plain.map { classifyAll(texts, with: $0, threads: threads) }
                        for (k, x) in batch.enumerated() {
                            classifier.record(predictions[k] ?? classifier.classify(x.text), of: x.text, truth: x.label, into: &e)
                            if let plain {
                                plain.record(plainPredictions?[k] ?? plain.classify(x.text), of: x.text, truth: x.label, into: &u)
                            }
                        }
                        batch.removeAll(keepingCapacity: true)
                    }
                    let remembered = model.facts.training
                    var reading = ReadingProgress(progress, path: data)
                    try csv.explainingColumns(takenFrom: remembered, model: path) {
                        let source = LabelledCSV(path: data, options: csv.options(remembering: remembered))
                        try source.forEach(warn: warn) { text, label, _ in
                            batch.append((text, label))
                            if batch.count == LineBatch.size { recordBatch() }
                            reading.row(bytesRead: source.bytesRead)
                        }
                    }
                    progress.end()
                    recordBatch()
                    if plain != nil { uncalibrated = u }
                    let known = Set(model.labels)
                    let unknown = e.labels.indices.filter { !known.contains(e.labels[$0]) && e.confusion[$0].reduce(0, +) > 0 }
                    if !unknown.isEmpty {
                        let rows = unknown.reduce(0) { $0 + e.confusion[$1].reduce(0, +) }
                        let names = unknown.prefix(10).map { "`\(e.labels[$0])`" }.joined(separator: ", ")
                        let more = unknown.count > 10 ? " and \(unknown.count - 10) more" : ""
                        warn(
                            "\(data): \(rows) row(s) have labels the model does not know (\(names)\(more)); they count as mistakes in accuracy and F1 and are left out of the log loss")
                    }
                    heldOutThreshold = { target in
                        // Only the exact targets the model stores (0.946 is not 0.95).
                        guard Trainer.heldOutTargets.contains(target) else { return nil }
                        return model.facts.calibration?.threshold(forTarget: target)?.threshold
                    }
                    source = "model \(path) (temperature \(model.temperature)) on \(data)"
                }
                if e.count == 0 { throw DataError(file: data, line: 0, message: "no labelled rows to evaluate") }
                if let wanted = positiveLabel {
                    if e.binaryScores.isEmpty {
                        throw ValidationError("--positive-label applies to two-label evaluations; this one has \(e.labels.count) labels")
                    }
                    guard e.binaryLabels.0 == wanted || e.binaryLabels.1 == wanted else {
                        throw ValidationError("--positive-label `\(wanted)` is not one of the two labels (`\(e.binaryLabels.0)`, `\(e.binaryLabels.1)`)")
                    }
                    e.requestedPositiveLabel = wanted
                }
                var suggestion: ThresholdSuggestion? = targetAccuracy.map { ($0, e.suggestThreshold(targetAccuracy: $0), false) }
                // A calibrated model carries thresholds chosen on held-out folds of its training data:
                // prefer those, and measure them on the evaluated messages.
                if let target = targetAccuracy, let stored = heldOutThreshold, let t = stored(target) {
                    suggestion = (target, e.point(at: t), true)
                }
                let out = OutputBuffer()
                out.append(
                    json
                        ? EvaluationReport.json(e, uncalibrated: uncalibrated, suggestion: suggestion)
                        : EvaluationReport.text(e, uncalibrated: uncalibrated, suggestion: suggestion, fullMatrix: fullMatrix))
                // The text (or JSON) first: a report sent to standard output follows it instead
                // of landing in front of it.
                try out.flush()
                if let report {
                    let html = HTMLReport.render(e, source: source, uncalibrated: uncalibrated, suggestion: suggestion)
                    try writeFileAtomically(Array(html.utf8), to: outputPath(report))
                    printError("criba: report written to \(report)")
                }
            }
        }
    }
}

/// Renderings of an ``Evaluation``.
enum EvaluationReport {
    static func json(_ e: Evaluation, uncalibrated: Evaluation? = nil, suggestion: ThresholdSuggestion? = nil) -> String {
        var s = "{"
        s += "\"n\":\(e.count),"
        s += "\"accuracy\":\(jsonNumber(e.accuracy)),"
        s += "\"macro_f1\":\(jsonNumber(e.macroF1)),"
        s += "\"weighted_f1\":\(jsonNumber(e.weightedF1)),"
        let avg = e.averages
        s += "\"averages\":{\"macro\":{\"precision\":\(jsonNumber(avg.macro.precision)),\"recall\":\(jsonNumber(avg.macro.recall)),\"f1\":\(jsonNumber(avg.macro.f1))},"
        s += "\"weighted\":{\"precision\":\(jsonNumber(avg.weighted.precision)),\"recall\":\(jsonNumber(avg.weighted.recall)),\"f1\":\(jsonNumber(avg.weighted.f1))}},"
        s += "\"log_loss\":\(jsonNumber(e.logLoss)),"
        s += "\"ece\":\(jsonNumber(e.expectedCalibrationError())),"
        s += "\"ece_reliable\":\(e.count >= EvaluationReport.minimumForECE),"
        if let u = uncalibrated {
            s += "\"uncalibrated\":{\"log_loss\":\(jsonNumber(u.logLoss)),\"ece\":\(jsonNumber(u.expectedCalibrationError()))},"
        }
        if let positive = e.positiveLabel {
            s += "\"positive_label\":\(jsonString(positive)),"
            s += "\"roc_auc\":\(jsonNumber(e.rocAUC ?? .nan)),\"pr_auc\":\(jsonNumber(e.averagePrecision ?? .nan)),"
        }
        s += "\"coverage\":[" + e.coverage().map(coverageJSON).joined(separator: ",") + "],"
        if let (target, point, heldOut) = suggestion {
            s += "\"target\":{\"accuracy\":\(jsonNumber(target)),\"chosen_on\":\(heldOut ? "\"held_out_folds\"" : "\"evaluated_data\""),\"suggested\":" + (point.map(coverageJSON) ?? "null") + "},"
        }
        s += "\"per_class\":{"
        s += e.perClass.map { m in
            "\(jsonString(m.label)):{\"precision\":\(jsonNumber(m.precision)),\"recall\":\(jsonNumber(m.recall)),\"f1\":\(jsonNumber(m.f1)),\"support\":\(m.support)}"
        }.joined(separator: ",")
        s += "},"
        s += "\"confusion\":{\"labels\":[" + e.labels.map(jsonString).joined(separator: ",") + "],\"matrix\":["
        s += e.confusion.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",")
        s += "]}}\n"
        return s
    }

    static func coverageJSON(_ c: CoveragePoint) -> String {
        "{\"threshold\":\(jsonNumber(Double(c.threshold))),\"coverage\":\(jsonNumber(c.coverage)),\"accuracy\":\(jsonNumber(c.accuracy)),\"answered\":\(c.answered)}"
    }

    /// Messages below which a 15-bin ECE says little (fewer than 20 per bin on average).
    static let minimumForECE = 300

    /// Labels above which the text report lists the largest confusions instead of the matrix.
    static let matrixLabelLimit = 12

    static func text(
        _ e: Evaluation, uncalibrated: Evaluation? = nil, suggestion: ThresholdSuggestion? = nil, fullMatrix: Bool = false
    ) -> String {
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let n = s.count
            if n >= w { return s }
            return right ? String(repeating: " ", count: w - n) + s : s + String(repeating: " ", count: w - n)
        }
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        let width = max(12, (e.labels.map { $0.count }.max() ?? 0) + 2)
        var s = "messages  \(e.count)\naccuracy  \(f(e.accuracy))\nmacro F1  \(f(e.macroF1))\nweighted F1  \(f(e.weightedF1))\n"
        if e.logLossCount > 0 {
            s += "log loss  \(f(e.logLoss))" + (uncalibrated.map { "  (temperature 1: \(f($0.logLoss)))" } ?? "") + "\n"
        }
        s += "ECE  \(f(e.expectedCalibrationError()))" + (uncalibrated.map { "  (temperature 1: \(f($0.expectedCalibrationError())))" } ?? "")
            + "  (15 bins)\n"
        if e.count < minimumForECE {
            s += "  note: \(e.count) messages are too few for 15 ECE bins (fewer than \(minimumForECE)): a rough sign only\n"
        }
        if let positive = e.positiveLabel {
            s += "ROC-AUC  \(e.rocAUC.map(f) ?? "n/a")  PR-AUC  \(e.averagePrecision.map(f) ?? "n/a")  (positive label: \(positive))\n"
        }
        s += "\n" + pad("label", width) + pad("precision", 11, right: true) + pad("recall", 9, right: true)
            + pad("F1", 8, right: true) + pad("support", 9, right: true) + "\n"
        for m in e.perClass {
            s += pad(m.label, width) + pad(f(m.precision), 11, right: true) + pad(f(m.recall), 9, right: true)
                + pad(f(m.f1), 8, right: true) + pad("\(m.support)", 9, right: true) + "\n"
        }
        let avg = e.averages
        s += pad("macro avg", width) + pad(f(avg.macro.precision), 11, right: true) + pad(f(avg.macro.recall), 9, right: true)
            + pad(f(avg.macro.f1), 8, right: true) + pad("\(e.count)", 9, right: true) + "\n"
        s += pad("weighted avg", width) + pad(f(avg.weighted.precision), 11, right: true) + pad(f(avg.weighted.recall), 9, right: true)
            + pad(f(avg.weighted.f1), 8, right: true) + pad("\(e.count)", 9, right: true) + "\n"
        s += confusionText(e, fullMatrix: fullMatrix, width: width)
        s += "\ncoverage (answer only when the top probability is at least the threshold)\n"
        s += pad("threshold", 11) + pad("answered", 10, right: true) + pad("accuracy", 10, right: true) + "\n"
        for c in e.coverage() {
            s += pad(String(format: "%.2f", c.threshold), 11) + pad(String(format: "%.1f%%", c.coverage * 100), 10, right: true)
                + pad(c.accuracy.isNaN ? "-" : f(c.accuracy), 10, right: true) + "\n"
        }
        if let (target, point, heldOut) = suggestion {
            if let p = point {
                s += "\ntarget accuracy \(f(target)): threshold \(String(format: "%.3f", p.threshold)) (\(heldOut ? "chosen on held-out folds of the training data" : "chosen on these messages")) answers \(p.answered) of \(e.confidences.count) (coverage \(String(format: "%.1f%%", p.coverage * 100))) with accuracy \(f(p.accuracy)) on these messages\n"
            } else {
                s += "\ntarget accuracy \(f(target)): no threshold reaches it on these messages\n"
            }
        }
        return s
    }

    /// The confusion matrix for up to ``matrixLabelLimit`` labels (or with `fullMatrix`), else
    /// the 20 largest confusions.
    static func confusionText(_ e: Evaluation, fullMatrix: Bool, width: Int) -> String {
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let n = s.count
            if n >= w { return s }
            return right ? String(repeating: " ", count: w - n) + s : s + String(repeating: " ", count: w - n)
        }
        let shown = e.labels.indices.filter { i in e.confusion[i].reduce(0, +) > 0 || e.confusion.contains(where: { $0[i] > 0 }) }
        if shown.count > matrixLabelLimit && !fullMatrix {
            let top = e.topConfusions(limit: 20)
            var s = "\nlargest confusions (\(shown.count) labels: --full-matrix prints the whole matrix)\n"
            if top.isEmpty { return s + "none\n" }
            let w = max(10, top.map { $0.truth.count }.max() ?? 0) + 2
            let w2 = max(10, top.map { $0.predicted.count }.max() ?? 0) + 2
            s += pad("true", w) + pad("predicted as", w2) + pad("messages", 10, right: true) + pad("of true", 9, right: true) + "\n"
            for c in top {
                s += pad(c.truth, w) + pad(c.predicted, w2) + pad("\(c.count)", 10, right: true)
                    + pad(String(format: "%.1f%%", c.shareOfTruth * 100), 9, right: true) + "\n"
            }
            return s
        }
        var s = "\nconfusion (rows = true, columns = predicted)\n"
        let short = e.labels.map { String($0.prefix(6)) }
        // Six-letter column heads while they tell the labels apart; numbers otherwise.
        let numbered = Set(shown.map { short[$0] }).count < shown.count
        if numbered {
            let rowWidth = width + 5
            s += pad("", rowWidth) + shown.indices.map { pad("\($0 + 1)", 7, right: true) }.joined() + "\n"
            for (r, i) in shown.enumerated() {
                s += pad(pad("\(r + 1)", 3, right: true) + "  " + e.labels[i], rowWidth) + shown.map { pad("\(e.confusion[i][$0])", 7, right: true) }.joined() + "\n"
            }
            return s
        }
        s += pad("", width) + shown.map { pad(short[$0], 7, right: true) }.joined() + "\n"
        for i in shown {
            s += pad(e.labels[i], width) + shown.map { pad("\(e.confusion[i][$0])", 7, right: true) }.joined() + "\n"
        }
        return s
    }
}

/// A target accuracy, the threshold suggested for it with its coverage and accuracy on the
/// evaluated messages, and whether the threshold was chosen on held-out folds of the training
/// data (true) or on the evaluated messages themselves (false).
typealias ThresholdSuggestion = (target: Double, point: CoveragePoint?, heldOut: Bool)
