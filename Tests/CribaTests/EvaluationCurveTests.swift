import XCTest

@testable import Criba

/// ROC and precision-recall curves, their areas and the positive label, against hand-computed
/// values.
final class EvaluationCurveTests: XCTestCase {
    /// spam probabilities 0.9 (spam), 0.8 (ham), 0.7 (spam), 0.7 (ham), 0.2 (ham).
    func evaluation() -> Evaluation {
        var e = Evaluation(labels: ["ham", "spam"])
        e.binaryLabels = ("ham", "spam")
        e.binaryScores = [(0.9, true), (0.8, false), (0.7, true), (0.7, false), (0.2, false)]
        return e
    }

    func assertPoints(_ got: [(x: Double, y: Double)], _ want: [(Double, Double)], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, file: file, line: line)
        for (g, w) in zip(got, want) {
            XCTAssertEqual(g.x, w.0, accuracy: 1e-12, file: file, line: line)
            XCTAssertEqual(g.y, w.1, accuracy: 1e-12, file: file, line: line)
        }
    }

    func testCurvesAndAreasByHand() throws {
        let e = evaluation()
        XCTAssertEqual(e.positiveLabel, "spam")
        // One point per distinct score, highest first; the tie at 0.7 moves both rates at once.
        assertPoints(e.rocCurve, [(0, 0), (0, 0.5), (1.0 / 3, 0.5), (2.0 / 3, 1), (1, 1)])
        assertPoints(e.precisionRecallCurve, [(0.5, 1), (0.5, 0.5), (1, 0.5), (1, 0.4)])
        // Mann-Whitney: 3 + (0 + 0.5 + 1) of 6 pairs.
        XCTAssertEqual(try XCTUnwrap(e.rocAUC), 0.75, accuracy: 1e-12)
        // ½·1 + ½·(2/4).
        XCTAssertEqual(try XCTUnwrap(e.averagePrecision), 0.75, accuracy: 1e-12)
    }

    func testRequestedPositiveLabel() throws {
        var e = evaluation()
        e.requestedPositiveLabel = "ham"
        XCTAssertEqual(e.positiveLabel, "ham")
        // ham probabilities 0.8 (ham), 0.3 (ham), 0.3 (spam), 0.2 (ham), 0.1 (spam).
        assertPoints(e.rocCurve, [(0, 0), (0, 1.0 / 3), (0.5, 2.0 / 3), (0.5, 1), (1, 1)])
        XCTAssertEqual(try XCTUnwrap(e.rocAUC), 0.75, accuracy: 1e-12)
        // A label the evaluation does not have is ignored: spam again.
        e.requestedPositiveLabel = "promo"
        XCTAssertEqual(e.positiveLabel, "spam")
        // Without spam among the labels, the rarer label (here the second, 2 of 5).
        var other = Evaluation(labels: ["a", "b"])
        other.binaryLabels = ("a", "b")
        other.binaryScores = [(0.9, true), (0.1, false), (0.2, false), (0.8, true), (0.3, false)]
        XCTAssertEqual(other.positiveLabel, "b")
    }

    func testAveragesAndTopConfusions() {
        var e = Evaluation(labels: ["a", "b", "c"])
        // a: 3 right, 1 → b; b: 1 right, 2 → a; c: 2 right, 1 → b.
        e.confusion = [[3, 1, 0], [2, 1, 0], [0, 1, 2]]
        let avg = e.averages
        // precision a 3/5, b 1/3, c 1; recall a 3/4, b 1/3, c 2/3.
        XCTAssertEqual(avg.macro.precision, (0.6 + 1.0 / 3 + 1) / 3, accuracy: 1e-12)
        XCTAssertEqual(avg.macro.recall, (0.75 + 1.0 / 3 + 2.0 / 3) / 3, accuracy: 1e-12)
        XCTAssertEqual(avg.weighted.recall, 6.0 / 10, accuracy: 1e-12)
        let top = e.topConfusions(limit: 2)
        XCTAssertEqual(top.map { "\($0.truth)>\($0.predicted):\($0.count)" }, ["b>a:2", "a>b:1"])
        XCTAssertEqual(top[0].shareOfTruth, 2.0 / 3, accuracy: 1e-12)
    }
}
