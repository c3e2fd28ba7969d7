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
        var set = TrainingSet(options: o)
        for (i, e) in try csv.examples().enumerated() { set.add(e.text, label: e.label, line: i + 2) }
        let a = try set.train(trainer: Trainer(options: o), source: csv.path)
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

    func testStreamingRefusesStandardInput() {
        XCTAssertThrowsError(try Trainer().trainStreaming(on: LabelledCSV(path: "-")))
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
        let folds = Trainer.stratifiedFolds(labels, folds: 3, seed: 1)
        for f in 0..<3 {
            for y: Int32 in 0...2 {
                XCTAssertGreaterThan(labels.indices.filter { folds[$0] == f && labels[$0] == y }.count, 0)
            }
        }
        XCTAssertEqual(folds, Trainer.stratifiedFolds(labels, folds: 3, seed: 1))
    }
}
