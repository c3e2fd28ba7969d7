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
        let r = try run(["train", data, "-o", model, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return model
    }

    // MARK: Jobs

    func testClassifyWithDefaultModelPrintsOneLinePerMessage() throws {
        let r = try run(
            ["classify"],
            stdin: "hola, cuánto cuesta el queque de chocolate?\nGANASTE UN IPHONE, ingresá a http://premio.example.com\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, r.stdout)
        XCTAssertTrue(lines[0].hasPrefix("precio\t"), r.stdout)
        XCTAssertTrue(lines[1].hasPrefix("spam\t"), r.stdout)

        // A missing model named by CRIBA_MODEL is an error, not a silent fallback.
        let missing = dir.appendingPathComponent("no-such-model.criba").path
        let m = try run(["classify"], stdin: Array("hola\n".utf8), environment: ["CRIBA_MODEL": missing])
        XCTAssertEqual(m.status, 66, m.stderr)
        XCTAssertTrue(m.stderr.contains(missing) && m.stderr.contains("CRIBA_MODEL"), m.stderr)
        XCTAssertEqual(m.stdout, "")
    }

    func testTrainEvaluatePredictRoundTrip() throws {
        let model = try trainedModel()
        let rows = [
            ("hola buenas noches", "saludo"), ("cuánto cuesta el pan", "precio"), ("ganaste un premio ingresá ya", "spam"),
            ("hola cuánto", "spam"),
        ]
        let test = try file("test.csv", "text,label\n" + rows.map { "\($0.0),\($0.1)\n" }.joined())
        let e = try run(["evaluate", "--model", model, test, "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["n"] as? Int, 4)
        // The metrics, recomputed here from classify's answers to the same messages.
        let answers = try run(["classify", "--model", model], stdin: rows.map { $0.0 + "\n" }.joined())
        let predicted = answers.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        XCTAssertEqual(predicted.count, 4)
        let truths = rows.map(\.1)
        XCTAssertEqual(json["accuracy"] as? Double ?? -1, Double(zip(truths, predicted).filter { $0 == $1 }.count) / 4, accuracy: 1e-6)
        let perClass = json["per_class"] as! [String: [String: Any]]
        var f1s: [Double] = []
        for label in ["precio", "saludo", "spam"] {
            let tp = Double(zip(truths, predicted).filter { $0 == label && $1 == label }.count)
            let support = Double(truths.filter { $0 == label }.count)
            let guessed = Double(predicted.filter { $0 == label }.count)
            let p = guessed > 0 ? tp / guessed : 0
            let r = tp / support
            let f = p + r > 0 ? 2 * p * r / (p + r) : 0
            f1s.append(f)
            let got = try XCTUnwrap(perClass[label], label)
            XCTAssertEqual(got["precision"] as? Double ?? -1, p, accuracy: 1e-6, label)
            XCTAssertEqual(got["recall"] as? Double ?? -1, r, accuracy: 1e-6, label)
            XCTAssertEqual(got["f1"] as? Double ?? -1, f, accuracy: 1e-6, label)
            XCTAssertEqual(got["support"] as? Int, Int(support), label)
        }
        XCTAssertEqual(json["macro_f1"] as? Double ?? -1, f1s.reduce(0, +) / 3, accuracy: 1e-6)
        XCTAssertEqual(json["weighted_f1"] as? Double ?? -1, (f1s[0] + f1s[1] + 2 * f1s[2]) / 4, accuracy: 1e-6)
        let confusion = json["confusion"] as! [String: Any]
        XCTAssertEqual(confusion["labels"] as? [String], ["precio", "saludo", "spam"])
        let text = try run(["evaluate", "--model", model, test])
        XCTAssertTrue(text.stdout.contains("accuracy"), text.stdout)

        let out = dir.appendingPathComponent("labelled.csv").path
        let p = try run(["predict", "--model", model, test, "-o", out])
        XCTAssertEqual(p.status, 0, p.stderr)
        let labelled = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(labelled.hasPrefix("text,label,predicted_label,probability\n"), labelled)
        XCTAssertEqual(labelled.split(separator: "\n").count, 5)
    }

    func testClassifyJSONAndEmptyLinesAndGarbage() throws {
        let model = try trainedModel()
        var input = Array("hola\n\n".utf8)
        input += [0xFF, 0xFE, 0x00, 0x01, 0xC3, 0x28, 0x0A]
        input += Array("cuánto cuesta\r\n".utf8)
        let r = try run(["classify", "--model", model], stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 5, r.stdout)
        XCTAssertEqual(lines[1], "")
        XCTAssertTrue(lines[3].hasPrefix("precio\t"), r.stdout)
        let j = try run(["classify", "--model", model, "--format", "json"], stdin: "hola\n")
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["label"] as? String, "saludo")
        XCTAssertEqual((obj["probabilities"] as? [String: Any])?.count, 3)
    }

    func testClassifyAnswersEachLineBeforeTheNextArrives() throws {
        let model = try trainedModel()
        let p = Process()
        p.executableURL = Self.executable
        p.arguments = ["classify", "--model", model]
        let inPipe = Pipe()
        let outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try p.run()
        // An answer held back in a buffer would block the read below: the watchdog turns that
        // hang into a failure.
        let killed = watchdog(p, seconds: 60)
        defer { XCTAssertFalse(killed.value, "classify did not answer within 60 s") }
        for message in ["hola buenas", "cuánto cuesta"] {
            inPipe.fileHandleForWriting.write(Data((message + "\n").utf8))
            // The answer must arrive while the input stays open.
            // A buffered answer would never come: wait 30 s at most, then kill and fail.
            let box = DataBox()
            let answered = DispatchSemaphore(value: 0)
            let output = outPipe.fileHandleForReading
            DispatchQueue.global().async {
                while !box.data.contains(0x0A) {
                    let chunk = output.availableData
                    if chunk.isEmpty { break }
                    box.data.append(chunk)
                }
                answered.signal()
            }
            if answered.wait(timeout: .now() + 30) == .timedOut {
                XCTFail("no answer to `\(message)` within 30 s while the input stays open")
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                return
            }
            XCTAssertTrue(box.data.contains(0x0A), "classify closed its output")
            XCTAssertTrue(String(decoding: box.data, as: UTF8.self).contains("\t"))
        }
        try inPipe.fileHandleForWriting.close()
        XCTAssertTrue(waitForExit(p, seconds: 30), "classify did not end after its input closed")
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testHelpHasExamples() throws {
        for command in ["train", "evaluate", "predict", "classify", "tokenize"] {
            let r = try run([command, "--help"])
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains("Examples:"), command)
        }
    }

    // MARK: Bad input

    func assertFails(_ arguments: [String], stdin: String = "", status: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(arguments, stdin: stdin)
        XCTAssertEqual(r.status, status, "\(arguments): \(r.stderr)", file: file, line: line)
        for m in mentions {
            XCTAssertTrue(r.stderr.contains(m), "\(arguments): stderr lacks \(m): \(r.stderr)", file: file, line: line)
        }
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    func testMissingFile() throws {
        let missing = dir.appendingPathComponent("nope.csv").path
        try assertFails(["train", missing, "-o", dir.appendingPathComponent("x.criba").path], status: 66, mentions: [missing, "no such file"])
    }

    func testEmptyFile() throws {
        let empty = try file("empty.csv", "")
        try assertFails(["train", empty, "-o", dir.appendingPathComponent("x.criba").path], status: 65, mentions: [empty, "empty"])
    }

    func testHeaderWithoutColumn() throws {
        let data = try file("cols.csv", "mensaje,tipo\nhola,saludo\n")
        try assertFails(["train", data, "-o", dir.appendingPathComponent("x.criba").path], status: 65, mentions: [data + ":1", "`text`", "`mensaje`"])
    }

    func testUnbalancedQuote() throws {
        let data = try file("quote.csv", "text,label\nhola,saludo\nchao,saludo\n\"sin cerrar,precio\nmas,precio\n")
        try assertFails(["train", data, "-o", dir.appendingPathComponent("x.criba").path], status: 65, mentions: [data + ":4:1", "unbalanced quote"])
    }

    func testInvalidUTF8() throws {
        let data = try file("bad.csv", Array("text,label\nhola,saludo\n".utf8) + [0x61, 0xFF, 0x62] + Array(",precio\n".utf8))
        try assertFails(["train", data, "-o", dir.appendingPathComponent("x.criba").path, "--encoding", "utf-8"], status: 65, mentions: [data + ":3:2", "UTF-8"])
    }

    func testWindows1252IsReadWithAWarning() throws {
        var bytes = Array("text;label\r\n".utf8)
        for (t, l) in [("cu\u{E1}nto cuesta", "precio"), ("a c\u{F3}mo est\u{E1}", "precio"), ("hola", "saludo"), ("buenos d\u{ED}as", "saludo")] {
            bytes += t.unicodeScalars.map { UInt8($0.value) } + Array(";\(l)\r\n".utf8)
        }
        let data = try file("excel.csv", bytes)
        let model = dir.appendingPathComponent("w.criba").path
        let r = try run(["train", data, "-o", model])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("Windows-1252"), r.stderr)
    }

    func testTenMegabyteLine() throws {
        let long = String(repeating: "cuanto cuesta el queque ", count: 440_000)
        let data = try file("long.csv", Self.smallTraining + "\"\(long)\",precio\n")
        let model = dir.appendingPathComponent("long.criba").path
        // Beyond the default maximum of 1 MiB: refused, naming the line.
        try assertFails(["train", data, "-o", model], status: 65, mentions: [data + ":14: ", "longer than 1048576 bytes", "--max-line-bytes"])
        // Lines before the long one are answered first.
        let refused = try run(["classify", "--model", try trainedModel()], stdin: "hola\n" + long + "\n")
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("-:2: the line is longer than 1048576 bytes"), refused.stderr)
        XCTAssertTrue(refused.stdout.hasPrefix("saludo\t"), refused.stdout)
        XCTAssertEqual(refused.stdout.split(separator: "\n").count, 1)
        // Allowed when asked for.
        let r = try run(["train", data, "-o", model, "--quiet", "--max-line-bytes", "11000000"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = try run(["classify", "--model", model, "--max-line-bytes", "11000000"], stdin: long + "\n")
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.hasPrefix("precio\t"), String(c.stdout.prefix(100)))
    }

    func testLabelWithOneExample() throws {
        let data = try file("one.csv", "text,label\nhola,saludo\nbuenas,saludo\ncuánto cuesta,precio\n")
        try assertFails(["train", data, "-o", dir.appendingPathComponent("x.criba").path], status: 65, mentions: [data + ":4", "`precio`", "only one example"])
    }

    func testModelPathThatIsADirectory() throws {
        let data = try file("train.csv", Self.smallTraining)
        try assertFails(["train", data, "-o", dir.path], status: 74, mentions: [dir.path, "directory"])
        try assertFails(["classify", "--model", dir.path], stdin: "hola\n", status: 66, mentions: [dir.path, "directory"])
    }

    func testCorruptedAndTruncatedModels() throws {
        let model = try trainedModel()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let truncated = try file("t.criba", Array(bytes.prefix(bytes.count - 100)))
        try assertFails(["classify", "--model", truncated], stdin: "hola\n", status: 65, mentions: [truncated, "truncated"])
        bytes[bytes.count / 2] ^= 1
        let corrupted = try file("c.criba", bytes)
        try assertFails(["evaluate", "--model", corrupted, model], status: 65, mentions: [corrupted, "corrupted"])
    }

    func testFailedTrainingLeavesExistingModelIntact() throws {
        let model = try trainedModel()
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        let bad = try file("bad2.csv", "text,label\nhola,saludo\n\"roto,precio\n")
        try assertFails(["train", bad, "-o", model], status: 65, mentions: ["unbalanced quote"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testUsageErrorsExit64() throws {
        let r = try run(["train"])
        XCTAssertEqual(r.status, 64)
        let t = try run(["classify", "--threshold", "2"], stdin: "")
        XCTAssertEqual(t.status, 64)
    }

    /// Inputs that used to be accepted and then lost data or wrote a model nothing could use.
    func testOutputsThatWouldDestroyInputsOrModelsAreRefused() throws {
        let model = try trainedModel()
        let data = try file("same.csv", Self.smallTraining)
        let original = try Data(contentsOf: URL(fileURLWithPath: data))
        // An output naming an input file would replace it.
        try assertFails(["train", data, "-o", data], status: 64, mentions: ["is the input file"])
        try assertFails(["predict", "--model", model, data, "-o", data], status: 64, mentions: ["is the input file"])
        try assertFails(["evaluate", "--model", model, data, "--report", data], status: 64, mentions: ["is the input file"])
        try assertFails(["train", data, "-o", ""], status: 64, mentions: ["output path is empty"])
        // … and so would one naming the file standard input reads, the model CRIBA_MODEL
        // names, or a thresholds file.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "exec \"$0\" train - -o \"$1\" < \"$1\" 2>/dev/null", Self.executable.path, data]
        try shell.run()
        shell.waitUntilExit()
        XCTAssertEqual(shell.terminationStatus, 64, "train - -o FILE < FILE")
        let messages = try file("msgs.txt", "hola\n")
        let learner = Process()
        learner.executableURL = URL(fileURLWithPath: "/bin/sh")
        learner.arguments = ["-c", "exec \"$0\" learn --model \"$1\" --label saludo -o \"$2\" < \"$2\" 2>/dev/null", Self.executable.path, model, messages]
        try learner.run()
        learner.waitUntilExit()
        XCTAssertEqual(learner.terminationStatus, 64, "learn --label L -o FILE < FILE")
        XCTAssertEqual(try String(contentsOfFile: messages, encoding: .utf8), "hola\n")
        let modelBytes = try Data(contentsOf: URL(fileURLWithPath: model))
        for arguments in [["predict", data, "-o", model], ["evaluate", data, "--report", model]] {
            let r = try run(arguments, environment: ["CRIBA_MODEL": model])
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("is the input file"), r.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), modelBytes)
        let thresholds = try file("th.txt", "saludo\t0.5\n")
        try assertFails(["predict", "--model", model, data, "--label-thresholds", thresholds, "-o", thresholds], status: 64, mentions: ["is the input file"])
        XCTAssertEqual(try String(contentsOfFile: thresholds, encoding: .utf8), "saludo\t0.5\n")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: data)), original)

        // Labels must be one line without tabs: the model file stores one per line, and
        // answers are `label<TAB>probability`.
        let out = dir.appendingPathComponent("never.criba").path
        let newline = try file("nl.csv", Self.smallTraining + "\"hola\",\"dos\nlíneas\"\n\"chau\",\"dos\nlíneas\"\n")
        try assertFails(["train", newline, "-o", out], status: 65, mentions: ["nl.csv:", "line break"])
        let tab = try file("tab.csv", Self.smallTraining + "hola,\"con\ttab\"\nchau,\"con\ttab\"\n")
        try assertFails(["train", tab, "-o", out], status: 65, mentions: ["tab.csv:", "a tab"])
        try assertFails(["learn", "--model", model, "--label", "a\r\nb", "-o", out], stdin: "hola\n", status: 64, mentions: ["carriage return"])
        try assertFails(["learn", "--model", model, "--label", "sp\u{85}am", "-o", out], stdin: "hola\n", status: 64, mentions: ["U+0085"])
        // A learning rate that blows the weights up leaves no model, even when they stay finite.
        try assertFails(["learn", "--model", model, "--label", "saludo", "--learning-rate", "1e38", "-o", out], stdin: "compra ya\n", status: 65, mentions: ["exceed 1e20"])
        try assertFails(["learn", "--model", model, "--label", "saludo", "--times", "9223372036854775807", "-o", out], stdin: "hola\n", status: 64, mentions: ["--times"])
        try assertFails(["learn", "--model", model, "--label", "saludo", "-o", out], stdin: "\n  \n", status: 65, mentions: ["no messages to learn"])

        // Options that are not numbers are refused; training that diverges writes nothing.
        try assertFails(["train", data, "-o", out, "--algorithm", "nb", "--alpha", "nan"], status: 64, mentions: ["--alpha"])
        try assertFails(["train", data, "-o", out, "--c", "inf"], status: 64, mentions: ["--c"])
        try assertFails(["train", data, "-o", out, "--learning-rate", "1e300"], status: 65, mentions: ["not finite"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        // Labels the model does not know are named in a warning.
        let unknown = try file("unknown.csv", "text,label\nhola buenas,saludo\ncuánto vale,valor\n")
        let e = try run(["evaluate", "--model", model, unknown])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stderr.contains("1 row(s) have labels the model does not know (`valor`)"), e.stderr)
    }

    // MARK: Trust: unsure, top-k, explanations, calibration, evaluation

    func testTopKAndExplainInTSVAndJSON() throws {
        let model = try trainedModel()
        let r = try run(["classify", "--model", model, "--top-k", "2"], stdin: "cuánto cuesta el queque\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let fields = r.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(fields.count, 6, r.stdout)
        XCTAssertEqual(fields[0], "precio")
        XCTAssertEqual(fields[2], "precio", "the K ranked labels follow the answer")
        XCTAssertEqual(fields[1], fields[3])
        XCTAssertGreaterThanOrEqual(Double(fields[3])!, Double(fields[5])!)
        // Unsure: the same fields, the answer being the unsure label.
        let u = try run(["classify", "--model", model, "--top-k", "2", "--threshold", "1"], stdin: "cuánto cuesta el queque\n")
        XCTAssertEqual(u.status, 0, u.stderr)
        let unsure = u.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(unsure.count, 6, u.stdout)
        XCTAssertEqual(unsure[0], "unsure")
        XCTAssertEqual(unsure[2], "precio")
        XCTAssertEqual(unsure[1], unsure[3], "the unsure answer carries the top label's probability")

        let x = try run(["classify", "--model", model, "--explain"], stdin: "cuánto cuesta el queque\n")
        XCTAssertEqual(x.status, 0, x.stderr)
        let parts = x.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(parts.count, 3, x.stdout)
        let features = parts[2].split(separator: " ")
        XCTAssertEqual(features.count, 5, x.stdout)
        let weights = features.map { Double($0.split(separator: ":").last!)! }
        XCTAssertEqual(weights, weights.sorted(by: >))
        XCTAssertTrue(features.contains { $0.hasPrefix("w:cuest") || $0.hasPrefix("w:cuant") }, x.stdout)

        let j = try run(["classify", "--model", model, "--format", "json", "--top-k", "2", "--explain"], stdin: "hola\n")
        XCTAssertEqual(j.status, 0, j.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        let top = obj["top"] as! [[String: Any]]
        XCTAssertEqual(top.count, 2)
        XCTAssertEqual(top[0]["label"] as? String, "saludo")
        XCTAssertEqual((obj["probabilities"] as? [String: Any])?.count, 3)
        let explanation = obj["explanation"] as! [[String: Any]]
        XCTAssertFalse(explanation.isEmpty)
        XCTAssertNotNil(explanation[0]["feature"] as? String)
        XCTAssertNotNil(explanation[0]["weight"] as? Double)
        try assertFails(["classify", "--model", model, "--top-k", "0"], stdin: "hola\n", status: 64, mentions: ["--top-k"])
    }

    func testDefaultModelExplainsThePriceQuestion() throws {
        let r = try run(["classify", "--explain"], stdin: "buenas, a como el kilo de carne?\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("precio\t"), r.stdout)
        XCTAssertTrue(r.stdout.contains("n:a_com:") || r.stdout.contains("w:kil:"), r.stdout)
    }

    /// The shipped model stores held-out thresholds for 0.90/0.95/0.97/0.99; any other target
    /// is measured on the evaluated data, however close (0.946 is not 0.95).
    func testStoredThresholdsServeOnlyTheirExactTargets() throws {
        let test = Self.root.appendingPathComponent("Data/test.csv").path
        var chosen: [String] = []
        for target in ["0.95", "0.946"] {
            let e = try run(["evaluate", test, "--json", "--target-accuracy", target])
            XCTAssertEqual(e.status, 0, e.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
            chosen.append((json["target"] as! [String: Any])["chosen_on"] as! String)
        }
        XCTAssertEqual(chosen, ["held_out_folds", "evaluated_data"])
    }

    func testLabelThresholdsFile() throws {
        let model = try trainedModel()
        let thresholds = try file("t.txt", "# precio needs certainty\nprecio\t1\nsaludo=0.1\n")
        let r = try run(
            ["classify", "--model", model, "--label-thresholds", thresholds, "--unsure-label", "revisar"],
            stdin: "cuánto cuesta el queque\nhola buenas\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("revisar\t"), r.stdout)
        XCTAssertTrue(lines[1].hasPrefix("saludo\t"), r.stdout)
        let data = try file("p.csv", "text\ncuánto cuesta el queque\n")
        let p = try run(["predict", "--model", model, data, "--label-thresholds", thresholds, "--unsure-label", "revisar"])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stdout.contains(",revisar,"), p.stdout)

        let bad = try file("bad.txt", "precio=0.5\nprecio 0.7\n")
        try assertFails(["classify", "--model", model, "--label-thresholds", bad], stdin: "hola\n", status: 65, mentions: [bad + ":2", "label<TAB>probability"])
        let unknown = try file("unknown.txt", "\nenvio=0.5\n")
        try assertFails(["predict", "--model", model, data, "--label-thresholds", unknown], status: 65, mentions: [unknown + ":2", "`envio`"])
        let missing = dir.appendingPathComponent("nope.txt").path
        try assertFails(["classify", "--model", model, "--label-thresholds", missing], stdin: "hola\n", status: 66, mentions: [missing])
    }

    func testTrainCalibrateAndEvaluateReportsCalibrationAndCoverage() throws {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("cal.criba").path
        let t = try run(["train", data, "-o", model, "--calibrate", "--folds", "2"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stderr.contains("calibrated: temperature"), t.stderr)
        let e = try run(["evaluate", "--model", model, data, "--json", "--target-accuracy", "0.9"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
        for key in ["n", "accuracy", "macro_f1", "weighted_f1", "per_class", "confusion", "ece", "log_loss", "coverage", "uncalibrated", "target"] {
            XCTAssertNotNil(json[key], key)
        }
        let coverage = json["coverage"] as! [[String: Any]]
        XCTAssertEqual(coverage.map { $0["threshold"] as! Double }, [0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99])
        XCTAssertEqual(coverage[0]["coverage"] as? Double, 1)
        XCTAssertNil(json["roc_auc"], "three labels: no ROC-AUC")
        let text = try run(["evaluate", "--model", model, data, "--target-accuracy", "0.9"])
        XCTAssertTrue(text.stdout.contains("ECE"), text.stdout)
        XCTAssertTrue(text.stdout.contains("temperature 1:"), text.stdout)
        XCTAssertTrue(text.stdout.contains("target accuracy 0.900: threshold"), text.stdout)
        try assertFails(["train", data, "-o", model, "--calibrate", "--tune"], status: 64, mentions: ["--calibrate"])
    }

    func testTrainCalibrationBias() throws {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("bias.criba").path
        let t = try run(["train", data, "-o", model, "--calibrate", "--calibration", "bias", "--folds", "2"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stderr.contains("offsets"), t.stderr)
        let e = try run(["evaluate", "--model", model, data, "--target-accuracy", "0.9"])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stdout.contains("ECE"), e.stdout)
        try assertFails(["train", data, "-o", model, "--calibration", "bias"], status: 64, mentions: ["--calibration", "--calibrate"])
        try assertFails(["train", data, "-o", model, "--calibrate", "--calibration", "platt"], status: 64, mentions: ["--calibration"])
    }

    /// ``smallTraining`` with a `business` column of four values.
    static var groupedTraining: String {
        let lines = smallTraining.split(separator: "\n")
        return "text,label,business\n" + lines.dropFirst().enumerated().map { "\($1),negocio_\($0 % 4)" }.joined(separator: "\n") + "\n"
    }

    func testGroupColumnForCalibrationAndCrossValidation() throws {
        let data = try file("grouped.csv", Self.groupedTraining)
        let model = dir.appendingPathComponent("grouped.criba").path
        let t = try run(["train", data, "-o", model, "--calibrate", "--folds", "2", "--group-column", "business"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stderr.contains("folds grouped by `business` (4 groups)"), t.stderr)
        let e = try run(["evaluate", "--folds", "2", "--group-column", "business", data, "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any])["n"] as? Int, 12)
        try assertFails(["train", data, "-o", model, "--calibrate", "--folds", "5", "--group-column", "business"], status: 65,
                        mentions: [data, "`business` has 4 distinct value(s), fewer than the 5 folds"])
        try assertFails(["train", data, "-o", model, "--group-column", "business"], status: 64, mentions: ["--group-column", "--calibrate"])
        try assertFails(["evaluate", "--model", model, data, "--group-column", "business"], status: 64, mentions: ["--group-column", "--folds"])
    }

    func testMissingGroupColumnNamesTheFileAndTheColumns() throws {
        let data = try file("grouped.csv", Self.groupedTraining)
        let model = dir.appendingPathComponent("x.criba").path
        for arguments in [["train", data, "-o", model, "--calibrate", "--group-column", "negocio"],
                          ["train", data, "-o", model, "--tune", "--group-column", "negocio"],
                          ["evaluate", "--folds", "2", data, "--group-column", "negocio"]] {
            try assertFails(arguments, status: 65, mentions: [data + ":1", "no column named `negocio`", "`text`, `label`, `business`", "--group-column"])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))
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

    func testCrossValidatedTwoLabelEvaluationWithHTMLReport() throws {
        var csv = "text,label\n"
        for i in 0..<10 {
            csv += "hola buenas \(i) <b>\"amigo\"</b>,saludo\n"
            csv += "ganaste un premio número \(i) ingresá & cobrá,spam\n"
        }
        csv += "hola ganaste,spam\nhola premio,saludo\npremio gratis ya,spam\n"
        let data = try file("two.csv", csv)
        let report = dir.appendingPathComponent("r.html").path
        let r = try run(["evaluate", "--folds", "3", data, "--json", "--report", report, "--target-accuracy", "0.9"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["n"] as? Int, 23)
        XCTAssertNotNil(json["roc_auc"] as? Double)
        XCTAssertNotNil(json["pr_auc"] as? Double)
        XCTAssertEqual(json["positive_label"] as? String, "spam", "spam is the positive label when it is one of the two")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        try assertWellFormed(html)
        for title in ["Confusion matrix heatmap", "F1 per label", "Reliability diagram", "Coverage–accuracy curve"] {
            XCTAssertTrue(html.contains("\">\(title)</title>"), title)
        }
        // Counts and row-% confusion, F1, ROC, PR, reliability, coverage.
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 7)
        for title in ["ROC (positive: spam)", "Precision-recall (positive: spam)", "macro average", "weighted average"] {
            XCTAssertTrue(html.contains(title), title)
        }
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertFalse(html.contains("<b>\"amigo"), "message text is escaped")
        XCTAssertTrue(html.contains("Most confident mistakes"))
        try assertFails(["evaluate", "--folds", "3", "--model", "m.criba", data], status: 64, mentions: ["--folds"])
        try assertFails(["evaluate", "--folds", "1", data], status: 64, mentions: ["--folds"])
    }

    func testLinearSVMTrainsClassifiesAndTakesItsOwnDefaults() throws {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("svm.criba").path
        let train = try run(["train", data, "--algorithm", "svm", "-o", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("trained svm"), train.stderr)
        let c = try run(["classify", "--model", model, "--format", "json"], stdin: "a cómo el kilo de queso?\n")
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("\"label\""), c.stdout)
        let tokens = try run(["tokenize", "--model", model, "hola"])
        XCTAssertEqual(tokens.status, 0, tokens.stderr)
        try assertFails(["train", data, "--algorithm", "svm", "--c", "0", "-o", model], status: 64, mentions: ["--c"])
        try assertFails(["train", data, "--algorithm", "svm", "--learning-rate", "-1", "-o", model], status: 64, mentions: ["--learning-rate"])
    }

    // MARK: Learning and merging

    func testLearnThenUnlearnRestoresTheModelFile() throws {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("nb.criba").path
        XCTAssertEqual(try run(["train", data, "--algorithm", "nb", "-o", model, "--quiet"]).status, 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: model))
        let messages = "a cómo el kilo de queso?\n\nxq no me responden\n"
        let learn = try run(["learn", "--model", model, "--label", "precio"], stdin: messages)
        XCTAssertEqual(learn.status, 0, learn.stderr)
        XCTAssertTrue(learn.stderr.contains("learned 2 message(s)"), learn.stderr)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        let c = try run(["classify", "--model", model], stdin: "xq no me responden\n")
        XCTAssertTrue(c.stdout.hasPrefix("precio\t"), c.stdout)
        let unlearn = try run(["unlearn", "--model", model, "--label", "precio"], stdin: messages)
        XCTAssertEqual(unlearn.status, 0, unlearn.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        // Once more is too much: the error names standard input and the line.
        try assertFails(["unlearn", "--model", model, "--label", "precio"], stdin: messages, status: 65, mentions: ["-:1", "was never learned with `criba learn`"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        // A message of the training data, made of words the model knows: refused unless asked
        // for (it used to be subtracted silently).
        let trainingRow = "cuánto cuesta el queque\n"
        try assertFails(["unlearn", "--model", model, "--label", "precio"], stdin: trainingRow, status: 65, mentions: ["-:1", "--training-messages"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        let forced = try run(["unlearn", "--model", model, "--label", "precio", "--training-messages"], stdin: trainingRow)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
    }

    func testLearnFromCSVAndUnlearnRefusedForLogisticRegression() throws {
        let model = try trainedModel()
        let corrections = try file("fix.csv", "text,label\nhola buenas noches,saludo\ncuánto vale,precio\n")
        let learn = try run(["learn", "--model", model, corrections, "--quiet"])
        XCTAssertEqual(learn.status, 0, learn.stderr)
        XCTAssertEqual(learn.stderr, "")
        try assertFails(["unlearn", "--model", model, corrections], status: 65, mentions: [model, "nb or cnb"])
        let unknown = try file("unknown.csv", "text,label\nhola,saludo\nquiero trabajar,empleo\n")
        try assertFails(["learn", "--model", model, unknown], status: 65, mentions: [unknown + ":3", "`empleo`"])
        try assertFails(["learn", "--model", model], status: 64, mentions: ["--label"])
        try assertFails(["learn", "--model", dir.appendingPathComponent("none.criba").path, "--label", "x"], status: 66, mentions: ["none.criba"])
    }

    func testCountsOnlyShardsMergeToTheOneProcessModel() throws {
        let lines = Self.smallTraining.split(separator: "\n").dropFirst()
        // Shards cut from a file sorted by label: the first holds one label only.
        let a = try file("a.csv", "text,label\n" + lines.prefix(4).joined(separator: "\n") + "\n")
        let b = try file("b.csv", "text,label\n" + lines.dropFirst(4).joined(separator: "\n") + "\n")
        let whole = try file("whole.csv", Self.smallTraining)
        var outputs: [String] = []
        for (name, data) in [("a", a), ("b", b)] {
            let out = dir.appendingPathComponent("\(name).criba").path
            let r = try run(["train", data, "--counts-only", "--quiet", "-o", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            outputs.append(out)
        }
        let merged = dir.appendingPathComponent("merged.criba").path
        let m = try run(["merge"] + outputs + ["-o", merged])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stderr.contains("merged 2 models"), m.stderr)
        let single = dir.appendingPathComponent("single.criba").path
        XCTAssertEqual(try run(["train", whole, "--algorithm", "nb", "--quiet", "-o", single]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: merged)), try Data(contentsOf: URL(fileURLWithPath: single)))
        try assertFails(["train", whole, "--counts-only", "--algorithm", "lr", "-o", single], status: 64, mentions: ["nb or cnb"])
        try assertFails(["train", whole, "--counts-only", "--min-count", "2", "-o", single], status: 64, mentions: ["--min-count"])
        try assertFails(["merge", outputs[0], try trainedModel(), "-o", merged], status: 65, mentions: ["m.criba", "svm"])
        // Two shards of one label make a model of one label.
        let half = try file("half.csv", "text,label\n" + lines.prefix(2).joined(separator: "\n") + "\n")
        let halfModel = dir.appendingPathComponent("half.criba").path
        XCTAssertEqual(try run(["train", half, "--counts-only", "--quiet", "-o", halfModel]).status, 0)
        try assertFails(["merge", outputs[0], halfModel, "-o", merged], status: 65, mentions: ["only one label (`saludo`)"])
        try assertFails(["merge", outputs[0], outputs[0], "-o", merged], status: 64, mentions: ["the same file"])
        try assertFails(["classify", "--model", outputs[0]], stdin: "hola\n", status: 65, mentions: ["count shard with one label"])
        try assertFails(["train", a, "--quiet", "-o", single], status: 65, mentions: ["only one label"])
    }

    /// Options that would train or report something meaningless are refused up front.
    func testTuneAndGroupColumnRefuseMeaninglessCombinations() throws {
        let data = try file("grouped.csv", Self.groupedTraining)
        let out = dir.appendingPathComponent("never.criba").path
        try assertFails(["train", data, "-o", out, "--tune", "--algorithm", "nb"], status: 64, mentions: ["--tune", "--algorithm"])
        try assertFails(["train", data, "-o", out, "--calibrate", "--group-column", "label"], status: 64, mentions: ["is the label column"])
        try assertFails(["evaluate", "--folds", "2", "--group-column", "LABEL", data], status: 64, mentions: ["is the label column"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// `predict` quotes on bytes (a comma before a combining accent is still a comma), leaves
    /// newline-only texts unclassified like blank ones, and `-o -` is standard output.
    func testPredictQuotesFieldsByteWiseAndWritesDashToStandardOutput() throws {
        let model = try trainedModel()
        let data = try file("marks.csv", "id,text\n1,\",\u{301} precio\"\n2,\"a\"\"\u{301}b\"\n3,\"\n\"\n")
        let out = dir.appendingPathComponent("marks-out.csv").path
        let r = try run(["predict", "--model", model, data, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        let rows = written.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        XCTAssertTrue(rows[1].hasPrefix("1,\",\u{301} precio\","), written.debugDescription)
        XCTAssertTrue(rows[2].hasPrefix("2,\"a\"\"\u{301}b\","), written.debugDescription)
        XCTAssertTrue(written.contains("3,\"\n\",,\n"), written.debugDescription)
        // The output reads back as the same fields (its prediction columns renamed: predict
        // refuses an input that has them already).
        let refused = try run(["predict", "--model", model, out, "-o", "-"])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        let renamed = try file("renamed.csv", written.replacingOccurrences(of: "id,text,predicted_label,probability\n", with: "id,text,label,p\n"))
        let again = try run(["predict", "--model", model, renamed, "-o", "-"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("id,text,label,p,predicted_label,probability\n"), again.stdout)
        XCTAssertEqual(again.stdout.unicodeScalars.filter { $0 == "\n" }.count, written.unicodeScalars.filter { $0 == "\n" }.count)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
        let t = try run(["train", try file("small.csv", Self.smallTraining), "--quiet", "-o", "-"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.hasPrefix("CRIBA"), String(t.stdout.prefix(16)))
    }

    // MARK: Example executable

    func testAutoResponderRepliesPerLabel() throws {
        let responder = Self.executable.deletingLastPathComponent().appendingPathComponent("criba-autoresponder")
        let p = Process()
        p.executableURL = responder
        let inPipe = Pipe()
        let outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try p.run()
        inPipe.fileHandleForWriting.write(
            Data("hola, cuánto cuesta el queque de chocolate?\n\nGANASTE UN IPHONE, ingresá a http://premio.example.com\na qué hora abren el domingo?\n".utf8))
        try inPipe.fileHandleForWriting.close()
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 5, out)
        XCTAssertTrue(lines[0].hasPrefix("precio\t"), out)
        XCTAssertTrue(lines[0].contains("precio"), out)
        XCTAssertEqual(lines[1], "")
        XCTAssertEqual(lines[2], "spam\t(ignored)")
        XCTAssertTrue(lines[3].hasPrefix("horario\tAtendemos"), out)
    }
}
