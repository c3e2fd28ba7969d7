import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict",
            abstract: "Label the rows of a CSV file: the input columns plus the prediction.",
            discussion: """
                Adds the columns `predicted_label` and `probability` to every row (an input that \
                already has a column of either name, in any case, is refused). A blank text \
                (empty, or only white space and NUL bytes) leaves both empty. The output uses \
                the input's delimiter. With -o the file is written atomically.

                Examples:
                  criba predict --model model.criba messages.csv -o labelled.csv
                  criba predict messages.csv --text-column mensaje > labelled.csv
                  criba predict messages.csv --threshold 0.8 --unsure-label revisar -o labelled.csv
                """)

        /// The columns predict adds to the input's.
        static let addedColumns = ["predicted_label", "probability"]

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

        @Option(help: "Longest CSV record accepted, in bytes; a longer one stops with exit 65 naming its line, so memory stays bounded. Default: 1048576 (1 MiB).")
        var maxLineBytes: Int = CSVReader.defaultMaxRecordBytes

        func validate() throws {
            if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1") }
            if let output { try validateOutput(output, option: "-o", inputs: [data, modelArguments.inputPath, unsure.labelThresholds]) }
            try validateModelIsNotStandardInput(modelArguments.model, messagesOnStandardInput: data == "-")
        }

        func run() throws {
            try reportingErrors {
                let model = try modelArguments.load()
                let classifier = Classifier(model: model, policy: try unsure.policy(labels: model.labels))
                let reader = try CSVReader(path: data, delimiter: delimiter, encoding: encoding, maxRecordBytes: maxLineBytes)
                if reader.encoding == .windows1252 && encoding == .auto {
                    printError("criba: warning: \(data): not valid UTF-8; reading it as Windows-1252 (use --encoding to choose)")
                }
                let textIndex = try reader.column(named: textColumn, role: .textColumn)
                // Two columns of the same name could not be told apart by the next reader.
                for added in Self.addedColumns {
                    if let existing = reader.header.first(where: { $0.lowercased() == added }) {
                        throw DataError(
                            file: data, line: 1,
                            message: "the header already has a column `\(existing)` (is this an output of criba predict?); predict adds the columns `predicted_label` and `probability`, so remove or rename those first")
                    }
                }
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
                emit(reader.header + Self.addedColumns)
                while let record = try reader.next() {
                    guard record.fields.count == reader.header.count else {
                        throw DataError(
                            file: data, line: record.line,
                            message: "expected \(reader.header.count) fields as in the header, found \(record.fields.count)")
                    }
                    let message = record.fields[textIndex]
                    if isBlank(message) {
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
