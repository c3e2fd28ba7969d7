import Foundation
import XCTest

/// CLI tests: model files that are missing, corrupted or directories, and outputs that would replace inputs.
extension CLITests {
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
        let e = succeeded(try run(["evaluate", "--model", model, unknown]))
        XCTAssertTrue(e.stderr.contains("1 row(s) have labels the model does not know (`valor`)"), e.stderr)
    }
}
