import Foundation
import XCTest

/// CLI tests: conventions.
extension CLITests {
    func testHelpHasExamples() throws {
        for command in ["train", "evaluate", "predict", "classify", "tokenize"] {
            let r = try run([command, "--help"])
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains("Examples:"), command)
        }
    }

    func testUsageErrorsExit64() throws {
        let r = try run(["train"])
        XCTAssertEqual(r.status, 64)
        let t = try run(["classify", "--threshold", "2"], stdin: "")
        XCTAssertEqual(t.status, 64)
    }
}
