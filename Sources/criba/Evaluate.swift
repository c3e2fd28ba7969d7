import ArgumentParser
import Criba
import Foundation

/// Options shared by commands that load a model.
struct ModelArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "Model file. Default: the shipped default model (or $CRIBA_MODEL).")
    var model: String?

    func load() throws -> Model {
        try Model(contentsOfFile: model ?? DefaultModel.path())
    }
}

extension CribaCLI {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure a model on labelled data: accuracy, F1 per label, confusion matrix.",
            discussion: """
                Examples:
                  criba evaluate --model model.criba test.csv
                  criba evaluate --model model.criba test.csv --json
                """)

        @OptionGroup var modelArguments: ModelArguments

        @Argument(help: "Labelled CSV file (`-` for standard input).")
        var data: String

        @OptionGroup var csv: CSVArguments

        @Flag(help: "Print one JSON object instead of tables.")
        var json = false

        func run() throws {
            try reportingErrors {
                let classifier = Classifier(model: try modelArguments.load())
                var e = Evaluation(labels: classifier.labels)
                try LabelledCSV(path: data, options: csv.options).forEach(warn: { printError("criba: warning: \($0)") }) {
                    text, label, _ in classifier.record(text, truth: label, into: &e)
                }
                if e.count == 0 { throw DataError(file: data, line: 0, message: "no labelled rows to evaluate") }
                let out = OutputBuffer()
                out.append(json ? EvaluationReport.json(e) : EvaluationReport.text(e))
                try out.flush()
            }
        }
    }
}

/// Renderings of an ``Evaluation``.
enum EvaluationReport {
    static func json(_ e: Evaluation) -> String {
        var s = "{"
        s += "\"n\":\(e.count),"
        s += "\"accuracy\":\(jsonNumber(e.accuracy)),"
        s += "\"macro_f1\":\(jsonNumber(e.macroF1)),"
        s += "\"weighted_f1\":\(jsonNumber(e.weightedF1)),"
        s += "\"log_loss\":\(jsonNumber(e.logLoss)),"
        s += "\"ece\":\(jsonNumber(e.expectedCalibrationError())),"
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

    static func text(_ e: Evaluation) -> String {
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let n = s.count
            if n >= w { return s }
            return right ? String(repeating: " ", count: w - n) + s : s + String(repeating: " ", count: w - n)
        }
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        let width = max(12, (e.labels.map { $0.count }.max() ?? 0) + 2)
        var s = "messages  \(e.count)\naccuracy  \(f(e.accuracy))\nmacro F1  \(f(e.macroF1))\nweighted F1  \(f(e.weightedF1))\n"
        if e.logLossCount > 0 { s += "log loss  \(f(e.logLoss))\n" }
        s += "\n" + pad("label", width) + pad("precision", 11, right: true) + pad("recall", 9, right: true)
            + pad("F1", 8, right: true) + pad("support", 9, right: true) + "\n"
        for m in e.perClass {
            s += pad(m.label, width) + pad(f(m.precision), 11, right: true) + pad(f(m.recall), 9, right: true)
                + pad(f(m.f1), 8, right: true) + pad("\(m.support)", 9, right: true) + "\n"
        }
        s += "\nconfusion (rows = true, columns = predicted)\n"
        let short = e.labels.map { String($0.prefix(6)) }
        s += pad("", width) + short.map { pad($0, 7, right: true) }.joined() + "\n"
        for (i, row) in e.confusion.enumerated() where row.reduce(0, +) > 0 || e.confusion.contains(where: { $0[i] > 0 }) {
            s += pad(e.labels[i], width) + row.map { pad("\($0)", 7, right: true) }.joined() + "\n"
        }
        return s
    }
}
