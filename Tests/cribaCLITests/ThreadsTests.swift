import Foundation
import XCTest

/// `--threads N` for classify, predict and evaluate: the same bytes out for any N.
extension CLITests {
    /// 3,000 distinct messages built from the shipped training data, with empty lines and
    /// carriage returns among them, so batches of several threads meet every kind of line.
    func manyMessages() throws -> [String] {
        let csv = try String(contentsOf: Self.root.appendingPathComponent("Data/train.csv"), encoding: .utf8)
        var texts: [String] = []
        for line in csv.split(separator: "\n").dropFirst() {
            // The first field, unquoted where it was quoted (commas inside are fine here).
            var t = String(line)
            if t.hasPrefix("\"") { t = String(t.dropFirst().prefix { $0 != "\"" }) } else { t = String(t.prefix { $0 != "," }) }
            texts.append(t)
        }
        var out: [String] = []
        for (k, t) in texts.prefix(3000).enumerated() {
            out.append(k % 97 == 0 ? "" : k % 89 == 0 ? t + "\r" : "\(t) \(k)")
        }
        return out
    }

    func testClassifyGivesTheSameOutputOnAnyNumberOfThreads() throws {
        let messages = try manyMessages()
        XCTAssertEqual(messages.count, 3000)
        let input = messages.joined(separator: "\n") + "\n"
        let one = succeeded(try run(["classify", "--threads", "1", "--top-k", "2"], stdin: input))
        XCTAssertEqual(one.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 3001)
        for n in ["2", "3"] {
            let many = succeeded(try run(["classify", "--threads", n, "--top-k", "2"], stdin: input))
            XCTAssertTrue(many.stdout == one.stdout, "--threads \(n) differs from --threads 1")
        }
        let json1 = try run(["classify", "--threads", "1", "--format", "json", "--explain"], stdin: input)
        let json2 = try run(["classify", "--threads", "2", "--format", "json", "--explain"], stdin: input)
        XCTAssertTrue(json1.stdout == json2.stdout)
        try assertFails(["classify", "--threads", "0"], status: 64, mentions: ["--threads"])
    }

    func testPredictAndEvaluateGiveTheSameOutputOnAnyNumberOfThreads() throws {
        var csv = "text,label\n"
        let labels = ["precio", "saludo", "spam"]
        for (k, t) in try manyMessages().prefix(1500).enumerated() where !t.isEmpty {
            csv += "\"\(t.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\r", with: ""))\",\(labels[k % 3])\n"
        }
        let data = try file("many.csv", csv)
        let p1 = try run(["predict", data, "--threads", "1"])
        let p2 = try run(["predict", data, "--threads", "2"])
        XCTAssertEqual(p1.status, 0, p1.stderr)
        XCTAssertTrue(p1.stdout == p2.stdout)
        XCTAssertEqual(p1.stdout.split(separator: "\n").count, csv.split(separator: "\n").count)
        let e1 = try run(["evaluate", "--model", Self.root.appendingPathComponent("Models/default.criba").path, data, "--threads", "1", "--json"])
        let e2 = try run(["evaluate", "--model", Self.root.appendingPathComponent("Models/default.criba").path, data, "--threads", "2", "--json"])
        XCTAssertEqual(e1.status, 0, e1.stderr)
        XCTAssertTrue(e1.stdout == e2.stdout)
    }
}
