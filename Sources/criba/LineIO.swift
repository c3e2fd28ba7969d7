import Criba
import Foundation

// The line filter's input and output, apart from the argument parsing so that the fuzzing
// harness of `Fuzz/` builds them as they are.

/// A write to standard output found its reader gone while SIGPIPE was blocked; the command
/// ends with status 141, as if the signal had been delivered.
struct BrokenPipe: Error {}

/// Buffered standard output with explicit flushes.
final class OutputBuffer {
    private var bytes: [UInt8] = []
    private let fd: Int32

    init(fd: Int32 = 1) {
        self.fd = fd
        bytes.reserveCapacity(1 << 16)
    }

    @inline(__always) func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always) func append(_ b: UInt8) { bytes.append(b) }

    @inline(__always) func append(_ p: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: p) }

    /// Appends a probability as `0.dddd`.
    func appendProbability(_ p: Float) {
        let v = Int((max(0, min(1, p)) * 10000).rounded())
        bytes.append(UInt8(ascii: "0") + UInt8(v / 10000))
        bytes.append(UInt8(ascii: "."))
        let r = v % 10000
        bytes.append(UInt8(ascii: "0") + UInt8(r / 1000))
        bytes.append(UInt8(ascii: "0") + UInt8(r / 100 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(r / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(r % 10))
    }

    var count: Int { bytes.count }

    /// Appends what `other` holds (without flushing it).
    func append(contentsOf other: OutputBuffer) { bytes.append(contentsOf: other.bytes) }

    /// Writes everything buffered.
    func flush() throws {
        do {
            try bytes.withUnsafeBytes { try OS.write(fd, $0) }
        } catch let error as SystemError {
            // Only reached when SIGPIPE is blocked (see `CribaCLI.main()`): end as if it had
            // been delivered.
            if error.isBrokenPipe { throw BrokenPipe() }
            throw IOError(kind: .failed, path: "-", message: "write to standard output failed: \(error)")
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Appends `s` to `out` with every Unicode scalar for which `replacement` gives a string
/// written as that string (the escapes of JSON, HTML, terminal output).
func appendEscaped(_ s: String, to out: inout String, _ replacement: (Unicode.Scalar) -> String?) {
    for u in s.unicodeScalars {
        if let r = replacement(u) { out += r } else { out.unicodeScalars.append(u) }
    }
}

/// JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    appendEscaped(s, to: &out) { u in
        switch u {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return u.value < 0x20 ? String(format: "\\u%04x", u.value) : nil
        }
    }
    return out + "\""
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
            while let nl = OS.firstByte(0x0A, from: b.baseAddress! + i, count: end - i) {
                let j = UnsafeRawPointer(b.baseAddress!).distance(to: nl)
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
                    OS.moveBytes(to: b.baseAddress!, from: b.baseAddress! + start, count: remaining)
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
        let n: Int
        do {
            n = try buffer.withUnsafeMutableBytes { try OS.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
        } catch let error as SystemError {
            throw IOError(kind: .failed, path: "-", message: "read from standard input failed: \(error)")
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
