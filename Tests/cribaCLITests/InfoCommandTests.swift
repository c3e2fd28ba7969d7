import Foundation
import XCTest

/// `criba info`: what a model file holds, as text and JSON.
extension CLITests {
    func testInfoShowsSettingsCountsCalibrationAndTuning() throws {
        // Naive Bayes keeps counts: 4 examples per label in the small training set.
        let data = try file("train.csv", Self.smallTraining)
        let nb = dir.appendingPathComponent("nb.criba").path
        XCTAssertEqual(try run(["train", data, "--algorithm", "nb", "-o", nb, "--quiet"]).status, 0)
        let r = succeeded(try run(["info", nb]))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.hasPrefix("  ") && $0.hasSuffix("  4") }.map { $0.split(separator: " ").first.map(String.init) }, ["precio", "saludo", "spam"])
        XCTAssertTrue(lines.contains { $0.hasPrefix("algorithm     nb, temperature 1.0") }, r.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("training      rows 12, seed 1") }, r.stdout)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: nb)[.size] as? Int)
        XCTAssertTrue(lines[0].hasPrefix("file          \(nb): \(size) bytes, format version 1, checksum "), lines[0])

        // The shipped model: calibration with its stored thresholds, as JSON.
        let j = succeeded(try run(["info", "--json", Self.root.appendingPathComponent("Models/default.criba").path]))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let metadata = try XCTUnwrap(json["metadata"] as? [String: String])
        XCTAssertEqual(json["algorithm"] as? String, metadata["algorithm"])
        let calibration = try XCTUnwrap(json["calibration"] as? [String: Any])
        XCTAssertEqual(calibration["group_column"] as? String, metadata["info.calibration.group_column"])
        let thresholds = try XCTUnwrap(calibration["thresholds"] as? [[String: Double]])
        XCTAssertEqual(thresholds.count, 4)
        for t in thresholds {
            let stored = try XCTUnwrap(metadata[String(format: "info.calibration.threshold_for_%.2f", t["target"]!)])
            XCTAssertEqual(stored, String(format: "%.3f coverage %.4f accuracy %.4f", t["threshold"]!, t["coverage"]!, t["accuracy"]!))
        }
        XCTAssertEqual((json["labels"] as? [[String: Any]])?.count, 12)

        // A tuned model lists its search table.
        var big = "text,label\n"
        for i in 0..<8 {
            big += "hola buenas \(i),saludo\ncuánto cuesta el \(i),precio\nganaste premio \(i) ingresá ya,spam\n"
        }
        let tuned = dir.appendingPathComponent("tuned.criba").path
        let t = succeeded(try run(["train", try file("big.csv", big), "--tune", "-o", tuned, "--quiet"]))
        let info = try run(["info", tuned])
        let table = info.stdout.split(separator: "\n").drop { !$0.hasPrefix("tuning ") }
        XCTAssertTrue(table.first?.contains("winner: ") ?? false, info.stdout)
        XCTAssertGreaterThan(table.dropFirst().prefix { $0.hasPrefix("  ") }.filter { $0.contains("accuracy") && $0.contains("macro F1") }.count, 1)

        try assertFails(["info", dir.appendingPathComponent("missing.criba").path], status: 66, mentions: ["missing.criba"])
        try assertFails(["info", try file("bad.criba", "not a model")], status: 65, mentions: ["bad.criba"])
    }
}
