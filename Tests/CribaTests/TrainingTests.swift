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
        var o = TrainingOptions()
        o.algorithm = .naiveBayes
        o.features.weighting = .count
        o.features.idf = false
        o.features.normalize = false
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
