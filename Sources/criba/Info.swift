import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "info",
            abstract: "Show what a model file holds: settings, labels, training facts, calibration, tuning.",
            discussion: """
                Prints the file's format version, size and checksum; the algorithm and its \
                options; the labels with their training examples (not recorded by models \
                written by an earlier Criba); the feature space and tokenizer settings; the \
                training facts (rows, seed, regularisation, solver…); the input it was \
                trained on (text and label columns, delimiter, encoding); the calibration (method, temperature, \
                held-out log loss before and after, and the thresholds stored for accuracy \
                targets with what they reached on held-out folds); the tuning table of a model \
                trained with --tune; and any other entry the file carries. --json prints the \
                same as one object, with every metadata entry as written in the file.

                Examples:
                  criba info Models/default.criba
                  criba info --json model.criba
                """)

        @Argument(help: "Model file.")
        var model: String

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            try reportingErrors {
                let m = try Model(contentsOfFile: model)
                let summary = try Model.fileSummary(ofFile: model) ?? m.serializedSummary
                let out = OutputBuffer()
                out.append(json ? ModelInfo.json(m, path: model, summary: summary) : ModelInfo.text(m, path: model, summary: summary))
                try out.flush()
            }
        }
    }
}

/// Renderings of what a model holds.
enum ModelInfo {
    static func checksum(_ s: ModelFileSummary) -> String {
        let hex = String(s.checksum, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }

    /// Metadata entries under `prefix` (prefix removed), in key order.
    static func entries(_ m: Model, _ prefix: String) -> [(String, String)] {
        m.metadataEntries.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) }
    }

    static func text(_ m: Model, path: String, summary: ModelFileSummary) -> String {
        var s = ""
        func line(_ name: String, _ value: String) {
            s += name.padding(toLength: 14, withPad: " ", startingAt: 0) + value + "\n"
        }
        line("file", "\(path): \(summary.byteCount) bytes, format version \(summary.formatVersion), checksum \(checksum(summary))")
        line("algorithm", "\(m.algorithm.rawValue), temperature \(m.temperature)")
        let counts = m.labelExampleCounts
        line("labels", "\(m.labels.count)" + (counts == nil ? " (training examples not recorded: the model was written by an earlier Criba)" : " (training examples)"))
        for (k, label) in m.labels.enumerated() {
            s += "  " + label + (counts.map { "  " + number($0[k]) } ?? "") + "\n"
        }
        line("features", "\(m.featureCount) kept; " + entries(m, "features.").map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        line("tokenizer", entries(m, "tokenizer.").map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        let t = m.facts.training
        let training = [
            t.rows.map { "rows \($0)" }, t.seed.map { "seed \($0)" }, t.solver.map { "solver \($0.rawValue)" }, t.c.map { "C \($0)" },
            t.alpha.map { "alpha \($0)" }, t.epochs.map { "epochs \($0)" }, t.learningRate.map { "learning rate \($0)" },
            t.tolerance.map { "tolerance \($0)" }, t.maxIterations.map { "max iterations \($0)" }, t.minCount.map { "min count \($0)" },
            t.balanced.map { "balanced \($0)" }, t.streamingBuffer.map { "streamed, shuffle buffer \($0)" },
            t.streamingFiles.map { "trained in passes over \($0) shuffle files (over the memory budget)" },
            t.temperatureFit.map { fit in
                switch fit {
                case .halves: return "temperature fitted on held-out halves"
                case .training: return "temperature fitted on the training data"
                case .tooFewMessages: return "temperature not fitted (fewer than \(TemperatureScaling.minimumHeldOut) messages)"
                }
            },
            t.temperatureCappedFrom.map { "temperature capped (fitted \($0))" },
        ].compactMap { $0 }
        line("training", training.isEmpty ? "no facts recorded" : training.joined(separator: ", "))
        let input = [
            t.textColumn.map { "text column `\($0)`" }, t.labelColumn.map { "label column `\($0)`" },
            t.delimiter.map { "delimiter \($0.rawValue)" }, t.encoding.map { "encoding \($0.rawValue)" },
        ].compactMap { $0 }
        line("input", input.isEmpty ? "not recorded" : input.joined(separator: ", "))
        if !m.facts.learned.isEmpty {
            line("learned", "\(m.facts.learned.values.reduce(0, +)) message(s) added with `criba learn` and not unlearned")
        }
        if let c = m.facts.calibration {
            var parts: [String] = [c.method?.rawValue ?? "temperature"]
            if let f = c.folds { parts.append("\(f) folds" + (c.groupColumn.map { " grouped by `\($0)`" } ?? "") + (c.groups.map { " (\($0) groups)" } ?? "")) }
            if let b = c.logLossBefore, let a = c.logLossAfter { parts.append("held-out log loss \(b) → \(a)") }
            if let b = c.accuracyBefore, let a = c.accuracyAfter { parts.append("held-out accuracy \(b) → \(a)") }
            if let n = c.newtonSteps { parts.append("\(n) Newton steps" + (c.newtonConverged ? "" : " (not converged)")) }
            line("calibration", parts.joined(separator: ", "))
            for h in c.thresholds {
                s += String(
                    format: "  for accuracy %.2f: threshold %.3f (on held-out folds: coverage %.1f%%, accuracy %.4f)\n", h.target, h.threshold,
                    h.coverage * 100, h.accuracy)
            }
        } else {
            line("calibration", m.temperature == 1 ? "none" : "temperature \(m.temperature) (fitted in training)")
        }
        if let tuning = m.facts.tuning {
            var parts: [String] = []
            if let f = tuning.folds { parts.append("\(f) folds" + (tuning.groupColumn.map { " grouped by `\($0)`" } ?? "")) }
            if let metric = tuning.metric { parts.append("chosen by \(metric)") }
            if let w = tuning.winner { parts.append("winner: \(w)") }
            line("tuning", parts.joined(separator: ", "))
            for r in tuning.table ?? [] {
                s += "  " + r.candidate + String(format: "  accuracy %.4f  macro F1 %.4f", r.accuracy, r.macroF1) + "\n"
            }
        } else {
            line("tuning", "none")
        }
        let other = m.facts.unrecognized.keys.sorted()
        if !other.isEmpty {
            line("other", "")
            for k in other { s += "  \(k)=\(m.facts.unrecognized[k]!)\n" }
        }
        return s
    }

    static func json(_ m: Model, path: String, summary: ModelFileSummary) -> String {
        func obj(_ pairs: [(String, String)]) -> String { "{" + pairs.map { "\(jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}" }
        let counts = m.labelExampleCounts
        var top: [(String, String)] = [
            ("path", jsonString(path)), ("bytes", "\(summary.byteCount)"), ("format_version", "\(summary.formatVersion)"),
            ("checksum", jsonString(checksum(summary))), ("algorithm", jsonString(m.algorithm.rawValue)),
            ("temperature", jsonNumber(Double(m.temperature))), ("features", "\(m.featureCount)"),
            ("labels", "[" + m.labels.enumerated().map { k, l in obj([("label", jsonString(l)), ("examples", counts.map { jsonNumber($0[k]) } ?? "null")]) }.joined(separator: ",") + "]"),
        ]
        let t = m.facts.training
        top.append(
            (
                "input",
                obj([
                    ("text_column", t.textColumn.map(jsonString) ?? "null"), ("label_column", t.labelColumn.map(jsonString) ?? "null"),
                    ("delimiter", t.delimiter.map { jsonString($0.rawValue) } ?? "null"),
                    ("encoding", t.encoding.map { jsonString($0.rawValue) } ?? "null"),
                ])
            ))
        if let c = m.facts.calibration {
            top.append(
                (
                    "calibration",
                    obj([
                        ("method", c.method.map { jsonString($0.rawValue) } ?? "null"), ("folds", c.folds.map(String.init) ?? "null"),
                        ("group_column", c.groupColumn.map(jsonString) ?? "null"), ("groups", c.groups.map(String.init) ?? "null"),
                        ("log_loss_before", c.logLossBefore.map(jsonNumber) ?? "null"), ("log_loss_after", c.logLossAfter.map(jsonNumber) ?? "null"),
                        ("accuracy_before", c.accuracyBefore.map(jsonNumber) ?? "null"), ("accuracy_after", c.accuracyAfter.map(jsonNumber) ?? "null"),
                        (
                            "thresholds",
                            "[" + c.thresholds.map {
                                obj([("target", jsonNumber($0.target)), ("threshold", jsonNumber(Double($0.threshold))), ("coverage", jsonNumber($0.coverage)), ("accuracy", jsonNumber($0.accuracy))])
                            }.joined(separator: ",") + "]"
                        ),
                    ])
                ))
        } else {
            top.append(("calibration", "null"))
        }
        if let t = m.facts.tuning {
            top.append(
                (
                    "tuning",
                    obj([
                        ("folds", t.folds.map(String.init) ?? "null"), ("group_column", t.groupColumn.map(jsonString) ?? "null"),
                        ("metric", t.metric.map(jsonString) ?? "null"), ("winner", t.winner.map(jsonString) ?? "null"),
                        ("table", "[" + (t.table ?? []).map { obj([("candidate", jsonString($0.candidate)), ("accuracy", jsonNumber($0.accuracy)), ("macro_f1", jsonNumber($0.macroF1))]) }.joined(separator: ",") + "]"),
                    ])
                ))
        } else {
            top.append(("tuning", "null"))
        }
        top.append(("metadata", obj(m.metadataEntries.map { ($0.key, jsonString($0.value)) })))
        return obj(top) + "\n"
    }
}
