import Foundation
import XCTest

/// CLI tests: classify command.
extension CLITests {
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

    func testClassifyJSONAndEmptyLinesAndGarbage() throws {
        let model = try trainedModel()
        var input = Array("hola\n\n".utf8)
        input += [0xFF, 0xFE, 0x00, 0x01, 0xC3, 0x28, 0x0A]
        input += Array("cuánto cuesta\r\n".utf8)
        let r = succeeded(try run(["classify", "--model", model], stdin: input))
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

    func testTopKAndExplainInTSVAndJSON() throws {
        let model = try trainedModel()
        let r = succeeded(try run(["classify", "--model", model, "--top-k", "2"], stdin: "cuánto cuesta el queque\n"))
        let fields = r.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(fields.count, 6, r.stdout)
        XCTAssertEqual(fields[0], "precio")
        XCTAssertEqual(fields[2], "precio", "the K ranked labels follow the answer")
        XCTAssertEqual(fields[1], fields[3])
        XCTAssertGreaterThanOrEqual(Double(fields[3])!, Double(fields[5])!)
        // Unsure: the same fields, the answer being the unsure label.
        let u = succeeded(try run(["classify", "--model", model, "--top-k", "2", "--threshold", "1"], stdin: "cuánto cuesta el queque\n"))
        let unsure = u.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(unsure.count, 6, u.stdout)
        XCTAssertEqual(unsure[0], "unsure")
        XCTAssertEqual(unsure[2], "precio")
        XCTAssertEqual(unsure[1], unsure[3], "the unsure answer carries the top label's probability")

        let x = succeeded(try run(["classify", "--model", model, "--explain"], stdin: "cuánto cuesta el queque\n"))
        let parts = x.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(parts.count, 3, x.stdout)
        let features = parts[2].split(separator: " ")
        XCTAssertEqual(features.count, 5, x.stdout)
        let weights = features.map { Double($0.split(separator: ":").last!)! }
        XCTAssertEqual(weights, weights.sorted(by: >))
        XCTAssertTrue(features.contains { $0.hasPrefix("w:cuest") || $0.hasPrefix("w:cuant") }, x.stdout)

        let j = succeeded(try run(["classify", "--model", model, "--format", "json", "--top-k", "2", "--explain"], stdin: "hola\n"))
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
        let r = succeeded(try run(["classify", "--explain"], stdin: "buenas, a como el kilo de carne?\n"))
        XCTAssertTrue(r.stdout.hasPrefix("precio\t"), r.stdout)
        XCTAssertTrue(r.stdout.contains("n:a_com:") || r.stdout.contains("w:kil:"), r.stdout)
    }

    /// The shipped model stores held-out thresholds for 0.90/0.95/0.97/0.99; any other target
    /// is measured on the evaluated data, however close (0.946 is not 0.95).
    func testStoredThresholdsServeOnlyTheirExactTargets() throws {
        let test = Self.root.appendingPathComponent("Data/test.csv").path
        var chosen: [String] = []
        for target in ["0.95", "0.946"] {
            let e = succeeded(try run(["evaluate", test, "--json", "--target-accuracy", target]))
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
        let p = succeeded(try run(["predict", "--model", model, data, "--label-thresholds", thresholds, "--unsure-label", "revisar"]))
        XCTAssertTrue(p.stdout.contains(",revisar,"), p.stdout)

        let bad = try file("bad.txt", "precio=0.5\nprecio 0.7\n")
        try assertFails(["classify", "--model", model, "--label-thresholds", bad], stdin: "hola\n", status: 65, mentions: [bad + ":2", "label<TAB>probability"])
        let unknown = try file("unknown.txt", "\nenvio=0.5\n")
        try assertFails(["predict", "--model", model, data, "--label-thresholds", unknown], status: 65, mentions: [unknown + ":2", "`envio`"])
        let missing = dir.appendingPathComponent("nope.txt").path
        try assertFails(["classify", "--model", model, "--label-thresholds", missing], stdin: "hola\n", status: 66, mentions: [missing])
    }
}
