import Foundation
import XCTest

/// CLI tests: train command.
extension CLITests {
    func testLabelWithOneExample() throws {
        let data = try file("one.csv", "text,label\nhola,saludo\nbuenas,saludo\ncuánto cuesta,precio\n")
        try assertFails(["train", data, "-o", dir.appendingPathComponent("x.criba").path], status: 65, mentions: [data + ":4", "`precio`", "only one example"])
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

    func testTrainCalibrationBias() throws {
        let data = try file("train.csv", Self.calibrationTraining)
        let model = dir.appendingPathComponent("bias.criba").path
        let t = succeeded(try run(["train", data, "-o", model, "--calibrate", "--calibration", "bias", "--folds", "2"]))
        XCTAssertTrue(t.stderr.contains("offsets"), t.stderr)
        let e = succeeded(try run(["evaluate", "--model", model, data, "--target-accuracy", "0.9"]))
        XCTAssertTrue(e.stdout.contains("ECE"), e.stdout)
        try assertFails(["train", data, "-o", model, "--calibration", "bias"], status: 64, mentions: ["--calibration", "--calibrate"])
        try assertFails(["train", data, "-o", model, "--calibrate", "--calibration", "platt"], status: 64, mentions: ["--calibration"])
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

    func testLinearSVMTrainsClassifiesAndTakesItsOwnDefaults() throws {
        let data = try file("train.csv", Self.smallTraining)
        let model = dir.appendingPathComponent("svm.criba").path
        let train = succeeded(try run(["train", data, "--algorithm", "svm", "-o", model]))
        XCTAssertTrue(train.stderr.contains("trained svm"), train.stderr)
        let c = succeeded(try run(["classify", "--model", model, "--format", "json"], stdin: "a cómo el kilo de queso?\n"))
        XCTAssertTrue(c.stdout.contains("\"label\""), c.stdout)
        succeeded(try run(["tokenize", "--model", model, "hola"]))
        try assertFails(["train", data, "--algorithm", "svm", "--c", "0", "-o", model], status: 64, mentions: ["--c"])
        try assertFails(["train", data, "--algorithm", "svm", "--learning-rate", "-1", "-o", model], status: 64, mentions: ["--learning-rate"])
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
}
