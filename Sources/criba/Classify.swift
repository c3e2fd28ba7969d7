import ArgumentParser
import Criba
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CribaCLI {
    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Every subcommand is named in its configuration: deriving the names from the type
            // names cost each run about 1M instructions of reflection per subcommand.
            commandName: "classify",
            abstract: "Classify messages from standard input, one per line.",
            discussion: """
                Writes one line per input line: `label<TAB>probability` (or a JSON object with \
                --format json). An empty input line gets an empty output line. Answers are \
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

        @OptionGroup var threads: ThreadsArgument

        @OptionGroup var lineEncoding: LineEncodingArgument

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case tsv, json
        }

        func validate() throws {
            if let k = topK, k < 1 { throw ValidationError("--top-k must be at least 1") }
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
                    try readLines(fd: 0) { line in
                        decoder.withUTF8(line) { filter.answer($0, into: out) }
                    } beforeWaiting: {
                        try out.flush()
                    }
                } else {
                    // Lines are answered in batches on several threads: a full batch at once,
                    // and whatever has arrived whenever the input pauses, so answers still
                    // come out before Criba waits for more input.
                    let batch = LineBatch()
                    try readLines(fd: 0) { line in
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

/// Reads lines from a file descriptor in large blocks, calling `line` for each complete line
/// (without its `\n` or `\r\n`) and `beforeWaiting` before every read that may block, so that
/// answers already computed are never held back while input is pending.
func readLines(
    fd: Int32, _ line: (UnsafeBufferPointer<UInt8>) throws -> Void, beforeWaiting: () throws -> Void
) throws {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var start = 0
    var end = 0
    while true {
        // Hand out the complete lines in the buffer.
        try buffer.withUnsafeBufferPointer { b in
            var i = start
            while let nl = memchr(b.baseAddress! + i, 0x0A, end - i) {
                let j = b.baseAddress!.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                var e = j
                if e > start && b[e - 1] == 0x0D { e -= 1 }
                try line(UnsafeBufferPointer(rebasing: b[start..<e]))
                start = j + 1
                i = start
            }
        }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, remaining)
                }
            }
            end = remaining
            start = 0
        }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        try beforeWaiting()
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
        if n < 0 {
            if errno == EINTR { continue }
            throw IOError(kind: .failed, path: "-", message: "read from standard input failed: \(String(cString: strerror(errno)))")
        }
        if n == 0 {
            if end > start {
                var e = end
                if buffer[e - 1] == 0x0D { e -= 1 }
                try buffer.withUnsafeBufferPointer { try line(UnsafeBufferPointer(rebasing: $0[start..<e])) }
            }
            return
        }
        end += n
    }
}
