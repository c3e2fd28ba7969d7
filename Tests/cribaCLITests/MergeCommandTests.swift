import Foundation
import XCTest

/// CLI tests: merge command.
extension CLITests {
    func testCountsOnlyShardsMergeToTheOneProcessModel() throws {
        let lines = Self.smallTraining.split(separator: "\n").dropFirst()
        // Shards cut from a file sorted by label: the first holds one label only.
        let a = try file("a.csv", "text,label\n" + lines.prefix(4).joined(separator: "\n") + "\n")
        let b = try file("b.csv", "text,label\n" + lines.dropFirst(4).joined(separator: "\n") + "\n")
        let whole = try file("whole.csv", Self.smallTraining)
        var outputs: [String] = []
        for (name, data) in [("a", a), ("b", b)] {
            let out = dir.appendingPathComponent("\(name).criba").path
            succeeded(try run(["train", data, "--counts-only", "--quiet", "-o", out]))
            outputs.append(out)
        }
        let merged = dir.appendingPathComponent("merged.criba").path
        let m = succeeded(try run(["merge"] + outputs + ["-o", merged]))
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
}
