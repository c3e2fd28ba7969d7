import Foundation
import XCTest

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Data filled in by another thread, read after it finished.
final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A flag set by another thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    var value: Bool {
        get { lock.withLock { set } }
        set { lock.withLock { set = newValue } }
    }
}

/// Runs the built `criba` executable and checks stdout, stderr and exit codes.
final class CLITests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrBytes: [UInt8] = []
    }

    /// The `criba` executable next to the test bundle.
    /// `CRIBA_TEST_EXECUTABLE` names another build to test (for example an older one, to see
    /// that a regression test fails there).
    static let executable: URL = {
        if let other = ProcessInfo.processInfo.environment["CRIBA_TEST_EXECUTABLE"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [bundle, bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("criba")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/criba")
    }()

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A child that exits before reading all its input must not kill the test process with
    /// SIGPIPE (`criba` sets its own disposition, so the children are not affected).
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Seconds a run may take before it is killed and the test fails (a hang fails, it does
    /// not stop the suite).
    static let timeout: TimeInterval = 180

    func run(
        _ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:], executable: URL? = nil,
        stdinFile: String? = nil, timeout: TimeInterval = CLITests.timeout, file: StaticString = #filePath, line: UInt = #line
    ) throws -> Run {
        Self.ignoreBrokenPipes
        let p = Process()
        p.executableURL = executable ?? Self.executable
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        if let stdinFile {
            p.standardInput = FileHandle(forReadingAtPath: stdinFile)
        } else {
            p.standardInput = inPipe
        }
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        let killed = watchdog(p, seconds: timeout)
        if stdinFile == nil {
            let writer = Thread {
                // A command that stops early (an error, a bounded line) closes its end: the
                // write fails with EPIPE, which is fine here.
                try? inPipe.fileHandleForWriting.write(contentsOf: Data(stdin))
                try? inPipe.fileHandleForWriting.close()
            }
            writer.start()
        }
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outBox = DataBox()
        group.enter()
        DispatchQueue.global().async {
            outBox.data = outPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        // A run that hangs (a pipe never closed, a read that never returns) fails the test
        // instead of stopping the suite: the watchdog kills it after `timeout`, and a pipe some
        // other process still holds open is given up on shortly after.
        if group.wait(timeout: .now() + timeout + 10) == .timedOut || !waitForExit(p, seconds: 10) {
            killed.value = true
            kill(p.processIdentifier, SIGKILL)
            group.wait()
        }
        p.waitUntilExit()
        if killed.value {
            XCTFail("criba \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s; killed", file: file, line: line)
        }
        let outData = outBox.data
        return Run(
            status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errBox.data, as: UTF8.self), stderrBytes: [UInt8](errBox.data))
    }

    /// Kills `process` (SIGKILL) if it is still running after `seconds`; the flag says whether
    /// it had to.
    func watchdog(_ process: Process, seconds: TimeInterval) -> Flag {
        let killed = Flag()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak process] in
            guard let process, process.isRunning else { return }
            killed.value = true
            kill(pid, SIGKILL)
        }
        return killed
    }

    /// Whether `p` exits within `seconds`.
    func waitForExit(_ p: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(1000) }
        return !p.isRunning
    }

    /// `result`, after asserting that its command exited with status 0 (its standard error is
    /// the failure message).
    @discardableResult
    func succeeded(_ result: Run, file: StaticString = #filePath, line: UInt = #line) -> Run {
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return result
    }

    func run(_ arguments: [String], stdin: String) throws -> Run {
        try run(arguments, stdin: Array(stdin.utf8))
    }

    lazy var dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("criba-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }()

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    static let smallTraining = """
        text,label
        hola buenas,saludo
        buenos días,saludo
        upe buenas tardes,saludo
        hola que tal,saludo
        cuánto cuesta el queque,precio
        a cómo está el kilo de carne,precio
        precio de la talla M?,precio
        cuánto sale el corte de pelo,precio
        GANASTE UN IPHONE ingresá a premio.example.com,spam
        su cuenta fue bloqueada verifique en bcr-alerta.top,spam
        préstamo inmediato sin fiador escriba al 8000-0000,spam
        gane dinero desde su casa sin experiencia,spam

        """

    func trainedModel() throws -> String {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("m.criba").path
        let r = succeeded(try run(["train", data, "-o", model, "--quiet"]))
        return model
    }

    // MARK: Jobs

    // MARK: Bad input

    func assertFails(_ arguments: [String], stdin: String = "", status: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(arguments, stdin: stdin)
        XCTAssertEqual(r.status, status, "\(arguments): \(r.stderr)", file: file, line: line)
        for m in mentions {
            XCTAssertTrue(r.stderr.contains(m), "\(arguments): stderr lacks \(m): \(r.stderr)", file: file, line: line)
        }
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    // MARK: Trust: unsure, top-k, explanations, calibration, evaluation

    /// ``smallTraining`` with a `business` column of four values.
    static var groupedTraining: String { grouped(smallTraining) }

    /// `csv` (`text,label` rows) with a `business` column of four values.
    static func grouped(_ csv: String) -> String {
        let lines = csv.split(separator: "\n")
        return "text,label,business\n" + lines.dropFirst().enumerated().map { "\($1),negocio_\($0 % 4)" }.joined(separator: "\n") + "\n"
    }

    /// ``smallTraining`` 17 times over (204 messages, each copy's texts numbered): enough to
    /// calibrate (at least 200 held-out messages).
    static var calibrationTraining: String {
        let rows = smallTraining.split(separator: "\n").dropFirst()
        return "text,label\n" + (0..<17).flatMap { k in rows.map { $0.replacingOccurrences(of: ",", with: " \(k),") } }.joined(separator: "\n") + "\n"
    }

    /// The tags of an HTML document balance (void elements and self-closed tags aside).
    func assertWellFormed(_ html: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let regex = try NSRegularExpression(pattern: "<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
        let void: Set<String> = ["meta", "br", "hr", "img", "link", "input"]
        var stack: [String] = []
        let ns = html as NSString
        for m in regex.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 2)).lowercased()
            let closing = m.range(at: 1).length > 0
            let selfClosing = m.range(at: 3).length > 0
            if void.contains(name) || selfClosing { continue }
            if closing {
                guard stack.last == name else {
                    return XCTFail("</\(name)> closes <\(stack.last ?? "nothing")>", file: file, line: line)
                }
                stack.removeLast()
            } else {
                stack.append(name)
            }
        }
        XCTAssertEqual(stack, [], "unclosed tags", file: file, line: line)
    }

    // MARK: Learning and merging

    // MARK: Example executable

}
