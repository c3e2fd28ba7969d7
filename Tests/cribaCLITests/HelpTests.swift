import Foundation
import XCTest

/// Help texts: each default said once.
extension CLITests {
    func testNoOptionStatesItsDefaultTwice() throws {
        for command in ["train", "evaluate", "predict", "classify", "learn", "unlearn", "merge", "tokenize"] {
            let r = succeeded(try run(["help", command], environment: ["COLUMNS": "400"]))
            for line in r.stdout.split(separator: "\n") where line.contains("Default:") && line.contains("(default:") {
                XCTFail("criba help \(command): \(line)")
            }
        }
    }
}
