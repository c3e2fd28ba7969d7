import Foundation
import XCTest

/// CLI tests: learn command.
extension CLITests {
    func testLearnThenUnlearnRestoresTheModelFile() throws {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("nb.criba").path
        XCTAssertEqual(try run(["train", data, "--algorithm", "nb", "-o", model, "--quiet"]).status, 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: model))
        let messages = "a cómo el kilo de queso?\n\nxq no me responden\n"
        let learn = succeeded(try run(["learn", "--model", model, "--label", "precio"], stdin: messages))
        XCTAssertTrue(learn.stderr.contains("learned 2 message(s)"), learn.stderr)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        let c = try run(["classify", "--model", model], stdin: "xq no me responden\n")
        XCTAssertTrue(c.stdout.hasPrefix("precio\t"), c.stdout)
        succeeded(try run(["unlearn", "--model", model, "--label", "precio"], stdin: messages))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        // Once more is too much: the error names standard input and the line.
        try assertFails(["unlearn", "--model", model, "--label", "precio"], stdin: messages, status: 65, mentions: ["-:1", "was never learned with `criba learn`"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        // A message of the training data, made of words the model knows: refused unless asked
        // for (it used to be subtracted silently).
        let trainingRow = "cuánto cuesta el queque\n"
        try assertFails(["unlearn", "--model", model, "--label", "precio"], stdin: trainingRow, status: 65, mentions: ["-:1", "--training-messages"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
        succeeded(try run(["unlearn", "--model", model, "--label", "precio", "--training-messages"], stdin: trainingRow))
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original)
    }

    func testLearnFromCSVAndUnlearnRefusedForLogisticRegression() throws {
        let model = try trainedModel()
        let corrections = try file("fix.csv", "text,label\nhola buenas noches,saludo\ncuánto vale,precio\n")
        let learn = succeeded(try run(["learn", "--model", model, corrections, "--quiet"]))
        XCTAssertEqual(learn.stderr, "")
        try assertFails(["unlearn", "--model", model, corrections], status: 65, mentions: [model, "nb or cnb"])
        let unknown = try file("unknown.csv", "text,label\nhola,saludo\nquiero trabajar,empleo\n")
        try assertFails(["learn", "--model", model, unknown], status: 65, mentions: [unknown + ":3", "`empleo`"])
        try assertFails(["learn", "--model", model], status: 64, mentions: ["--label"])
        try assertFails(["learn", "--model", dir.appendingPathComponent("none.criba").path, "--label", "x"], status: 66, mentions: ["none.criba"])
    }
}
