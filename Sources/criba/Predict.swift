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
                (empty, or only white space and NUL bytes) leaves both empty. The output is \
                written the way the input was: same delimiter, encoding (UTF-8, with a \
                byte-order mark if the input had one, or Windows-1252), line ends (LF or CR LF) \
                and Excel `sep=` first line, so a file saved by Excel opens again in Excel. \
                --excel writes UTF-8 with a byte-order mark, CR LF and `;` whatever the input. \
                With -o the file is written atomically.

                Examples:
                  criba predict --model model.criba messages.csv -o labelled.csv
                  criba predict messages.csv --text-column mensaje > labelled.csv
                  criba predict messages.csv --threshold 0.8 --unsure-label revisar -o labelled.csv
                  criba predict export.csv --excel -o para-excel.csv
                """)

        /// The columns predict adds to the input's.
        static let addedColumns = ["predicted_label", "probability"]

        @OptionGroup var modelArguments: ModelArguments

        @Argument(help: "CSV file with a header (`-` for standard input).")
        var data: String

        @Option(name: .shortAndLong, help: "Output CSV file. Default: standard output.")
        var output: String?

        @Option(help: "Header of the column holding the message text. Default: the column the model was trained with (text for models that do not record it).")
        var textColumn: String?

        @Option(help: "Field delimiter: auto, comma, semicolon or tab.")
        var delimiter: CSVDelimiter = .auto

        @Option(help: "Text encoding: auto, utf-8 or windows-1252.")
        var encoding: CSVEncoding = .auto

        @Flag(help: "Write for Excel: UTF-8 with a byte-order mark, CR LF line ends and `;` between fields (instead of the input's encoding, line ends and delimiter).")
        var excel = false

        @OptionGroup var unsure: UnsureArguments

        @Option(help: "Longest CSV record accepted, in bytes; a longer one stops with exit 65 naming its line, so memory stays bounded (the default, 1048576, is 1 MiB).")
        var maxLineBytes: Int = CSVReader.defaultMaxRecordBytes

        @OptionGroup var threads: ThreadsArgument

        @Flag(help: "No progress on standard error.")
        var quiet = false

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
                // A model trained on a Windows-1252 file expects more of them: no warning then.
                if reader.encoding == .windows1252 && encoding == .auto && model.facts.training.encoding != .windows1252 {
                    printError("criba: warning: \(data): not valid UTF-8; reading it as Windows-1252 (use --encoding to choose)")
                }
                let column = textColumn ?? model.facts.training.textColumn ?? "text"
                let remembered = textColumn == nil ? model.facts.training.textColumn : nil
                let textIndex = try explainingRememberedColumns(text: remembered, label: nil, model: modelArguments.model ?? "the default model") {
                    try reader.column(named: column, role: .textColumn)
                }
                // Two columns of the same name could not be told apart by the next reader.
                for added in Self.addedColumns {
                    if let existing = reader.header.first(where: { $0.lowercased() == added }) {
                        throw DataError(
                            file: data, line: 1,
                            message: "the header already has a column `\(existing)` (is this an output of criba predict?); predict adds the columns `predicted_label` and `probability`, so remove or rename those first")
                    }
                }
                let d = excel ? UInt8(ascii: ";") : reader.delimiter
                let windows1252 = !excel && reader.encoding == .windows1252
                let lineEnd: [UInt8] = excel || reader.usesCRLF ? [0x0D, 0x0A] : [0x0A]
                var unencodable = 0
                var text: [UInt8] = []
                if excel || reader.hadByteOrderMark { text += [0xEF, 0xBB, 0xBF] }
                if !excel && reader.hadSeparatorLine { text += Array("sep=".utf8) + [d] + lineEnd }
                // Quoting is decided on bytes: as `Character`s, a comma or quote followed by a
                // combining mark (U+0301, U+200D, U+FE0F) would not be found and go out bare.
                func append(field s: String) {
                    var bytes = Array(s.utf8)
                    if windows1252 {
                        if let b = Windows1252.encode(s) {
                            bytes = b
                        } else {
                            unencodable += 1
                            bytes = Windows1252.encode(String(s.unicodeScalars.map { Windows1252.encode(String($0)) == nil ? "?" : Character($0) })) ?? []
                        }
                    }
                    let quoted = bytes.contains { $0 == d || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                    if !quoted {
                        text.append(contentsOf: bytes)
                        return
                    }
                    text.append(0x22)
                    for b in bytes {
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
                    text.append(contentsOf: lineEnd)
                }
                let out = OutputBuffer()
                emit(reader.header + Self.addedColumns)
                // Rows are classified in batches on --threads threads and written in order.
                let threads = self.threads.count
                var batch: [[String]] = []
                func answerBatch() throws {
                    let predictions = classifyAll(batch.map { $0[textIndex] }, with: classifier, threads: threads)
                    for (fields, p) in zip(batch, predictions) {
                        emit(fields + (p.map { [$0.label, String(format: "%.4f", $0.probability)] } ?? ["", ""]))
                    }
                    batch.removeAll(keepingCapacity: true)
                    if output == nil && text.count > 1 << 16 {
                        text.withUnsafeBufferPointer { out.append($0) }
                        text.removeAll(keepingCapacity: true)
                        try out.flush()
                    }
                }
                let progress = ProgressDisplay(command: "predict", quiet: quiet)
                var reading = ReadingProgress(progress, path: data)
                while let record = try reader.next() {
                    reading.row(bytesRead: reader.bytesRead)
                    guard record.fields.count == reader.header.count else {
                        throw DataError(
                            file: data, line: record.line,
                            message: "expected \(reader.header.count) fields as in the header, found \(record.fields.count)")
                    }
                    batch.append(record.fields)
                    if batch.count == (threads == 1 ? 1 : LineBatch.size) { try answerBatch() }
                }
                try answerBatch()
                progress.end()
                if unencodable > 0 {
                    printError("criba: warning: \(unencodable) field(s) hold characters Windows-1252 cannot write; they are written as `?` (use --excel for UTF-8)")
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
