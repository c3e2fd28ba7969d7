import ArgumentParser
import Criba
import Foundation

/// `--threads N`: how many threads classify (the answers are the same for any N).
struct ThreadsArgument: ParsableArguments {
    @Option(help: "Threads that classify (the output is the same for any number, in input order). Default: all cores.")
    var threads: Int?

    /// The number of threads to use.
    var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if let n = threads, !(1...256).contains(n) { throw ValidationError("--threads must be between 1 and 256") }
    }
}

/// Runs `body(i)` for `i` in `0..<count` on up to `threads` threads and waits for all of them.
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    if threads <= 1 || count <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let work = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
    }
}

/// A value handed to other threads by code that makes sure they are done with it before it
/// changes (the batches below are read-only while classified).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Input lines copied out of the reader's buffer into one arena, answered in batches on several
/// threads, their answers written in input order.
final class LineBatch {
    private var arena: [UInt8] = []
    private var ends: [Int] = []
    /// Lines collected before a batch is answered without waiting for the input to pause.
    static let size = 4096

    var count: Int { ends.count }

    func append(_ line: UnsafeBufferPointer<UInt8>) {
        arena.append(contentsOf: line)
        ends.append(arena.count)
    }

    /// Answers every collected line with `filter` on `threads` threads into `out`, in order,
    /// then empties the batch.
    func answer(with filter: LineFilter, threads: Int, into out: OutputBuffer) {
        let n = ends.count
        if n == 0 { return }
        // More pieces than threads, so a thread that drew short lines takes another piece.
        let pieces = threads <= 1 ? 1 : min(n, threads * 8)
        let outputs = (0..<pieces).map { _ in OutputBuffer() }
        arena.withUnsafeBufferPointer { bytes in
            let ends = self.ends
            parallelFor(pieces, threads: threads) { k in
                let first = n * k / pieces
                let last = n * (k + 1) / pieces
                let piece = outputs[k]
                for i in first..<last {
                    let start = i == 0 ? 0 : ends[i - 1]
                    filter.answer(UnsafeBufferPointer(rebasing: bytes[start..<ends[i]]), into: piece)
                }
            }
        }
        for piece in outputs { out.append(contentsOf: piece) }
        arena.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}

/// The predictions of `classifier` for `texts`, in order, computed on `threads` threads (a
/// blank text, empty or only white space and NUL bytes, gets nil).
func classifyAll(_ texts: [String], with classifier: Classifier, threads: Int) -> [Prediction?] {
    var results = [Prediction?](repeating: nil, count: texts.count)
    let n = texts.count
    let pieces = threads <= 1 ? 1 : min(n, threads * 8)
    results.withUnsafeMutableBufferPointer { r in
        let out = UncheckedBox(r)
        parallelFor(pieces, threads: threads) { k in
            for i in (n * k / pieces)..<(n * (k + 1) / pieces) {
                let text = texts[i]
                if isBlank(text) { continue }
                out.value[i] = classifier.classify(text)
            }
        }
    }
    return results
}

/// `--encoding` of the line-reading commands (classify, tokenize).
struct LineEncodingArgument: ParsableArguments {
    @Option(help: "Text encoding of the input lines: auto (a line that is valid UTF-8 is read as UTF-8, any other as Windows-1252, with a note on standard error the first time), utf-8 (bytes that are not UTF-8 separate words) or windows-1252.")
    var encoding: CSVEncoding = .auto
}

/// Turns input lines into UTF-8 as `--encoding` says.
final class LineDecoder {
    let encoding: CSVEncoding
    private var scratch: [UInt8] = []
    private var warned = false

    init(_ encoding: CSVEncoding) { self.encoding = encoding }

    /// Calls `body` with the line as UTF-8: the line itself when it needs no change, else its
    /// transcoding from Windows-1252 (valid only inside `body`).
    @inline(__always)
    func withUTF8<R>(_ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch encoding {
        case .utf8:
            return try body(line)
        case .auto:
            if Windows1252.isValidUTF8(line) { return try body(line) }
            if !warned {
                warned = true
                printError("criba: note: input lines that are not valid UTF-8 are read as Windows-1252 (use --encoding to choose)")
            }
        case .windows1252:
            break
        }
        scratch.removeAll(keepingCapacity: true)
        Windows1252.appendUTF8(of: line, to: &scratch)
        return try scratch.withUnsafeBufferPointer { try body($0) }
    }
}
