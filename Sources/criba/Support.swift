import ArgumentParser
import Criba
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exit codes of the CLI contract (sysexits.h).
enum Exit {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let ioError: Int32 = 74
    static let other: Int32 = 1
}

/// Writes text to standard error (file descriptor 2, unbuffered).
func writeStandardError(_ text: String) {
    var t = text
    t.withUTF8 { p in
        var done = 0
        while done < p.count {
            let n = write(2, p.baseAddress! + done, p.count - done)
            if n <= 0 { if errno == EINTR { continue } else { return } }
            done += n
        }
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    writeStandardError(message.hasSuffix("\n") ? message : message + "\n")
}

/// Runs `body`, turning library errors into a message on stderr and the contract's exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch let e as DataError {
        printError("criba: error: \(e)")
        throw ExitCode(Exit.dataError)
    } catch let e as TrainingError {
        printError("criba: error: \(e)")
        throw ExitCode(Exit.dataError)
    } catch let e as ModelFileError {
        printError("criba: error: \(e)")
        throw ExitCode(Exit.dataError)
    } catch let e as IOError {
        printError("criba: error: \(e)")
        throw ExitCode(e.kind == .failed ? Exit.ioError : Exit.noInput)
    } catch {
        printError("criba: error: \(error)")
        throw ExitCode(Exit.other)
    }
}

/// Progress on stderr: a line rewritten in place on a terminal; on a pipe or file, only
/// lines marked final, so logs stay short.
struct Progress {
    let isTerminal = isatty(2) == 1
    var quiet = false

    func update(_ message: String) {
        guard !quiet, isTerminal else { return }
        writeStandardError("\r\u{1B}[K\(message)")
    }

    func finish(_ message: String) {
        guard !quiet else { return }
        if isTerminal { writeStandardError("\r\u{1B}[K") }
        writeStandardError(message + "\n")
    }
}

/// Where the shipped default model is found when `--model` is not given.
enum DefaultModel {
    static let fileName = "default.criba"

    /// `$CRIBA_MODEL` when set and not empty.
    static var fromEnvironment: String? {
        guard let env = ProcessInfo.processInfo.environment["CRIBA_MODEL"], !env.isEmpty else { return nil }
        return env
    }

    static var candidates: [String] {
        var out: [String] = []
        if let env = fromEnvironment { out.append(env) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 {
            let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let dir = (exe as NSString).deletingLastPathComponent
            out.append(dir + "/" + fileName)
            out.append(dir + "/../share/criba/" + fileName)
        }
        // The package's own Models/ folder (for builds run from a checkout).
        let source = URL(fileURLWithPath: #filePath)
        let root = source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        out.append(root.appendingPathComponent("Models/" + fileName).path)
        return out
    }

    static func path() throws -> String {
        // A model named by the user must be there: falling back would hide a typo.
        if let env = fromEnvironment, !FileManager.default.fileExists(atPath: env) {
            throw IOError(kind: .missing, path: env, message: "no such file (named by CRIBA_MODEL)")
        }
        for c in candidates where FileManager.default.fileExists(atPath: c) { return c }
        throw IOError(
            kind: .missing, path: fileName,
            message: "no default model found (looked in: \(candidates.joined(separator: ", "))); pass --model or set CRIBA_MODEL")
    }
}

/// Options for reading labelled CSV files.
struct CSVArguments: ParsableArguments {
    @Option(help: "Header of the column holding the message text.")
    var textColumn = "text"

    @Option(help: "Header of the column holding the label.")
    var labelColumn = "label"

    @Option(help: "Field delimiter: auto, comma, semicolon or tab (auto looks at the header line).")
    var delimiter: CSVDelimiter = .auto

    @Option(help: "Text encoding: auto, utf-8 or windows-1252 (auto reads UTF-8, or Windows-1252 with a warning when the file is not UTF-8).")
    var encoding: CSVEncoding = .auto

    @Option(name: .customLong("empty"), help: "Rows with an empty text or label: skip (with a warning listing their lines) or fail.")
    var emptyFields: EmptyFieldPolicy = .skip

    var options: CSVOptions {
        var o = CSVOptions()
        o.textColumn = textColumn
        o.labelColumn = labelColumn
        o.delimiter = delimiter
        o.encoding = encoding
        o.emptyFields = emptyFields
        return o
    }
}

extension CSVDelimiter: ExpressibleByArgument {}
extension CSVEncoding: ExpressibleByArgument {}
extension EmptyFieldPolicy: ExpressibleByArgument {}
extension Algorithm: ExpressibleByArgument {}
extension CalibrationMethod: ExpressibleByArgument {}
extension Solver: ExpressibleByArgument {}
extension FeatureSettings.Weighting: ExpressibleByArgument {}

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
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw ExitCode(0) }
                throw IOError(kind: .failed, path: "-", message: "write to standard output failed: \(String(cString: strerror(errno)))")
            }
            written += n
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                out += String(format: "\\u%04x", u.value)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// A JSON number with up to 6 decimals (NaN and infinities as null).
func jsonNumber(_ x: Double) -> String {
    guard x.isFinite else { return "null" }
    var s = String(format: "%.6f", x)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

/// The file an output option names: `-` is standard output, as it is standard input for inputs.
func outputPath(_ path: String) -> String {
    path == "-" ? "/dev/stdout" : path
}

/// Refuses an empty output path, and one naming the same file as an input: the output would
/// replace the input (a training CSV overwritten by its model) before anyone noticed.
func validateOutput(_ output: String, option: String, inputs: [String?]) throws {
    if output.isEmpty { throw ValidationError("\(option): the output path is empty") }
    var o = stat()
    guard stat(outputPath(output), &o) == 0, (o.st_mode & S_IFMT) == S_IFREG else { return }
    for case let input? in inputs {
        var i = stat()
        // `-` is standard input: `criba train - -o data.csv < data.csv` is refused too.
        let found = input == "-" ? fstat(0, &i) == 0 : stat(input, &i) == 0
        if found && i.st_dev == o.st_dev && i.st_ino == o.st_ino {
            let name = input == "-" ? "read from standard input" : input
            throw ValidationError("\(option) \(output) is the input file (\(name)); writing there would replace it")
        }
    }
}
