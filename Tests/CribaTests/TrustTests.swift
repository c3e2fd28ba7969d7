import XCTest

@testable import Criba

/// The index drawn by `u` (in `0..<Σ weights`) from `weights` taken as unnormalised
/// probabilities.
func sampleIndex(weights: [Double], at u: Double) -> Int {
    var acc = 0.0
    for (j, w) in weights.enumerated() {
        acc += w
        if u < acc { return j }
    }
    return weights.count - 1
}

final class CalibrationTests: XCTestCase {
    /// Labels drawn from softmax(z / 2) must give back a temperature near 2 when fitted on z.
    func testTemperatureFitRecoversAKnownTemperature() {
        var rng = SplitMix64(seed: 7)
        let n = 6000
        let c = 3
        let trueT = 2.0
        var scores: [Float] = []
        var labels: [Int32] = []
        for _ in 0..<n {
            let z = (0..<c).map { _ in Double.random(in: -4...4, using: &rng) }
            let e = z.map { exp($0 / trueT) }
            let u = Double.random(in: 0..<e.reduce(0, +), using: &rng)
            let y = sampleIndex(weights: e, at: u)
            scores += z.map(Float.init)
            labels.append(Int32(y))
        }
        let fit = TemperatureScaling.fit(scores: scores, labels: labels, classes: c)
        XCTAssertEqual(Double(fit.temperature), trueT, accuracy: 0.15)
        XCTAssertLessThan(fit.logLossAfter, fit.logLossBefore)
        // The fit is the minimum: nearby temperatures do no better.
        for t in [Double(fit.temperature) * 0.9, Double(fit.temperature) * 1.1] {
            XCTAssertGreaterThan(TemperatureScaling.logLoss(scores: scores, labels: labels, classes: c, temperature: t), fit.logLossAfter)
        }
        // Deterministic.
        XCTAssertEqual(TemperatureScaling.fit(scores: scores, labels: labels, classes: c), fit)
    }

    /// A fit outside the range asked for is moved to the nearest bound, which is the best
    /// temperature inside (the log loss has one minimum along ln T); the fitted one is kept.
    func testTemperatureFitIsCappedToTheRange() {
        var rng = SplitMix64(seed: 11)
        let c = 3
        var scores: [Float] = []
        var labels: [Int32] = []
        for _ in 0..<4000 {
            let z = (0..<c).map { _ in Double.random(in: -0.1...0.1, using: &rng) }
            let e = z.map { exp($0 / 0.02) }
            let u = Double.random(in: 0..<e.reduce(0, +), using: &rng)
            scores += z.map(Float.init)
            labels.append(Int32(sampleIndex(weights: e, at: u)))
        }
        let free = TemperatureScaling.fit(scores: scores, labels: labels, classes: c)
        XCTAssertEqual(Double(free.temperature), 0.02, accuracy: 0.003)
        XCTAssertNil(free.cappedFrom)
        let range = Algorithm.logisticRegression.temperatureRange
        let capped = TemperatureScaling.fit(scores: scores, labels: labels, classes: c, range: range)
        XCTAssertEqual(capped.temperature, range.lowerBound)
        XCTAssertEqual(capped.cappedFrom, free.temperature)
        XCTAssertEqual(capped.logLossAfter, TemperatureScaling.logLoss(scores: scores, labels: labels, classes: c, temperature: Double(range.lowerBound)))
        for t in [range.lowerBound * 1.5, range.lowerBound * 3] {
            XCTAssertLessThan(capped.logLossAfter, TemperatureScaling.logLoss(scores: scores, labels: labels, classes: c, temperature: Double(t)))
        }
        // Inside the range nothing moves.
        let inside = TemperatureScaling.fit(scores: scores, labels: labels, classes: c, range: 0.01...1)
        XCTAssertEqual(inside, free)
        // Each algorithm's range holds the temperatures it was fitted on real data.
        XCTAssertTrue(Algorithm.linearSVM.temperatureRange.contains(0.097) && Algorithm.linearSVM.temperatureRange.contains(0.41))
        XCTAssertTrue(Algorithm.nbLogisticRegression.temperatureRange.contains(0.39) && Algorithm.logisticRegression.temperatureRange.contains(1.05))
        XCTAssertTrue(Algorithm.naiveBayes.temperatureRange.contains(2.9) && Algorithm.complementNaiveBayes.temperatureRange.contains(20.2))
    }

    func testCalibratedTrainingKeepsTheWeightsAndStoresTheFit() throws {
        let examples = threeLabelExamples()
        let plain = try Trainer().train(on: examples)
        let calibrated = try Trainer().trainCalibrated(on: examples, folds: 3)
        XCTAssertEqual(calibrated.info["calibration.method"], "temperature")
        XCTAssertEqual(calibrated.info["calibration.folds"], "3")
        // The fit moved the temperature and lowered the held-out log loss it reports.
        let before = try XCTUnwrap(calibrated.info["calibration.log_loss_before"].flatMap(Double.init))
        let after = try XCTUnwrap(calibrated.info["calibration.log_loss_after"].flatMap(Double.init))
        XCTAssertLessThan(after, before)
        XCTAssertGreaterThan(calibrated.temperature, 0)
        XCTAssertNotEqual(calibrated.temperature, 1)
        // The stored temperature is what the probabilities use: the top probability of a
        // message is softmax(scores / T) of the uncalibrated model's scores.
        for text in ["cuánto cuesta", "hola buenas"] {
            let raw = Classifier(model: plain).classify(text).probabilities.map { Double($0.probability) }
            let t = Double(calibrated.temperature) / Double(plain.temperature)
            let logits = raw.map { log(max($0, 1e-30)) / t }
            let m = logits.max()!
            let expected = exp(m - m) / logits.reduce(0) { $0 + exp($1 - m) }
            XCTAssertEqual(Double(Classifier(model: calibrated).classify(text).probability), expected, accuracy: 1e-4, text)
        }
        XCTAssertEqual(calibrated.weights, plain.weights)
        XCTAssertEqual(calibrated.bias, plain.bias)
        let reread = try Model(bytes: calibrated.serialized())
        XCTAssertEqual(reread.temperature, calibrated.temperature)
        XCTAssertEqual(reread.info, calibrated.info)
        XCTAssertThrowsError(try Trainer().trainCalibrated(on: examples, folds: 1))
    }

    /// Labels drawn from softmax(a·s + d) with known a and d: the Newton fit gives them back.
    func testBiasFitRecoversAKnownScaleAndOffsets() {
        var rng = SplitMix64(seed: 11)
        let n = 20_000
        let c = 4
        let trueA = 0.6
        let trueD = [0.8, -0.5, 0.2, -0.5]  // sums to 0, the penalty's preferred shift
        var scores: [Float] = []
        var labels: [Int32] = []
        for _ in 0..<n {
            let s = (0..<c).map { _ in Float(Double(rng.below(8001)) / 1000 - 4) }
            let e = (0..<c).map { exp(trueA * Double(s[$0]) + trueD[$0]) }
            let u = Double(rng.below(1 << 30)) / Double(1 << 30) * e.reduce(0, +)
            let y = sampleIndex(weights: e, at: u)
            scores += s
            labels.append(Int32(y))
        }
        let temperature = TemperatureScaling.fit(scores: scores, labels: labels, classes: c)
        let fit = BiasScaling.fit(scores: scores, labels: labels, classes: c, initialScale: 1 / Double(temperature.temperature))
        XCTAssertTrue(fit.converged)
        XCTAssertLessThan(fit.iterations, 20)
        XCTAssertEqual(fit.scale, trueA, accuracy: 0.03)
        for j in 0..<c { XCTAssertEqual(fit.offsets[j], trueD[j], accuracy: 0.08, "offset \(j)") }
        // Better than the temperature alone, and no nearby point does better.
        XCTAssertLessThan(fit.logLoss, temperature.logLossAfter)
        let penalty = { (d: [Double]) in 1e-3 * d.reduce(0) { $0 + $1 * $1 } / 2 }
        let best = fit.logLoss + penalty(fit.offsets)
        for (da, dd) in [(0.02, 0.0), (-0.02, 0.0), (0.0, 0.05), (0.0, -0.05)] {
            let d = [fit.offsets[0] + dd] + fit.offsets.dropFirst()
            let other = BiasScaling.logLoss(scores: scores, labels: labels, classes: c, scale: fit.scale + da, offsets: d) + penalty(d)
            XCTAssertGreaterThan(other, best)
        }
        XCTAssertEqual(BiasScaling.fit(scores: scores, labels: labels, classes: c, initialScale: 1 / Double(temperature.temperature)), fit)
    }

    /// The stored temperature and biases give softmax(a·s + d) of the raw scores.
    func testBiasCalibratedModelReproducesScaledAndOffsetProbabilities() throws {
        let examples = threeLabelExamples()
        var o = TrainingOptions()
        o.algorithm = .nbLogisticRegression  // temperature 1: log p = s − logsumexp(s)
        let plain = try Trainer(options: o).train(on: examples)
        let a = 0.7
        let d = [0.3, -0.9, 0.6]
        let scaled = try Model(bytes: plain.withScale(a, offsets: d).serialized())
        for text in ["hola buenas", "cuánto cuesta", "ganaste premio hola", "nada que ver"] {
            // log p = s − logsumexp(s), and softmax is shift-invariant, so softmax(a·log p + d) = softmax(a·s + d).
            let logP = Classifier(model: plain).classify(text).probabilities.map { Double(log($0.probability)) }
            let order = Classifier(model: plain).classify(text).probabilities.map(\.label)
            let z = order.indices.map { a * logP[$0] + d[plain.labels.firstIndex(of: order[$0])!] }
            let m = z.max()!
            let sum = z.reduce(0) { $0 + exp($1 - m) }
            let got = Classifier(model: scaled).classify(text).probabilities
            for (k, label) in order.enumerated() {
                let p = got.first { $0.label == label }!.probability
                XCTAssertEqual(Double(p), exp(z[k] - m) / sum, accuracy: 1e-5, "\(text) \(label)")
            }
        }
        let calibrated = try Trainer(options: o).trainCalibrated(on: examples, folds: 3, method: .bias)
        XCTAssertEqual(calibrated.info["calibration.method"], "bias")
        for key in ["log_loss_before", "log_loss_after", "accuracy_before", "accuracy_after"] {
            XCTAssertNotNil(calibrated.info["calibration.\(key)"], key)
        }
        XCTAssertEqual(calibrated.weights, plain.weights)
        XCTAssertGreaterThan(calibrated.temperature, 0)
        XCTAssertNotEqual(calibrated.temperature, 1)
        let before = try XCTUnwrap(calibrated.info["calibration.log_loss_before"].flatMap(Double.init))
        let after = try XCTUnwrap(calibrated.info["calibration.log_loss_after"].flatMap(Double.init))
        XCTAssertLessThan(after, before)
        XCTAssertEqual(try Model(bytes: calibrated.serialized()).bias, calibrated.bias)
        // The default method is unchanged.
        XCTAssertEqual(try Trainer().trainCalibrated(on: examples, folds: 3).serialized(),
                       try Trainer().trainCalibrated(on: examples, folds: 3, method: .temperature).serialized())
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

final class UnsureTests: XCTestCase {
    let labels = ["precio", "saludo", "spam"]

    func testLabelThresholdsParse() throws {
        let t = try UnsurePolicy.parseLabelThresholds(
            "# umbrales\nprecio\t0.8\n\n  spam = 0.95  \r\n", file: "t.txt", labels: labels)
        XCTAssertEqual(t, ["precio": 0.8, "spam": 0.95])
        // A file saved on Windows: CRLF after every line.
        let crlf = try UnsurePolicy.parseLabelThresholds("saludo\t0.5\r\nprecio=0.6\r\n", file: "t.txt", labels: labels)
        XCTAssertEqual(crlf, ["saludo": 0.5, "precio": 0.6])
        // … and Notepad starts it with a byte-order mark.
        let bom = try UnsurePolicy.parseLabelThresholds("\u{FEFF}saludo\t0.5\r\nprecio=0.6\r\n", file: "t.txt", labels: labels)
        XCTAssertEqual(bom, ["saludo": 0.5, "precio": 0.6])
        let policy = UnsurePolicy(threshold: 0.5, perLabel: t)
        XCTAssertTrue(policy.isUnsure(label: "precio", top: 0.7, second: 0.2))
        XCTAssertFalse(policy.isUnsure(label: "saludo", top: 0.7, second: 0.2))
    }

    func testLabelThresholdErrorsNameFileAndLine() {
        func assertError(_ text: String, line: Int, mentions: String, file: StaticString = #filePath, testLine: UInt = #line) {
            XCTAssertThrowsError(try UnsurePolicy.parseLabelThresholds(text, file: "t.txt", labels: labels)) { error in
                guard let e = error as? DataError else { return XCTFail("\(error)", file: file, line: testLine) }
                XCTAssertEqual(e.file, "t.txt", file: file, line: testLine)
                XCTAssertEqual(e.line, line, file: file, line: testLine)
                XCTAssertTrue(e.message.contains(mentions), e.message, file: file, line: testLine)
            }
        }
        assertError("precio 0.8\n", line: 1, mentions: "label<TAB>probability")
        assertError("# x\nenvio=0.5\n", line: 2, mentions: "unknown label `envio`")
        assertError("# x\r\nprecio=0.5\r\nenvio=0.5\r\n", line: 3, mentions: "unknown label `envio`")
        assertError("precio=1.5\n", line: 1, mentions: "between 0 and 1")
        assertError("precio=alto\n", line: 1, mentions: "`alto`")
        assertError("precio=0.5\nprecio=0.6\n", line: 2, mentions: "twice")
        assertError("=0.5\n", line: 1, mentions: "missing label")
    }
}

final class ExplanationTests: XCTestCase {
    /// The naive Bayes model of `NaiveBayesTests`: P(w|precio) = hola 1/3, precio 1/2,
    /// buenas 1/6; P(w|saludo) = hola 3/7, buenas 3/7, precio 1/7. For "hola precio" (precio),
    /// w:precio weighs (ln(1/2) − ln(1/7))/2 and w:hola (ln(1/3) − ln(3/7))/2.
    func testExplanationWeightsByHand() throws {
        let model = try handComputedNaiveBayes()
        let c = Classifier(model: model)
        let x = c.explain("hola precio", top: 10)
        XCTAssertEqual(x.label, "precio")
        XCTAssertEqual(x.probability, c.classify("hola precio").probability)
        XCTAssertEqual(x.features.map(\.feature), ["w:precio", "w:hola"])
        XCTAssertEqual(Double(x.features[0].weight), log(3.5) / 2, accuracy: 1e-5)
        XCTAssertEqual(Double(x.features[1].weight), log(7.0 / 9.0) / 2, accuracy: 1e-5)
        // A feature counted twice weighs twice as much.
        let y = c.explain("hola hola", top: 1)
        XCTAssertEqual(y.label, "saludo")
        XCTAssertEqual(y.features.count, 1)
        XCTAssertEqual(Double(y.features[0].weight), 2 * log(9.0 / 7.0) / 2, accuracy: 1e-5)
    }

    /// With every feature, intercept + Σ weights is the chosen label's score minus the mean
    /// score, on the default weighting (sublinear TF-IDF, per-block normalisation).
    func testExplanationSumsToTheScoreGapAndIsSorted() throws {
        let model = try Trainer().train(on: [
            Example(text: "hola buenas tardes", label: "saludo"),
            Example(text: "buenos días", label: "saludo"),
            Example(text: "cuánto cuesta el queque", label: "precio"),
            Example(text: "a cómo está el kilo", label: "precio"),
        ])
        let c = Classifier(model: model)
        let text = "hola, cuánto cuesta el kilo?"
        let x = c.explain(text, top: Int.max)
        XCTAssertEqual(x.features.map(\.weight), x.features.map(\.weight).sorted(by: >))
        let ws = FeatureWorkspace()
        c.extractor.extract(text, into: ws)
        var v = SparseVector()
        model.space.vectorize(ws, into: &v)
        var s = [Float](repeating: 0, count: 2)
        s.withUnsafeMutableBufferPointer { model.scores(v, into: $0) }
        let chosen = model.labels.firstIndex(of: x.label)!
        let gap = s[chosen] - s.reduce(0, +) / 2
        XCTAssertEqual(x.intercept + x.features.reduce(0) { $0 + $1.weight }, gap, accuracy: 1e-4)
        XCTAssertTrue(x.features.allSatisfy { !$0.feature.hasPrefix("#") }, "every feature has a name")
        XCTAssertEqual(c.explain(text, top: 3).features, Array(x.features.prefix(3)))
    }
}

/// 36 short messages of three labels, for calibration tests.
/// Three labels, 70 messages each: enough for a calibration (``TemperatureScaling/minimumHeldOut``).
func threeLabelExamples() -> [Example] {
    var examples: [Example] = []
    for i in 0..<70 {
        examples.append(Example(text: "hola buenas \(i % 3 == 0 ? "tardes" : "noches")", label: "saludo"))
        examples.append(Example(text: "cuánto cuesta el \(i % 2 == 0 ? "queque" : "pan")", label: "precio"))
        examples.append(Example(text: "ganaste un premio \(i % 2 == 0 ? "ya" : "hoy") ingresá", label: "spam"))
    }
    return examples
}
