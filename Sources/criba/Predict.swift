import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict",
            abstract: "Label the rows of a CSV file: the input columns plus the prediction.",
            discussion: """
                Adds the columns `predicted_label` and `probability` to every row. The output \
                uses the input's delimiter. With -o the file is written atomically.

                Examples:
                  criba predict --model model.criba messages.csv -o labelled.csv
                  criba predict messages.csv --text-column mensaje > labelled.csv
                  criba predict messages.csv --threshold 0.8 --unsure-label revisar -o labelled.csv
                """)

        @OptionGroup var modelArguments: ModelArguments

        @Argument(help: "CSV file with a header (`-` for standard input).")
        var data: String

        @Option(name: .shortAndLong, help: "Output CSV file. Default: standard output.")
        var output: String?

        @Option(help: "Header of the column holding the message text.")
        var textColumn = "text"

        @Option(help: "Field delimiter: auto, comma, semicolon or tab.")
        var delimiter: CSVDelimiter = .auto

        @Option(help: "Text encoding: auto, utf-8 or windows-1252.")
        var encoding: CSVEncoding = .auto

        @OptionGroup var unsure: UnsureArguments

        func validate() throws {
            if let output { try validateOutput(output, option: "-o", inputs: [data, modelArguments.inputPath, unsure.labelThresholds]) }
            try validateModelIsNotStandardInput(modelArguments.model, messagesOnStandardInput: data == "-")
        }

        func run() throws {
            try reportingErrors {
                let model = try modelArguments.load()
                let classifier = Classifier(model: model, policy: try unsure.policy(labels: model.labels))
                let reader = try CSVReader(path: data, delimiter: delimiter, encoding: encoding)
                if reader.encoding == .windows1252 && encoding == .auto {
                    printError("criba: warning: \(data): not valid UTF-8; reading it as Windows-1252 (use --encoding to choose)")
                }
                let textIndex = try reader.column(named: textColumn, role: .textColumn)
                let d = reader.delimiter
                var text: [UInt8] = []
                // Quoting is decided on bytes: as `Character`s, a comma or quote followed by a
                // combining mark (U+0301, U+200D, U+FE0F) would not be found and go out bare.
                func append(field s: String) {
                    let quoted = s.utf8.contains { $0 == d || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                    if !quoted {
                        text.append(contentsOf: s.utf8)
                        return
                    }
                    text.append(0x22)
                    for b in s.utf8 {
                        if b == 0x22 { text.append(0x22) }
                        text.append(b)
                    }
                    text.append(0x22)
                }
                func emit(_ fields: [String]) {
                    for (k, f) in fields.enumerated() {
                        if k > 0 { text.append(d) }
                        append(field: f)
                    }
                    text.append(0x0A)
                }
                let out = OutputBuffer()
                emit(reader.header + ["predicted_label", "probability"])
                while let record = try reader.next() {
                    guard record.fields.count == reader.header.count else {
                        throw DataError(
                            file: data, line: record.line,
                            message: "expected \(reader.header.count) fields as in the header, found \(record.fields.count)")
                    }
                    let message = record.fields[textIndex]
                    if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        emit(record.fields + ["", ""])
                    } else {
                        let p = classifier.classify(message)
                        emit(record.fields + [p.label, String(format: "%.4f", p.probability)])
                    }
                    if output == nil && text.count > 1 << 16 {
                        text.withUnsafeBufferPointer { out.append($0) }
                        text.removeAll(keepingCapacity: true)
                        try out.flush()
                    }
                }
                if let output {
                    try writeFileAtomically(text, to: outputPath(output))
                } else {
                    text.withUnsafeBufferPointer { out.append($0) }
                    try out.flush()
                }
            }
        }
    }
}
