import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Every subcommand is named in its configuration: deriving the names from the type
            // names cost each run about 1M instructions of reflection per subcommand.
            commandName: "classify",
            abstract: "Classify messages from standard input, one per line.",
            discussion: """
                Writes one line per input line: `label<TAB>probability` (or a JSON object with \
                --format json). A blank input line (empty, or only spaces, tabs and NUL bytes) gets an empty output line. Answers are \
                written out before Criba waits for more input, so it works inside pipelines \
                and as a co-process of another program.

                Examples:
                  printf 'hola, cuánto cuesta el queque de chocolate?\\n' | criba classify
                  criba classify --model model.criba --format json < messages.txt
                  tail -f inbox.log | criba classify --threshold 0.7
                  criba classify --label-thresholds thresholds.txt --unsure-label revisar < messages.txt
                  printf 'buenas, a como el kilo de carne?\\n' | criba classify --explain
                  criba classify --top-k 3 < messages.txt
                """)

        @OptionGroup var modelArguments: ModelArguments

        @Option(help: "Output format: tsv or json.")
        var format: Format = .tsv

        @OptionGroup var unsure: UnsureArguments

        @Option(help: "Also give the K most likely labels: TSV adds K `label<TAB>probability` pairs after the answer (so every line has 2 + 2K fields, whether the answer is a label or the unsure label; K beyond the number of labels gives them all); JSON adds `top`. Default: off.")
        var topK: Int?

        @Flag(help: "Also give the features that pushed each message toward its label most: TSV adds a column `feature:weight ...` (5 features), JSON adds `explanation`.")
        var explain = false

        @OptionGroup var limit: LineLimitArguments

        @OptionGroup var threads: ThreadsArgument

        @OptionGroup var lineEncoding: LineEncodingArgument

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case tsv, json
        }

        func validate() throws {
            if let k = topK, k < 1 { throw ValidationError("--top-k must be at least 1") }
            try validateModelIsNotStandardInput(modelArguments.model, messagesOnStandardInput: true)
        }

        func run() throws {
            try reportingErrors {
                let model = try modelArguments.load()
                let classifier = Classifier(model: model, policy: try unsure.policy(labels: model.labels))
                let out = OutputBuffer()
                let filter = LineFilter(classifier: classifier, json: format == .json, topK: topK, explain: explain)
                let threads = self.threads.count
                let decoder = LineDecoder(lineEncoding.encoding)
                if threads == 1 {
                    try readLines(fd: 0, maxLineBytes: limit.maxLineBytes) { line in
                        decoder.withUTF8(line) { filter.answer($0, into: out) }
                    } beforeWaiting: {
                        try out.flush()
                    }
                } else {
                    // Lines are answered in batches on several threads: a full batch at once,
                    // and whatever has arrived whenever the input pauses, so answers still
                    // come out before Criba waits for more input.
                    let batch = LineBatch()
                    try readLines(fd: 0, maxLineBytes: limit.maxLineBytes) { line in
                        decoder.withUTF8(line) { batch.append($0) }
                        if batch.count == LineBatch.size {
                            batch.answer(with: filter, threads: threads, into: out)
                            if out.count > 1 << 16 { try out.flush() }
                        }
                    } beforeWaiting: {
                        batch.answer(with: filter, threads: threads, into: out)
                        try out.flush()
                    }
                    batch.answer(with: filter, threads: threads, into: out)
                }
                try out.flush()
            }
        }
    }
}

/// `--max-line-bytes`, for the commands that read messages one per line.
struct LineLimitArguments: ParsableArguments {
    @Option(help: "Longest input line accepted, in bytes (its line end not counted); a longer line stops the command with exit 65 naming the line, so memory stays bounded (the default, 1048576, is 1 MiB).")
    var maxLineBytes: Int = CSVReader.defaultMaxRecordBytes

    func validate() throws {
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1") }
    }
}
