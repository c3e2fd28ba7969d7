import XCTest

@testable import Criba

/// The optimisers on real data.
final class OptimizerTests: XCTestCase {
    /// Unnormalised features (squared norms in the hundreds) used to make SGD diverge for
    /// every weighting: the step is now scaled by the mean squared norm, in memory, streaming
    /// and in warm starts.
    func testSGDConvergesOnUnnormalisedFeatures() throws {
        let rows = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/train.csv").path).examples()
        let train = Array(rows.prefix(600))
        let test = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/test.csv").path).examples()
        var normalised = TrainingOptions()
        normalised.epochs = 5
        let reference = Classifier(model: try Trainer(options: normalised).train(on: train)).evaluate(test).accuracy
        for algorithm in [Algorithm.linearSVM, .logisticRegression, .nbLogisticRegression] {
            for weighting in FeatureSettings.Weighting.allCases {
                var o = normalised
                o.algorithm = algorithm
                o.features.weighting = weighting
                o.features.normalize = false
                let model = try Trainer(options: o).train(on: train)
                let accuracy = Classifier(model: model).evaluate(test).accuracy
                XCTAssertGreaterThan(accuracy, reference - 0.08, "\(algorithm) \(weighting): \(accuracy) vs \(reference)")
                let warm = try model.learning(Array(test.prefix(50)))
                XCTAssertLessThanOrEqual(warm.weights.map(abs).max() ?? 0, 1e6, "\(algorithm) \(weighting) warm start")
            }
        }
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "train.csv", "text,label\n" + train.map { "\"\($0.text.replacingOccurrences(of: "\"", with: "\"\""))\",\($0.label)" }.joined(separator: "\n") + "\n")
        var o = normalised
        o.features.normalize = false
        let streamed = try Trainer(options: o).trainStreaming(on: try LabelledCSV(path: path))
        XCTAssertGreaterThan(Classifier(model: streamed).evaluate(test).accuracy, reference - 0.08)
    }
}

/// The losses of the optimised algorithms: gradients against finite differences, and the
/// linear SVM on the project's corpus.
final class LossTests: XCTestCase {
    /// A small random problem: 12 messages, 9 features, 4 classes.
    func problem(_ loss: Loss, ratios: Bool) -> (SoftmaxObjective, [Float]) {
        var rng = SplitMix64(seed: 5)
        var m = FeatureMatrix()
        for i in 0..<12 {
            var v = SparseVector()
            for f in 0..<9 where rng.next() % 3 == 0 {
                v.rows.append(Int32(f))
                v.values.append(Float(rng.next() % 100) / 50)
            }
            m.append(v, label: Int32(i % 4))
        }
        let r: [Float]? = ratios ? (0..<36).map { _ in Float(rng.next() % 100) / 40 - 1 } : nil
        let objective = SoftmaxObjective(
            matrix: m, classes: 4, features: 9, lambda: 0.01, classWeights: [1, 2, 1, 0.5], ratios: r, loss: loss)
        let theta = (0..<objective.parameterCount).map { _ in Float(rng.next() % 100) / 100 - 0.5 }
        return (objective, theta)
    }

    func testGradientsMatchFiniteDifferences() {
        for loss in Loss.allCases {
            for ratios in [false, true] {
                let (objective, theta) = problem(loss, ratios: ratios)
                var g = [Float](repeating: 0, count: theta.count)
                _ = theta.withUnsafeBufferPointer { t in g.withUnsafeMutableBufferPointer { objective.evaluate(t, gradient: $0) } }
                var scratch = [Float](repeating: 0, count: theta.count)
                func value(_ x: [Float]) -> Double {
                    x.withUnsafeBufferPointer { t in scratch.withUnsafeMutableBufferPointer { objective.evaluate(t, gradient: $0) } }
                }
                let h: Float = 1e-2
                for k in stride(from: 0, to: theta.count, by: 3) {
                    var plus = theta
                    plus[k] += h
                    var minus = theta
                    minus[k] -= h
                    let numeric = (value(plus) - value(minus)) / Double(2 * h)
                    XCTAssertEqual(Double(g[k]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(loss) ratios: \(ratios) parameter \(k)")
                }
            }
        }
    }

    func testSquaredHingeIsZeroBeyondTheMargin() {
        var s: [Float] = [2, -1.5, -3]
        let loss = s.withUnsafeMutableBufferPointer { Loss.squaredHinge.gradient($0, label: 0, weight: 1) }
        XCTAssertEqual(loss, 0)
        XCTAssertEqual(s, [0, 0, 0])
        var t: [Float] = [0.5, 0, -3]
        let l2 = t.withUnsafeMutableBufferPointer { Loss.squaredHinge.gradient($0, label: 0, weight: 2) }
        XCTAssertEqual(l2, 2 * (0.25 + 1), accuracy: 1e-6)
        XCTAssertEqual(t, [-2, 4, 0])
    }

    func testSVMWithoutHeldOutMistakesKeepsTemperatureOne() throws {
        // 210 well-separated messages (enough for a fit): both halves answer the other half
        // right, so there is no temperature to fit and the margins must not be sharpened into
        // certainties.
        let examples = (0..<70).flatMap { k in [
            Example(text: "cuánto cuesta el queque \(k)", label: "precio"),
            Example(text: "hola buenas tardes \(k)", label: "saludo"),
            Example(text: "ganaste un premio reclamalo ya \(k)", label: "spam"),
        ] }
        let model = try Trainer().train(on: examples)
        XCTAssertEqual(model.algorithm, .linearSVM, "svm is the default")
        XCTAssertNil(model.info["temperature_fit"])
        XCTAssertEqual(model.temperature, 1)
        XCTAssertLessThan(Classifier(model: model).classify("cuánto cuesta el queque").probability, 0.99)
    }

    func testLinearSVMOnTheCorpus() throws {
        let train = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/train.csv").path).examples()
        let test = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/test.csv").path).examples()
        var o = TrainingOptions()
        o.algorithm = .linearSVM
        let model = try Trainer(options: o).train(on: train)
        XCTAssertEqual(model.info["c"], "0.5", "svm's default C")
        XCTAssertEqual(model.info["learning_rate"], "0.1", "svm's default learning rate")
        XCTAssertEqual(model.info["temperature_fit"], "halves", "temperature fitted on held-out halves")
        XCTAssertLessThan(model.temperature, 1, "margins are sharpened into probabilities")
        XCTAssertGreaterThan(model.temperature, 0.02, "not the degenerate fit on the training messages")
        let e = Classifier(model: model).evaluate(test)
        XCTAssertGreaterThanOrEqual(e.accuracy, 0.92, "svm accuracy on Data/test.csv")
        XCTAssertLessThanOrEqual(e.expectedCalibrationError(), 0.04, "svm ECE on Data/test.csv")
    }
}
