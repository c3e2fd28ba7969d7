import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs that are not plain files (FIFOs, pipes named by path, devices), endless inputs,
/// blank messages, misleading inputs and broken pipes, run through the built `criba`.
extension CLITests {
    /// Runs `script` with bash (for process substitution, FIFOs fed by `cat`, and SIGPIPE
    /// settings), `$CRIBA` naming the executable.
    func bash(_ script: String, timeout: TimeInterval = CLITests.timeout, file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        try run(
            ["-c", script], environment: ["CRIBA": Self.executable.path], executable: URL(fileURLWithPath: "/bin/bash"),
            timeout: timeout, file: file, line: line)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    // MARK: Non-seekable CSV inputs

    func testTrainReadsFIFOsPipesAndDevStdinOnceForEveryAlgorithm() throws {
        let data = try file("train.csv", Self.smallTraining)
        let fifo = dir.appendingPathComponent("c.fifo").path
        for (algorithm, extra) in [("nb", [String]()), ("cnb", []), ("svm", []), ("lr", ["--streaming"]), ("nb", ["--streaming"])] {
            let expected = dir.appendingPathComponent("expected.criba").path
            let r = succeeded(try run(["train", data, "--algorithm", algorithm, "-o", expected, "--quiet"] + extra))
            let name = ([algorithm] + extra).joined(separator: " ")

            // A named FIFO: the second pass must not reopen it (that waited for a writer forever).
            unlink(fifo)
            XCTAssertEqual(mkfifo(fifo, 0o600), 0)
            let viaFIFO = dir.appendingPathComponent("fifo.criba").path
            let text = Self.smallTraining
            let writer = Thread {
                let fd = open(fifo, O_WRONLY)
                guard fd >= 0 else { return }
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
            writer.start()
            let f = try run(["train", fifo, "--algorithm", algorithm, "-o", viaFIFO, "--quiet"] + extra, timeout: 60)
            // Release a writer still waiting for a reader (if criba never opened the FIFO).
            let release = open(fifo, O_RDONLY | O_NONBLOCK)
            if release >= 0 { close(release) }
            XCTAssertEqual(f.status, 0, "\(name) from a FIFO: \(f.stderr)")
            XCTAssertEqual(try? bytes(viaFIFO), try bytes(expected), "\(name) from a FIFO")

            // Process substitution and /dev/stdin (read to the end by the first pass: a second
            // reopen found nothing and said the file was empty).
            let viaPipe = dir.appendingPathComponent("pipe.criba").path
            let p = try bash(
                "\"$CRIBA\" train <(cat '\(data)') --algorithm \(algorithm) \(extra.joined(separator: " ")) -o '\(viaPipe)' --quiet",
                timeout: 60)
            XCTAssertEqual(p.status, 0, "\(name) from <(cat): \(p.stderr)")
            XCTAssertEqual(try? bytes(viaPipe), try bytes(expected), "\(name) from <(cat)")
            let viaStdin = dir.appendingPathComponent("stdin.criba").path
            let s = try run(["train", "/dev/stdin", "--algorithm", algorithm, "-o", viaStdin, "--quiet"] + extra, stdin: Self.smallTraining)
            XCTAssertEqual(s.status, 0, "\(name) from /dev/stdin: \(s.stderr)")
            XCTAssertEqual(try? bytes(viaStdin), try bytes(expected), "\(name) from /dev/stdin")
        }
        // No copy is left in the temporary directory (it is unlinked when made).
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let r = try run(
            ["train", "/dev/stdin", "--algorithm", "nb", "-o", dir.appendingPathComponent("t.criba").path, "--quiet"],
            stdin: Array(Self.smallTraining.utf8), environment: ["TMPDIR": tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [])
    }

    func testSecondPassOverStandardInputIsRefusedClearly() throws {
        let r = try run(["train", "-", "--streaming", "-o", dir.appendingPathComponent("x.criba").path], stdin: Self.smallTraining)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("standard input"), r.stderr)
        XCTAssertFalse(r.stderr.contains("empty"), r.stderr)
    }

    // MARK: Bounded lines and records

    func testEndlessInputsStopWithExit65NamingTheLine() throws {
        let model = try trainedModel()
        let out = dir.appendingPathComponent("out.criba").path
        let commands: [[String]] = [
            ["classify", "--model", model],
            ["tokenize"],
            ["train", "-", "-o", out],
            ["predict", "--model", model, "-"],
            ["evaluate", "--model", model, "-"],
            ["learn", "--model", model, "--label", "precio"],
            ["learn", "--model", model, "-"],
            ["unlearn", "--model", model, "--label", "precio"],
        ]
        for c in commands {
            let start = Date()
            let r = try run(c, stdinFile: "/dev/zero", timeout: 60)
            XCTAssertEqual(r.status, 65, "\(c): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("-:1: "), "\(c): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("longer than 1048576 bytes"), "\(c): \(r.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(start), 30, "\(c)")
        }
        // The option moves the bound: line 2 of this input has 101 bytes.
        let long = "hola\n" + String(repeating: "a", count: 101) + "\n"
        let small = try run(["classify", "--model", model, "--max-line-bytes", "100"], stdin: long)
        XCTAssertEqual(small.status, 65, small.stderr)
        XCTAssertTrue(small.stderr.contains("-:2: the line is longer than 100 bytes"), small.stderr)
        let enough = succeeded(try run(["classify", "--model", model, "--max-line-bytes", "101"], stdin: long))
        XCTAssertEqual(enough.stdout.split(separator: "\n").count, 2)
        let csv = "text,label\n" + String(repeating: "b", count: 95) + ",saludo\n"
        let csvFile = try file("bound.csv", csv)
        let p = try run(["predict", "--model", model, csvFile, "--max-line-bytes", "100"])
        XCTAssertEqual(p.status, 65, p.stderr)
        XCTAssertTrue(p.stderr.contains(csvFile + ":2: the record starting on this line is longer than 100 bytes"), p.stderr)
        XCTAssertEqual(try run(["predict", "--model", model, csvFile, "--max-line-bytes", "102"]).status, 0)
        XCTAssertEqual(try run(["classify", "--max-line-bytes", "0"], stdin: "").status, 64)
    }

    // MARK: Blank messages

    func testBlankLinesGetEmptyAnswersInClassifyAndPredict() throws {
        let model = try trainedModel()
        let input: [UInt8] = Array("hola\n   \n".utf8) + [0, 0, 0x0A] + Array(" \t\0 \r\n".utf8) + Array("\u{A0}\n\ncuánto cuesta\n".utf8)
        for format in ["tsv", "json"] {
            let r = succeeded(try run(["classify", "--model", model, "--format", format], stdin: input))
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(lines.count, 8, r.stdout)
            XCTAssertEqual(Array(lines[1...5]), ["", "", "", "", ""], format)
            XCTAssertFalse(lines[0].isEmpty)
            XCTAssertFalse(lines[6].isEmpty)
        }
        let csv = try file("blank.csv", Array("id,text\n1,hola\n2,\"   \"\n3,\"".utf8) + [0, 0] + Array("\"\n".utf8))
        let p = succeeded(try run(["predict", "--model", model, csv]))
        let rows = p.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows[1][2], "saludo")
        XCTAssertEqual(Array(rows[2].suffix(2)), ["", ""])
        XCTAssertEqual(Array(rows[3].suffix(2)), ["", ""])
    }

    // MARK: Misleading inputs and messages

    func testUTF16IsNamedAndControlBytesNeverReachStandardError() throws {
        let text = "text,label\nhola,saludo\n"
        var le: [UInt8] = [0xFF, 0xFE]
        var be: [UInt8] = [0xFE, 0xFF]
        for u in text.utf16 {
            le += [UInt8(u & 0xFF), UInt8(u >> 8)]
            be += [UInt8(u >> 8), UInt8(u & 0xFF)]
        }
        for (name, bytes, order) in [("le.csv", le, "FF FE"), ("be.csv", be, "FE FF")] {
            let path = try file(name, bytes)
            for c in [["train", path, "-o", dir.appendingPathComponent("x.criba").path], ["predict", path], ["evaluate", path]] {
                let r = try run(c)
                XCTAssertEqual(r.status, 65, r.stderr)
                XCTAssertTrue(r.stderr.contains("\(path):1:1: the file is UTF-16 (byte-order mark \(order)"), r.stderr)
                XCTAssertTrue(r.stderr.contains("iconv -f UTF-16 -t UTF-8"), r.stderr)
                XCTAssertFalse(r.stderr.contains("Windows-1252"), r.stderr)
                XCTAssertFalse(r.stderrBytes.contains(0), "\(c)")
            }
        }
        // A NUL, an escape and a C1 control in a header name are shown escaped.
        let header = try file("nul.csv", Array("te".utf8) + [0, 0x1B] + Array("xt\u{85},label\nhola,saludo\n".utf8))
        let r = try run(["train", header, "-o", dir.appendingPathComponent("x.criba").path])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("`te\\x00\\x1Bxt\\u{85}`"), r.stderr)
        XCTAssertFalse(r.stderrBytes.contains(0))
        XCTAssertFalse(r.stderrBytes.contains(0x1B))
        XCTAssertFalse(r.stderr.unicodeScalars.contains("\u{85}"))
    }

    func testBrokenPipeEndsEveryCommandTheSameWay() throws {
        let model = try trainedModel()
        let data = Self.root.appendingPathComponent("Data/train.csv").path
        let messages = try file("many.txt", String(repeating: "hola, cuánto cuesta el queque?\n", count: 100_000))
        let csv = try file("many.csv", "text\n" + String(repeating: "\"hola, cuánto cuesta el queque?\"\n", count: 100_000))
        let writers = [
            "\"$CRIBA\" classify --model '\(model)' < '\(messages)'",
            "\"$CRIBA\" tokenize --features < '\(messages)'",
            "\"$CRIBA\" predict --model '\(model)' '\(csv)'",
            "\"$CRIBA\" train --algorithm nb '\(data)' -o - --quiet",
        ]
        // The same with SIGPIPE ignored by the parent (as some launchers do) and at its default.
        for setting in ["trap '' PIPE; ", ""] {
            for w in writers {
                let r = try bash(setting + w + " | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}", timeout: 120)
                XCTAssertEqual(r.status, 141, "\(setting)\(w): \(r.stderr)")
                XCTAssertEqual(r.stderr, "", "\(setting)\(w)")
            }
        }
    }

    func testUnsureLabelThatIsAModelLabelIsRefused() throws {
        let model = try trainedModel()
        for c in [["classify", "--model", model], ["predict", "--model", model, try file("p.csv", "text\nhola\n")]] {
            let r = try run(c + ["--threshold", "0.9", "--unsure-label", "precio"], stdin: "hola\n")
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains("--unsure-label `precio` is one of the model's labels"), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        XCTAssertEqual(try run(["classify", "--model", model, "--unsure-label", "revisar"], stdin: "hola\n").status, 0)
    }

    func testPredictRefusesItsOwnOutputColumns() throws {
        let model = try trainedModel()
        let input = try file("in.csv", "text\nhola\ncuánto cuesta\n")
        let first = dir.appendingPathComponent("first.csv").path
        XCTAssertEqual(try run(["predict", "--model", model, input, "-o", first]).status, 0)
        let again = try run(["predict", "--model", model, first, "-o", dir.appendingPathComponent("second.csv").path])
        XCTAssertEqual(again.status, 65, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(first):1: the header already has a column `predicted_label`"), again.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("second.csv").path))
        // Also when only the case differs.
        let upper = try file("upper.csv", "text,Probability\nhola,0.5\n")
        let u = try run(["predict", "--model", model, upper])
        XCTAssertEqual(u.status, 65, u.stderr)
        XCTAssertTrue(u.stderr.contains("`Probability`"), u.stderr)
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
        let r = succeeded(try run(["train", data, "-o", model]))
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
        let r = succeeded(try run(["train", data, "-o", model, "--quiet", "--max-line-bytes", "11000000"]))
        let c = succeeded(try run(["classify", "--model", model, "--max-line-bytes", "11000000"], stdin: long + "\n"))
        XCTAssertTrue(c.stdout.hasPrefix("precio\t"), String(c.stdout.prefix(100)))
    }
}
