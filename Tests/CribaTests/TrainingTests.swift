import XCTest

@testable import Criba

final class TrainingTests: XCTestCase {
    func corpus() throws -> String {
        let dir = try temporaryDirectory(self)
        var text = "text,label\n"
        for (t, l) in ModelFileTests.examples.map({ ($0.text, $0.label) }) + [
            ("me regala el precio del pan", "precio"), ("cuánto vale la docena", "precio"),
            ("buenas noches", "saludo"), ("hola hola", "saludo"),
            ("reclamá tu premio en premios-cr.click", "spam"), ("su paquete está retenido, pague en correos-cr.top", "spam"),
        ] {
            text += "\"\(t)\",\(l)\n"
        }
        return try writeFile(dir, "train.csv", text)
    }

    func testStreamingNaiveBayesEqualsInMemoryNaiveBayes() throws {
        let o = Trainer.countOptions(TrainingOptions())  // naive Bayes on raw counts
        let csv = LabelledCSV(path: try corpus())
        var set = try TrainingSet(options: o)
        for (i, e) in try csv.examples().enumerated() { set.add(e.text, label: e.label, line: i + 2) }
        let a = try set.train(trainer: Trainer(options: o), source: csv.path).recordingInput(of: csv)
        let b = try Trainer(options: o).trainStreaming(on: csv, bufferSize: 3)
        XCTAssertEqual(a.serialized(), b.serialized(), "streaming naive Bayes gives the in-memory model byte for byte")
        XCTAssertEqual(a.space.keys, b.space.keys)
        XCTAssertEqual(a.weights, b.weights)
        XCTAssertEqual(a.bias, b.bias)
        XCTAssertEqual(a.counts, b.counts)
    }

    func testStreamingLogisticRegressionIsDeterministicAndLearns() throws {
        let csv = LabelledCSV(path: try corpus())
        let a = try Trainer().trainStreaming(on: csv, bufferSize: 4)
        let b = try Trainer().trainStreaming(on: csv, bufferSize: 4)
        XCTAssertEqual(a.serialized(), b.serialized())
        let c = Classifier(model: a)
        XCTAssertEqual(c.classify("cuánto cuesta la docena de pan").label, "precio")
        XCTAssertEqual(c.classify("ganaste un premio, ingresá ya").label, "spam")
    }

    /// Regression: streaming SVMs kept temperature 1, so their probabilities were raw margins
    /// through a softmax (ECE 0.556 on Data/test.csv against 0.063 in memory).
    func testStreamingSVMFitsItsTemperatureOnTheTrainingMessages() throws {
        // Enough messages for a fit (TemperatureScaling.minimumHeldOut): the corpus twelve
        // times, each copy told apart by a number.
        let dir = try temporaryDirectory(self)
        let base = try LabelledCSV(path: try corpus()).examples()
        var text = "text,label\n"
        for k in 0..<12 { for e in base { text += "\"\(e.text) \(k)\",\(e.label)\n" } }
        let csv = LabelledCSV(path: try writeFile(dir, "large.csv", text))
        XCTAssertGreaterThanOrEqual(base.count * 12, TemperatureScaling.minimumHeldOut)
        for algorithm in [Algorithm.linearSVM, .nbSVM] {
            var o = TrainingOptions()
            o.algorithm = algorithm
            let model = try Trainer(options: o).trainStreaming(on: csv, bufferSize: 4)
            XCTAssertEqual(model.info["temperature_fit"], "training", "\(algorithm)")
            var set = try TrainingSet(options: o)
            for (i, e) in try csv.examples().enumerated() { set.add(e.text, label: e.label, line: i + 2) }
            let fit = TemperatureScaling.fit(
                scores: model.rawScores(set.raw), labels: set.raw.labels, classes: model.labels.count, range: algorithm.temperatureRange)
            XCTAssertEqual(model.temperature, fit.temperature, "\(algorithm): the temperature of the training scores")
            XCTAssertEqual(model.facts.training.temperatureCappedFrom, fit.cappedFrom, "\(algorithm)")
            XCTAssertNotEqual(model.temperature, 1, "\(algorithm)")
            // Below the minimum: temperature 1, and the model says why.
            let small = try Trainer(options: o).trainStreaming(on: LabelledCSV(path: try corpus()), bufferSize: 4)
            XCTAssertEqual(small.info["temperature_fit"], "too_few_messages", "\(algorithm)")
            XCTAssertEqual(small.temperature, 1, "\(algorithm)")
        }
        let csvSmall = LabelledCSV(path: try corpus())
        var lrOptions = TrainingOptions()
        lrOptions.algorithm = .nbLogisticRegression
        let lr = try Trainer(options: lrOptions).trainStreaming(on: csvSmall, bufferSize: 4)
        XCTAssertNil(lr.info["temperature_fit"], "logistic regression keeps temperature 1")
        XCTAssertEqual(lr.temperature, 1)
    }

    /// Streaming always runs SGD: its model records epochs and learning rate even when the
    /// options ask for L-BFGS.
    func testStreamingRecordsTheSGDSettingsItUsed() throws {
        var o = TrainingOptions()
        o.algorithm = .linearSVM
        o.solver = .lbfgs
        let model = try Trainer(options: o).trainStreaming(on: LabelledCSV(path: try corpus()), bufferSize: 4)
        XCTAssertEqual(model.info["solver"], "sgd")
        XCTAssertEqual(model.info["learning_rate"], "0.1")
        XCTAssertEqual(model.info["epochs"], "12")
        XCTAssertNil(model.info["tolerance"])
        XCTAssertNil(model.info["max_iterations"])
    }

    func testStreamingRefusesStandardInput() {
        XCTAssertThrowsError(try Trainer().trainStreaming(on: LabelledCSV(path: "-"))) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("give a file, not standard input"), "\(error)")
        }
    }

    func testTuneStoresItsTableAndPicksTheBestCandidate() throws {
        let csv = LabelledCSV(path: try corpus())
        let grid = [
            TuningCandidate(algorithm: .naiveBayes, alpha: 0.1),
            TuningCandidate(algorithm: .logisticRegression, c: 10),
            TuningCandidate(algorithm: .nbLogisticRegression, c: 30, charNgrams: 0...0),
        ]
        let (model, results) = try Trainer().tune(on: csv, folds: 2, candidates: grid)
        XCTAssertEqual(results.map(\.candidate), grid)
        let best = results.max { $0.accuracy < $1.accuracy }!
        XCTAssertEqual(results.first { $0.accuracy == best.accuracy }!.candidate.description, model.info["tune.winner"])
        XCTAssertEqual(model.info["tune.table"]?.split(separator: "\n").count, 3)
        XCTAssertEqual(model.info["tune.folds"], "2")
        let again = try Trainer().tune(on: csv, folds: 2, candidates: grid).model
        XCTAssertEqual(model.serialized(), again.serialized())
        // The table survives a save and load.
        XCTAssertEqual(try Model(bytes: model.serialized()).info["tune.table"], model.info["tune.table"])
    }

    func testStratifiedFoldsKeepEveryLabelInEveryFold() {
        let labels: [Int32] = Array(repeating: 0, count: 9) + Array(repeating: 1, count: 6) + Array(repeating: 2, count: 3)
        let folds = Folds.stratified(labels, folds: 3, seed: 1)
        for f in 0..<3 {
            for y: Int32 in 0...2 {
                XCTAssertGreaterThan(labels.indices.filter { folds[$0] == f && labels[$0] == y }.count, 0)
            }
        }
        XCTAssertEqual(folds, Folds.stratified(labels, folds: 3, seed: 1))
    }

    /// Rows of a small grouped data set: `groups` groups of 1 to 7 rows, labels 0–2 mixed.
    static func groupedRows(groups: Int) -> (labels: [Int32], groups: [String]) {
        var labels: [Int32] = []
        var names: [String] = []
        for g in 0..<groups {
            for r in 0..<(1 + (g * 5) % 7) {
                labels.append(Int32((g + r) % 3))
                names.append("negocio_\(g)")
            }
        }
        return (labels, names)
    }

    func testGroupedFoldsNeverSplitAGroupAndAreDeterministic() {
        let (labels, groups) = Self.groupedRows(groups: 23)
        for k in [2, 3, 5] {
            let folds = Folds.grouped(labels, groups: groups, folds: k, seed: 1)
            var foldOf: [String: Int] = [:]
            for (i, g) in groups.enumerated() {
                XCTAssertEqual(foldOf[g, default: folds[i]], folds[i], "group \(g) is split across folds")
                foldOf[g] = folds[i]
            }
            XCTAssertEqual(Set(folds), Set(0..<k), "every fold gets a group")
            XCTAssertEqual(folds, Folds.grouped(labels, groups: groups, folds: k, seed: 1))
            // The order of the rows does not matter: reversed rows, same fold per group.
            let reversed = Folds.grouped(labels.reversed(), groups: groups.reversed(), folds: k, seed: 1)
            XCTAssertEqual(Array(reversed.reversed()), folds)
        }
        // As many groups as folds: one group per fold.
        let three = Folds.grouped([0, 1, 0, 1, 1], groups: ["a", "b", "a", "c", "b"], folds: 3, seed: 7)
        XCTAssertEqual(Set(three), [0, 1, 2])
        XCTAssertEqual(three[0], three[2])
        XCTAssertEqual(three[1], three[4])
    }

    func testGroupedFoldsOfTheCorpusKeepEveryLabelInEveryFold() throws {
        var labelIndex: [String: Int32] = [:]
        var labels: [Int32] = []
        var groups: [String] = []
        try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/train.csv").path).forEach(groupColumn: "business") {
            _, label, group, _ in
            labels.append(labelIndex[label, default: Int32(labelIndex.count)])
            labelIndex[label] = labels.last!
            groups.append(group)
        }
        let folds = Folds.grouped(labels, groups: groups, folds: 3, seed: 1)
        for f in 0..<3 {
            let rows = folds.indices.filter { folds[$0] == f }
            XCTAssertEqual(Double(rows.count), Double(labels.count) / 3, accuracy: Double(labels.count) * 0.02, "fold \(f) size")
            for y in Set(labels) {
                let inFold = rows.filter { labels[$0] == y }.count
                let all = labels.filter { $0 == y }.count
                XCTAssertEqual(Double(inFold), Double(all) / 3, accuracy: Double(all) * 0.1, "label \(y) in fold \(f)")
            }
        }
    }

    func testCalibrationWithAGroupColumn() throws {
        let dir = try temporaryDirectory(self)
        var text = "text,label,business\n"
        // At least TemperatureScaling.minimumHeldOut messages: the examples 17 times over.
        for k in 0..<17 {
            for (i, e) in ModelFileTests.examples.enumerated() { text += "\"\(e.text) \(k)\",\(e.label),negocio_\(i % 5)\n" }
        }
        let path = try writeFile(dir, "grouped.csv", text)
        let model = try Trainer().trainCalibrated(on: LabelledCSV(path: path), folds: 3, groupColumn: "business")
        XCTAssertEqual(model.info["calibration.group_column"], "business")
        XCTAssertEqual(model.info["calibration.groups"], "5")
        XCTAssertEqual(try Trainer().trainCalibrated(on: LabelledCSV(path: path), folds: 3, groupColumn: "business").serialized(), model.serialized())
        XCTAssertNil(try Trainer().trainCalibrated(on: LabelledCSV(path: path), folds: 3).info["calibration.group_column"])
        XCTAssertThrowsError(try Trainer().trainCalibrated(on: LabelledCSV(path: path), groupColumn: "negocio")) { error in
            let message = (error as? DataError)?.description ?? ""
            XCTAssertTrue(message.contains(path) && message.contains("`negocio`") && message.contains("`text`, `label`, `business`"), message)
        }
        XCTAssertThrowsError(try Trainer().trainCalibrated(on: LabelledCSV(path: path), folds: 6, groupColumn: "business")) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("5 distinct value(s), fewer than the 6 folds"), "\(error)")
        }
        let e = try Trainer().crossValidate(on: LabelledCSV(path: path), folds: 2, groupColumn: "business")
        XCTAssertEqual(e.count, ModelFileTests.examples.count * 17)
    }

    func testProgressReportsNestedLevelsWithTheShareDone() throws {
        let r = ProgressReport(steps: [
            ProgressStep(name: "candidate", done: 2, total: 10), ProgressStep(name: "fold", done: 1, total: 4),
            ProgressStep(name: "epoch", done: 6, total: 12),
        ])
        XCTAssertEqual(r.description, "candidate 3 of 10, fold 2 of 4, epoch 7 of 12")
        XCTAssertEqual(try XCTUnwrap(r.fraction), 0.2 + 0.1 * (0.25 + 0.25 * 0.5), accuracy: 1e-12)
        XCTAssertNil(ProgressReport(steps: [ProgressStep(name: "iteration", done: 4, total: nil)]).fraction)
        XCTAssertEqual(ProgressReport(steps: [ProgressStep(name: "iteration", done: 4, total: nil)]).description, "iteration 5")
        XCTAssertEqual(ProgressReport(steps: [ProgressStep(name: "rows counted", done: 1024, total: 5580)]).description, "1024 of 5580 rows counted")

        // A training reports to its handler every change of its outermost level: each of the
        // calibration's models (inner levels, such as epochs, at most every 50 ms).
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var reports: [ProgressReport] = []
        }
        let box = Box()
        var trainer = Trainer()
        trainer.onProgress = { r in box.lock.withLock { box.reports.append(r) } }
        _ = try trainer.trainCalibrated(on: threeLabelExamples(), folds: 3)
        let outer = box.reports.compactMap { $0.steps.first }.filter { $0.name == "model" }
        XCTAssertEqual(Set(outer.map(\.done)), [0, 1, 2, 3], "models 1 to 4 of 4")
        XCTAssertTrue(outer.allSatisfy { $0.total == 4 })
        // Without a handler nothing is tracked.
        XCTAssertNil(Trainer().onProgress)
    }
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
