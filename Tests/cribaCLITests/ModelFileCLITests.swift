import Foundation
import XCTest

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Model files under real pipes, signals and parallel processes. Every run has a time limit:
/// a hang kills the process and fails the test instead of stopping the suite.
final class ModelFileCLITests: XCTestCase {
    struct Run {
        var status: Int32
        var signalled: Bool
        var stdout: String
        var stderr: String
    }

    lazy var dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("criba-mf-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }()

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Starts `criba` with `arguments`; standard input is `stdin` (or nothing).
    func start(_ arguments: [String], stdin: [UInt8] = []) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = arguments
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        let input = inPipe.fileHandleForWriting
        DispatchQueue.global().async {
            input.write(Data(stdin))
            try? input.close()
        }
        return (p, outPipe, errPipe)
    }

    /// Waits for `p` at most `seconds`, then kills it and fails.
    func finish(_ p: Process, _ out: Pipe, _ err: Pipe, seconds: Double = 60, file: StaticString = #filePath, line: UInt = #line) -> Run {
        let outBox = DataBox()
        let errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(out, outBox), (err, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(2000) }
        if p.isRunning {
            XCTFail("criba \(p.arguments ?? []) did not finish within \(seconds) s; killed", file: file, line: line)
            kill(p.processIdentifier, SIGKILL)
        }
        p.waitUntilExit()
        group.wait()
        return Run(
            status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outBox.data, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    func run(_ arguments: [String], stdin: String = "", seconds: Double = 60, file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let (p, o, e) = try start(arguments, stdin: Array(stdin.utf8))
        return finish(p, o, e, seconds: seconds, file: file, line: line)
    }

    /// A naive Bayes count model of the small training set (learn, unlearn and merge work on it).
    func countModel(_ name: String = "m.criba", data: String = CLITests.smallTraining) throws -> String {
        let csv = path(name + ".csv")
        try Data(data.utf8).write(to: URL(fileURLWithPath: csv))
        let r = try run(["train", csv, "--counts-only", "-o", path(name), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path(name)
    }

    /// The `N rows` a learn/unlearn/merge summary line reports.
    func rows(_ summary: String) -> Int? {
        guard let r = summary.range(of: #"[0-9]+ rows"#, options: .regularExpression) else { return nil }
        return Int(summary[r].dropLast(5))
    }

    func temporaryFiles(of name: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix(".\(name).tmp.") }
    }

    // MARK: Reading a model from a pipe or standard input

    /// The writer sends the model and closes its end at once: a reader that opened the pipe,
    /// closed it and opened it again would then wait forever for another writer (a race the
    /// writer wins often, so the test tries ten times).
    func testModelFromANamedPipeIsReadThroughTheFirstDescriptorOpened() throws {
        let model = try countModel()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        for attempt in 1...10 {
            let fifo = path("model-\(attempt).fifo")
            XCTAssertEqual(mkfifo(fifo, 0o600), 0)
            let (p, out, err) = try start(["classify", "--model", fifo], stdin: Array("hola buenas\n".utf8))
            let writer = Thread {
                // A reader gone early makes the write fail with EPIPE, not end the test process.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                let fd = open(fifo, O_WRONLY)  // returns once criba opened the pipe for reading
                guard fd >= 0 else { return }
                _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
            writer.start()
            let r = finish(p, out, err, seconds: 10)
            XCTAssertEqual(r.status, 0, "attempt \(attempt): \(r.stderr)")
            XCTAssertEqual(r.stdout.split(separator: "\t").first, "saludo", "attempt \(attempt)")
            if r.status != 0 { break }
        }
    }

    func testAModelOnTheStandardInputThatCarriesTheMessagesIsRefused() throws {
        let model = try countModel()
        for arguments in [["classify", "--model", "/dev/stdin"], ["classify", "--model", model], ["learn", "--model", "/dev/stdin", "--label", "saludo"]] {
            let p = Process()
            p.executableURL = CLITests.executable
            p.arguments = arguments
            p.standardInput = FileHandle(forReadingAtPath: model)
            let out = Pipe()
            let err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let r = finish(p, out, err, seconds: 20)
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(arguments): nothing classified")
            XCTAssertTrue(r.stderr.contains("is standard input, which also carries the messages"), r.stderr)
        }
    }

    // MARK: Concurrent writers

    func testConcurrentLearnsOfOneModelAllLand() throws {
        let model = try countModel()
        let sequential = try countModel("sequential.criba")
        let messages = (1...4).map { "cuánto vale el artículo número \($0)" }
        for m in messages {
            XCTAssertEqual(try run(["learn", "--model", sequential, "--label", "precio", "--quiet"], stdin: m + "\n").status, 0)
        }
        let started = try messages.map { try start(["learn", "--model", model, "--label", "precio"], stdin: Array(($0 + "\n").utf8)) }
        let runs = started.map { finish($0.0, $0.1, $0.2, seconds: 60) }
        for r in runs { XCTAssertEqual(r.status, 0, r.stderr) }
        let reported = runs.compactMap { rows($0.stderr) }.sorted()
        XCTAssertEqual(reported, [13, 14, 15, 16], "each writer saw the others' corrections: \(runs.map(\.stderr))")
        // Naive Bayes counts add up in any order: the result is the sequential model's bytes.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), try Data(contentsOf: URL(fileURLWithPath: sequential)))
    }

    // MARK: merge

    func testMergeRefusesItsInputAsOutputAndOneModelTwice() throws {
        let a = try countModel("a.criba")
        let b = try countModel("b.criba", data: "text,label\nbuenas noches,saludo\nqué precio tiene,precio\n")
        let copy = path("copy.criba")
        try FileManager.default.copyItem(atPath: a, toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: a))
        let cases: [([String], String)] = [
            ([a, b, "-o", a], "is the input file"),
            ([a, a, "-o", path("m.criba")], "are the same file"),
            ([a, dir.path + "/./a.criba", "-o", path("m.criba")], "are the same file"),
            ([a, copy, "-o", path("m.criba")], "have the same bytes"),
        ]
        for (arguments, message) in cases {
            let r = try run(["merge"] + arguments)
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("m.criba")))
        XCTAssertEqual(try run(["merge", a, b, "-o", path("m.criba"), "--quiet"]).status, 0)
    }

    // MARK: Temporary files

    /// The process is stopped while its temporary file exists, sent the signal, and continued:
    /// it must remove the file before the signal ends it.
    func testTemporaryFileIsRemovedOnSIGTERMAndSIGINT() throws {
        let csv = CLITests.root.appendingPathComponent("Data/train.csv").path
        let big = path("big.criba")
        XCTAssertEqual(try run(["train", csv, "--counts-only", "-o", big, "--quiet"], seconds: 120).status, 0)
        for signal in [SIGTERM, SIGINT] {
            var caught = false
            for _ in 0..<40 where !caught {
                let (p, out, err) = try start(["learn", "--model", big, "--label", "precio", "-o", path("out.criba"), "--quiet"], stdin: Array("hola\n".utf8))
                var stopped = false
                while p.isRunning {
                    if !temporaryFiles(of: "out.criba").isEmpty {
                        kill(p.processIdentifier, SIGSTOP)
                        stopped = true
                        break
                    }
                }
                if stopped && !temporaryFiles(of: "out.criba").isEmpty {
                    caught = true
                    kill(p.processIdentifier, signal)
                }
                if stopped { kill(p.processIdentifier, SIGCONT) }
                let r = finish(p, out, err, seconds: 60)
                if caught {
                    XCTAssertTrue(r.signalled && r.status == signal, "ended by signal \(signal): \(r.status) \(r.stderr)")
                }
                try? FileManager.default.removeItem(atPath: path("out.criba"))
            }
            XCTAssertTrue(caught, "never caught the write of signal \(signal)'s run in progress")
            XCTAssertEqual(temporaryFiles(of: "out.criba"), [], "signal \(signal)")
        }
    }

    func testStaleTemporaryFileOfAKilledRunIsRemovedByTheNextWrite() throws {
        let model = try countModel()
        let stale = path(".m.criba.tmp.Ab12Cd")
        let busy = path(".m.criba.tmp.Zz98Yy")
        let unrelated = path(".m.criba.tmp.notours")
        for p in [stale, busy, unrelated] { XCTAssertTrue(FileManager.default.createFile(atPath: p, contents: Data("x".utf8))) }
        // A write in progress holds its temporary file locked.
        let held = open(busy, O_RDONLY)
        XCTAssertEqual(flock(held, LOCK_EX), 0)
        defer { close(held) }
        XCTAssertEqual(try run(["learn", "--model", model, "--label", "saludo", "--quiet"], stdin: "buenas\n").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "a killed run's file is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: busy), "a locked file belongs to a write in progress")
        XCTAssertTrue(FileManager.default.fileExists(atPath: unrelated), "not a temporary file name of this model")
    }

    // MARK: Setting roles

    func testLibraryMessagesNameTheCommandLineOptions() throws {
        let csv = path("cols.csv")
        try Data("mensaje,tipo\nhola,saludo\n".utf8).write(to: URL(fileURLWithPath: csv))
        let r = try run(["train", csv, "-o", path("x.criba")])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("choose one with --text-column"), r.stderr)
        let g = try run(["train", CLITests.root.appendingPathComponent("Data/train.csv").path, "--calibrate", "--group-column", "nope", "-o", path("x.criba")])
        XCTAssertTrue(g.stderr.contains("choose one with --group-column"), g.stderr)
    }
}
