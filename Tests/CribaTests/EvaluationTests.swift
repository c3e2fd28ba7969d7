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

final class EvaluationMetricTests: XCTestCase {
    /// Four messages: 0.95 right, 0.95 wrong, 0.65 right, 0.2 right.
    func tinyEvaluation() -> Evaluation {
        var e = Evaluation(labels: ["a", "b"])
        e.confidences = [(0.95, true), (0.95, false), (0.65, true), (0.2, true)]
        return e
    }

    func testECEByHand() {
        // 10 bins: [0.9,1.0) holds 2 (confidence 0.95, accuracy 0.5), [0.6,0.7) holds 1
        // (0.65, 1), [0.2,0.3) holds 1 (0.2, 1): (2·0.45 + 0.35 + 0.8) / 4 = 0.5125.
        let e = tinyEvaluation()
        XCTAssertEqual(e.expectedCalibrationError(bins: 10), 0.5125, accuracy: 1e-6)
        let bins = e.reliability(bins: 10)
        XCTAssertEqual(bins.map(\.count), [0, 0, 1, 0, 0, 0, 1, 0, 0, 2])
        XCTAssertEqual(bins[9].accuracy, 0.5, accuracy: 1e-9)
        XCTAssertEqual(bins[9].confidence, 0.95, accuracy: 1e-6)
    }

    func testCoverageAndSuggestedThresholdByHand() {
        let e = tinyEvaluation()
        let c = e.coverage(at: [0, 0.5, 0.7, 0.99])
        XCTAssertEqual(c.map(\.answered), [4, 3, 2, 0])
        XCTAssertEqual(c[0].coverage, 1)
        XCTAssertEqual(c[0].accuracy, 0.75)
        XCTAssertEqual(c[1].coverage, 0.75)
        XCTAssertEqual(c[1].accuracy, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(c[2].accuracy, 0.5)
        XCTAssertTrue(c[3].accuracy.isNaN)
        XCTAssertEqual(e.suggestThreshold(targetAccuracy: 0.7)?.threshold, 0)
        XCTAssertNil(e.suggestThreshold(targetAccuracy: 0.8))
        var f = Evaluation(labels: ["a", "b"])
        f.confidences = [(0.95, true), (0.9, true), (0.5, false), (0.4, false)]
        let t = f.suggestThreshold(targetAccuracy: 1)
        XCTAssertEqual(t?.threshold ?? -1, 0.501, accuracy: 1e-6)
        XCTAssertEqual(t?.coverage, 0.5)
        XCTAssertEqual(t?.answered, 2)
    }

    func testROCAUCAndAveragePrecisionByHand() {
        var e = Evaluation(labels: ["a", "b"])
        e.binaryLabels = ("a", "b")
        // P(b) and whether the truth is b: 2 b's, 3 a's, so b (the minority) is positive.
        e.binaryScores = [(0.9, true), (0.8, false), (0.7, true), (0.3, false), (0.2, false)]
        XCTAssertEqual(e.positiveLabel, "b")
        // Positive-negative pairs ranked right: 0.9 beats 3, 0.7 beats 2, of 6.
        XCTAssertEqual(e.rocAUC!, 5.0 / 6.0, accuracy: 1e-12)
        // Recall 1/2 at precision 1, then recall 1 at precision 2/3.
        XCTAssertEqual(e.averagePrecision!, 0.5 + 0.5 * 2.0 / 3.0, accuracy: 1e-12)
        // The minority is `a` when it is rarer: scores flip to P(a) = 1 − P(b).
        e.binaryScores = [(0.1, false), (0.2, true), (0.3, false), (0.7, true), (0.8, true)]
        XCTAssertEqual(e.positiveLabel, "a")
        XCTAssertEqual(e.rocAUC!, 5.0 / 6.0, accuracy: 1e-12)
        // Ties count one half.
        e.binaryScores = [(0.5, true), (0.5, false), (0.5, false)]
        XCTAssertEqual(e.rocAUC!, 0.5, accuracy: 1e-12)
    }
}

final class ThresholdTests: XCTestCase {
    func testWilsonLowerBoundMatchesHandComputation() {
        // 95 right of 100 at z = 1.96: (p + z²/2n − z·sqrt((p(1−p) + z²/4n)/n)) / (1 + z²/n) = 0.888248…
        XCTAssertEqual(Evaluation.wilsonLowerBound(right: 95, of: 100, z: 1.96), 0.888248, accuracy: 1e-6)
        XCTAssertEqual(Evaluation.wilsonLowerBound(right: 95, of: 100, z: 0), 0.95, accuracy: 1e-12)
    }

    func testCalibratedModelStoresHeldOutThresholds() throws {
        let path = repositoryRoot.appendingPathComponent("Models/default.criba").path
        let model = try Model(contentsOfFile: path)
        var stored = 0
        for target in Trainer.heldOutTargets {
            if let value = model.info["calibration.threshold_for_\(String(format: "%.2f", target))"] {
                let fields = value.split(separator: " ")
                XCTAssertEqual(fields.count, 5, value)
                XCTAssertNotNil(Float(String(fields[0])), value)
                // The held-out accuracy at the stored threshold reaches the target.
                XCTAssertGreaterThanOrEqual(Double(String(fields[4]))!, target, value)
                stored += 1
            }
        }
        XCTAssertEqual(stored, Trainer.heldOutTargets.count)
    }
}
