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

        @Option(help: "Output format: tsv or json. Default: tsv.")
        var format: Format = .tsv

        @OptionGroup var unsure: UnsureArguments

        @Option(help: "Also give the K most likely labels: TSV adds K `label<TAB>probability` pairs after the answer (so every line has 2 + 2K fields, whether the answer is a label or the unsure label; K beyond the number of labels gives them all); JSON adds `top`. Default: off.")
        var topK: Int?

        @Flag(help: "Also give the features that pushed each message toward its label most: TSV adds a column `feature:weight ...` (5 features), JSON adds `explanation`.")
        var explain = false

        @OptionGroup var limit: LineLimitArguments

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
                try readLines(fd: 0, maxLineBytes: limit.maxLineBytes) { line in
                    filter.answer(line, into: out)
                } beforeWaiting: {
                    try out.flush()
                }
                try out.flush()
            }
        }
    }
}

/// Reads lines from a file descriptor in large blocks, calling `line` for each complete line
/// (without its `\n` or `\r\n`) and `beforeWaiting` before every read that may block, so that
/// answers already computed are never held back while input is pending.
///
/// - Throws: ``DataError`` naming the line when a line is longer than `maxLineBytes` (its
///   line end not counted), so memory stays bounded whatever the input; ``IOError`` if reading
///   fails; what `line` or `beforeWaiting` throws.
func readLines(
    fd: Int32, maxLineBytes: Int, _ line: (UnsafeBufferPointer<UInt8>) throws -> Void, beforeWaiting: () throws -> Void
) throws {
    let limit = max(1, maxLineBytes)
    var buffer = [UInt8](repeating: 0, count: min(1 << 16, limit + 2))
    var start = 0
    var end = 0
    var number = 0
    while true {
        // Hand out the complete lines in the buffer.
        try buffer.withUnsafeBufferPointer { b in
            var i = start
            while let nl = memchr(b.baseAddress! + i, 0x0A, end - i) {
                let j = b.baseAddress!.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                var e = j
                if e > start && b[e - 1] == 0x0D { e -= 1 }
                number += 1
                if e - start > limit { throw LineLimit.error(line: number, limit: limit) }
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
        // A line without its end yet: at most the limit, a `\r` and the `\n` are worth keeping.
        if end > limit + 1 { throw LineLimit.error(line: number + 1, limit: limit) }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: min(buffer.count, limit + 2 - buffer.count)))
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
                number += 1
                if e - start > limit { throw LineLimit.error(line: number, limit: limit) }
                try buffer.withUnsafeBufferPointer { try line(UnsafeBufferPointer(rebasing: $0[start..<e])) }
            }
            return
        }
        end += n
    }
}

/// The bound on the length of an input line or CSV record.
enum LineLimit {
    static func error(line: Int, limit: Int) -> DataError {
        DataError(
            file: "-", line: line,
            message: "the line is longer than \(limit) bytes, the maximum (raise it with --max-line-bytes if such long messages are expected)")
    }
}

/// `--max-line-bytes`, for the commands that read messages one per line.
struct LineLimitArguments: ParsableArguments {
    @Option(help: "Longest input line accepted, in bytes (its line end not counted); a longer line stops the command with exit 65 naming the line, so memory stays bounded. Default: 1048576 (1 MiB).")
    var maxLineBytes: Int = CSVReader.defaultMaxRecordBytes

    func validate() throws {
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1") }
    }
}

/// Whether a message is blank: empty, or only white space (spaces, tabs, line breaks, no-break
/// and other Unicode spaces) and NUL bytes. A blank message is not classified (`classify`
/// answers it with an empty line, `predict` leaves its columns empty): there is nothing in it
/// to decide on.
func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var wide = false
    for b in bytes {
        if b >= 0x80 {
            wide = true
        } else if !(b == 0x20 || b == 0x00 || (0x09...0x0D).contains(b)) {
            return false
        }
    }
    if !wide { return true }
    return String(decoding: bytes, as: UTF8.self).unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.value == 0 }
}

/// Whether a message is blank (see ``isBlank(_:)-(UnsafeBufferPointer<UInt8>)``).
func isBlank(_ message: String) -> Bool {
    var m = message
    return m.withUTF8 { isBlank($0) }
}
