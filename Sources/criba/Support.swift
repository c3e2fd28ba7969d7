import ArgumentParser
import Criba
import Foundation

/// Writes text to standard error (file descriptor 2, unbuffered).
func writeStandardError(_ text: String) {
    var t = text
    t.withUTF8 { p in try? OS.write(2, UnsafeRawBufferPointer(p)) }
}

/// Writes a line to standard error, naming the settings the library mentions by their options
/// and with control characters escaped (see ``escapingControls(_:)``).
func printError(_ message: String) {
    let text = escapingControls(SettingRole.renaming(in: message, optionName))
    writeStandardError(text.hasSuffix("\n") ? text : text + "\n")
}

/// The option that sets a setting the library mentions in an error or a warning.
func optionName(_ role: SettingRole) -> String {
    switch role {
    case .textColumn: return "--text-column"
    case .labelColumn: return "--label-column"
    case .groupColumn: return "--group-column"
    case .encoding: return "--encoding"
    case .emptyFields: return "--empty"
    case .learningRate: return "--learning-rate"
    case .regularization: return "--c"
    case .maxRecordBytes: return "--max-line-bytes"
    case .trainingMessages: return "--training-messages"
    case .calibration: return "--calibrate"
    }
}

/// `text` with its control characters written as escapes, so that a NUL, an escape sequence or
/// a carriage return read from a file cannot reach the terminal raw: C0 controls and DEL as
/// `\x00`…`\x1F`, `\x7F`, C1 controls as `\u{80}`…`\u{9F}`. Line breaks and tabs are kept.
func escapingControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }) else {
        return text
    }
    var out = ""
    appendEscaped(text, to: &out) { u in
        if (u.value < 0x20 && u != "\n" && u != "\t") || u.value == 0x7F {
            return String(format: "\\x%02X", u.value)
        } else if (0x80...0x9F).contains(u.value) {
            return "\\u{\(String(u.value, radix: 16, uppercase: true))}"
        }
        return nil
    }
    return out
}

/// Runs `body`, turning library errors into a message on stderr and the contract's exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch is BrokenPipe {
        throw ExitCode(141)  // 128 + SIGPIPE: the reader of standard output went away.
    } catch {
        printError("criba: error: \(error)")
        throw ExitCode(exitStatus(for: error))
    }
}

/// The exit status of the CLI contract (sysexits.h) for an error a command ends with: 65
/// (`EX_DATAERR`) for bad input data or a model file that cannot be read, 66 (`EX_NOINPUT`) for
/// a missing input, 74 (`EX_IOERR`) for a failed read or write, 64 (`EX_USAGE`) for calibration
/// asked of too few messages, 1 for anything else. Other usage errors (64) are ArgumentParser's
/// status for a `ValidationError`.
func exitStatus(for error: Error) -> Int32 {
    switch error {
    case is DataError, is TrainingError, is ModelFileError: return 65
    case let e as IOError: return e.kind == .failed ? 74 : 66
    case is CalibrationSizeError: return 64
    default: return 1
    }
}

/// Progress on standard error, shown only for runs longer than about a second: on a terminal,
/// one line rewritten in place (at most 10 times a second) and cleared at the end; otherwise
/// plain lines, at most one every 5 seconds, and a last one saying how long the run took.
/// With --quiet nothing, not even the summary lines. Standard output is never touched.
///
/// `CRIBA_PROGRESS_AFTER` and `CRIBA_PROGRESS_INTERVAL` (seconds) change the delay and the
/// interval between plain lines; tests set them to 0.
final class ProgressDisplay: @unchecked Sendable {
    let command: String
    let quiet: Bool
    let isTerminal = OS.isTerminal(2)
    private let start = DispatchTime.now().uptimeNanoseconds
    private let lock = NSLock()
    private var drawn = false
    private var printed = false
    private var last: UInt64 = 0

    static func seconds(_ variable: String, default value: Double) -> Double {
        ProcessInfo.processInfo.environment[variable].flatMap(Double.init).map { max(0, $0) } ?? value
    }
    /// Seconds before anything is shown.
    static let after = seconds("CRIBA_PROGRESS_AFTER", default: 1)
    /// Seconds between plain lines (not a terminal).
    static let interval = seconds("CRIBA_PROGRESS_INTERVAL", default: 5)

    init(command: String, quiet: Bool) {
        self.command = command
        self.quiet = quiet
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// `12 s`, `3 min 05 s`.
    static func duration(_ s: Double) -> String {
        let n = Int(s.rounded())
        return n < 60 ? "\(n) s" : String(format: "%d min %02d s", n / 60, n % 60)
    }

    /// Shows where the run is: `what`, the time elapsed and, with the share done, the time left.
    func show(_ what: String, fraction: Double? = nil) {
        guard !quiet else { return }
        let t = elapsed
        guard t >= Self.after else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        defer { lock.unlock() }
        let gap = isTerminal ? 0.1 : Self.interval
        guard !drawn && !printed || Double(now &- last) / 1e9 >= gap else { return }
        last = now
        var text = "\(command): \(what) — \(Self.duration(t)) elapsed"
        if let f = fraction, f >= 0.01, f < 1 { text += ", about \(Self.duration(t * (1 - f) / f)) left" }
        if isTerminal {
            writeStandardError("\r\u{1B}[K" + escapingControls(text))
            drawn = true
        } else {
            writeStandardError(escapingControls(text) + "\n")
            printed = true
        }
    }

    /// Shows a library progress report.
    func show(_ report: ProgressReport) {
        show(report.description, fraction: report.fraction)
    }

    /// Clears the live line; when plain lines were printed, says how long the run took.
    func end() {
        lock.lock()
        defer { lock.unlock() }
        if drawn {
            writeStandardError("\r\u{1B}[K")
            drawn = false
        }
        if printed {
            writeStandardError("\(command): done in \(Self.duration(elapsed))\n")
            printed = false
        }
    }

    /// Ends the live line and writes a summary line (not with --quiet).
    func finish(_ message: String) {
        guard !quiet else { return }
        lock.lock()
        if drawn {
            writeStandardError("\r\u{1B}[K")
            drawn = false
        }
        lock.unlock()
        writeStandardError(message + "\n")
    }
}

/// The size of the regular file at `path`, or nil (standard input, a pipe, a missing file).
func regularFileSize(_ path: String) -> Int? {
    guard path != "-", let file = FileIdentity(path: path), file.isRegular else { return nil }
    return Int(file.size)
}

/// Progress through a file being read: rows, and bytes against its size when known.
struct ReadingProgress {
    let display: ProgressDisplay
    let size: Int?
    private(set) var rows = 0

    init(_ display: ProgressDisplay, path: String) {
        self.display = display
        size = regularFileSize(path)
    }

    /// Counts a row; every 1024 rows shows the count and, with `bytesRead`, the share of the file.
    mutating func row(bytesRead: @autoclosure () -> Int) {
        rows += 1
        guard rows & 1023 == 0 else { return }
        show(bytesRead: bytesRead())
    }

    func show(bytesRead: Int) {
        guard let size, size > 0 else { return display.show("\(rows) rows read") }
        let f = min(1, Double(bytesRead) / Double(size))
        display.show(
            "\(rows) rows, \(MemoryBudget.describe(bytesRead)) of \(MemoryBudget.describe(size)) (\(Int(f * 100))%)", fraction: f)
    }
}

/// Where a shipped file (a model, the encoder) is looked for, in order: beside the executable,
/// in `../share/criba/` from it, and in the package's own `Models/` folder (for builds run from
/// a checkout).
func shippedFileCandidates(_ fileName: String) -> [String] {
    var out: [String] = []
    if let exe = OS.executablePath() {
        let dir = (exe as NSString).deletingLastPathComponent
        out.append(dir + "/" + fileName)
        out.append(dir + "/../share/criba/" + fileName)
    }
    let source = URL(fileURLWithPath: #filePath)
    let root = source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    out.append(root.appendingPathComponent("Models/" + fileName).path)
    return out
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
        (fromEnvironment.map { [$0] } ?? []) + shippedFileCandidates(fileName)
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
    @Option(help: "Header of the column holding the message text. Default: text, or for a command given a model, the column it was trained with.")
    var textColumn: String?

    @Option(help: "Header of the column holding the label. Default: label, or for a command given a model, the column it was trained with.")
    var labelColumn: String?

    @Option(help: "Field delimiter: auto, comma, semicolon or tab (auto looks at the header line).")
    var delimiter: CSVDelimiter = .auto

    @Option(help: "Text encoding: auto, utf-8 or windows-1252 (auto reads UTF-8, or Windows-1252 with a warning when the file is not UTF-8 and the model, if any, was not trained on a Windows-1252 file).")
    var encoding: CSVEncoding = .auto

    @Option(name: .customLong("empty"), help: "Rows with an empty text or label: skip (with a warning listing their lines) or fail.")
    var emptyFields: EmptyFieldPolicy = .skip

    @Option(help: "Longest CSV record (or input line) accepted, in bytes; a longer one stops with exit 65 naming its line, so memory stays bounded (the default, 1048576, is 1 MiB).")
    var maxLineBytes: Int = CSVReader.defaultMaxRecordBytes

    func validate() throws {
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1") }
    }

    /// The label column in effect when no model is read.
    var labelColumnOrDefault: String { labelColumn ?? "label" }

    var options: CSVOptions { options(remembering: nil) }

    /// The options, with the text and label columns a model was trained with (`facts`) where
    /// the flags are not given, and its encoding as the expected one (a Windows-1252 file is
    /// then not reported again). The delimiter and encoding are still detected per file.
    func options(remembering facts: TrainingFacts?) -> CSVOptions {
        var o = CSVOptions()
        o.textColumn = textColumn ?? facts?.textColumn ?? o.textColumn
        o.labelColumn = labelColumn ?? facts?.labelColumn ?? o.labelColumn
        o.delimiter = delimiter
        o.encoding = encoding
        o.expectedEncoding = facts?.encoding
        o.emptyFields = emptyFields
        o.maxRecordBytes = maxLineBytes
        return o
    }

    /// Runs `body`, adding to a missing-column error which column names came from the model
    /// at `path` (see ``explainingRememberedColumns(text:label:model:_:)``).
    func explainingColumns<T>(takenFrom facts: TrainingFacts?, model path: String, _ body: () throws -> T) throws -> T {
        try explainingRememberedColumns(
            text: textColumn == nil ? facts?.textColumn : nil, label: labelColumn == nil ? facts?.labelColumn : nil, model: path, body)
    }
}

/// Runs `body`, adding to a missing-column error the column names taken from the model at
/// `path` (`text`, `label`: those used without a flag naming them), so the user knows where a
/// name they never typed comes from.
func explainingRememberedColumns<T>(text: String?, label: String?, model path: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch var e as DataError where !Set(e.settings).isDisjoint(with: [.textColumn, .labelColumn]) {
        let named = [text.map { ("text", $0) }, label.map { ("label", $0) }].compactMap { $0 }
        guard !named.isEmpty else { throw e }
        let names = named.map { "`\($0.1)`" }.joined(separator: " and ")
        let verb = named.count == 1 ? "is the \(named[0].0) column" : "are the text and label columns"
        e.message += " (\(names) \(verb) \(path) was trained with)"
        throw e
    }
}

extension CSVDelimiter: ExpressibleByArgument {}
extension CSVEncoding: ExpressibleByArgument {}
extension EmptyFieldPolicy: ExpressibleByArgument {}
extension Algorithm: ExpressibleByArgument {}
extension CalibrationMethod: ExpressibleByArgument {}
extension Solver: ExpressibleByArgument {}
extension FeatureSettings.Weighting: ExpressibleByArgument {}

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
    guard let o = FileIdentity(path: outputPath(output)), o.isRegular else { return }
    for case let input? in inputs {
        // `-` is standard input: `criba train - -o data.csv < data.csv` is refused too.
        let i = input == "-" ? FileIdentity(descriptor: 0) : FileIdentity(path: input)
        if let i, i.isSameFile(as: o) {
            let name = input == "-" ? "read from standard input" : input
            throw ValidationError("\(option) \(output) is the input file (\(name)); writing there would replace it")
        }
    }
}

/// A model's training-row count for a summary line (`?` when it records none).
func rowCount(_ model: Model) -> String {
    model.facts.training.rows.map(String.init) ?? "?"
}

/// A fact with six decimals, as the model file stores it (`?` when the model records none).
func fixed6(_ value: Double?) -> String {
    value.map { String(format: "%.6f", $0) } ?? "?"
}

/// Refuses a model file that is standard input (`--model /dev/stdin`, or the file standard
/// input is redirected from) when the command also reads its messages there: the model
/// would be read, then its own bytes classified as messages.
func validateModelIsNotStandardInput(_ model: String?, messagesOnStandardInput: Bool) throws {
    guard messagesOnStandardInput, let model else { return }
    guard let m = FileIdentity(path: model), let i = FileIdentity(descriptor: 0), m.isSameFile(as: i) else { return }
    throw ValidationError(
        "--model \(model) is standard input, which also carries the messages; give the model as a file and the messages on standard input")
}
