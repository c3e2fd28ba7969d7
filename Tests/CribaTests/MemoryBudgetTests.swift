import XCTest

@testable import Criba

/// The memory budget of a training: tables that would not fit are refused before they are
/// allocated, and files whose features would not fit are trained from the file in passes.
final class MemoryBudgetTests: XCTestCase {
    static let corpus: [(String, String)] = [
        ("cuánto cuesta el envío", "precio"), ("qué precio tiene la docena", "precio"),
        ("me regala el precio del pan", "precio"), ("cuánto vale la caja grande", "precio"),
        ("hola buenos días", "saludo"), ("buenas noches", "saludo"), ("hola hola qué tal", "saludo"),
        ("buenas tardes a todos", "saludo"), ("ganaste un premio, ingresá ya", "spam"),
        ("reclamá tu premio en premios-cr.click", "spam"), ("su paquete está retenido, pague aquí", "spam"),
        ("oferta exclusiva solo hoy, haga clic", "spam"),
    ]

    /// `copies` copies of the corpus as a CSV file.
    func corpusFile(copies: Int) throws -> String {
        var text = "text,label\n"
        for _ in 0..<copies {
            for (t, l) in Self.corpus { text += "\"\(t)\",\(l)\n" }
        }
        return try writeFile(try temporaryDirectory(self), "train.csv", text)
    }

    func testATableOverTheBudgetIsRefusedWithItsSizeBeforeTraining() throws {
        let o = Trainer.countOptions(TrainingOptions())  // naive Bayes on raw counts
        let examples = Self.corpus.map { Example(text: $0.0, label: $0.1) }
        var trainer = Trainer(options: o)
        trainer.memoryBudget = nil
        let model = try trainer.train(on: examples)
        let bytes = model.featureCount * 3 * 16  // counts (8) and weights with their serialised copy (8)
        trainer.memoryBudget = bytes - 1
        XCTAssertThrowsError(try trainer.train(on: examples)) { error in
            guard let e = error as? ModelSizeError else { return XCTFail("expected ModelSizeError, got \(error)") }
            XCTAssertEqual(e.features, model.featureCount)
            XCTAssertEqual(e.labels, 3)
            XCTAssertEqual(e.bytes, bytes)
            XCTAssertEqual(e.budget, bytes - 1)
            XCTAssertEqual(e.bucketBits, o.features.bucketBits)
            XCTAssertTrue(e.description.contains("\(model.featureCount) features × 3 labels"), e.description)
        }
        trainer.memoryBudget = bytes
        XCTAssertEqual(try trainer.train(on: examples).serialized(), model.serialized(), "a table that just fits trains as without a budget")
    }

    func testTheTableOfLBFGSCountsItsHistory() {
        var o = TrainingOptions()
        o.algorithm = .logisticRegression
        XCTAssertEqual(MemoryBudget.tableBytes(features: 1000, classes: 4, options: o), 1000 * 4 * 8)
        o.solver = .lbfgs
        XCTAssertEqual(MemoryBudget.tableBytes(features: 1000, classes: 4, options: o), 1000 * 4 * 108)
        o.algorithm = .nbSVM
        o.solver = .sgd
        XCTAssertEqual(MemoryBudget.tableBytes(features: 1000, classes: 4, options: o), 1000 * 4 * 20)
        XCTAssertEqual(MemoryBudget.tableBytes(features: Int.max / 2, classes: 4, options: o), .max, "overflow saturates")
    }

    func testTheFootprintOfASmallFileIsCountedExactly() throws {
        let path = try corpusFile(copies: 10)
        let o = TrainingOptions()
        let footprint = try XCTUnwrap(try FeatureFootprint.estimate(LabelledCSV(path: path), options: o))
        XCTAssertEqual(footprint.rows, 120)
        let extractor = FeatureExtractor(tokenizer: o.tokenizer, features: o.features)
        let ws = FeatureWorkspace()
        var occurrences = 0
        for (t, _) in Self.corpus {
            extractor.extract(t, into: ws)
            occurrences += ws.keyBuffer.buffer.count
        }
        XCTAssertEqual(footprint.occurrencesPerRow, Double(occurrences) / 12, accuracy: 1e-9)
        XCTAssertEqual(footprint.bytes, Int(120 * (footprint.occurrencesPerRow * 24 + 40)))
        XCTAssertNil(try FeatureFootprint.estimate(LabelledCSV(path: "-"), options: o), "standard input has no size")
    }

    func testAFileOverTheBudgetIsTrainedInPassesDeterministically() throws {
        let path = try corpusFile(copies: 100)
        let csv = LabelledCSV(path: path)
        let footprint = try XCTUnwrap(try FeatureFootprint.estimate(csv, options: TrainingOptions()))
        var trainer = Trainer()
        trainer.memoryBudget = nil
        let inMemory = try trainer.train(on: csv)
        XCTAssertNil(inMemory.info["streaming_files"])
        trainer.memoryBudget = footprint.bytes
        XCTAssertEqual(try trainer.train(on: csv).serialized(), inMemory.serialized(), "within the budget: the in-memory model")

        trainer.memoryBudget = footprint.bytes - 1
        var notes: [String] = []
        let streamed = try trainer.train(on: csv) { notes.append($0) }
        XCTAssertEqual(notes.count, 1)
        XCTAssertTrue(notes[0].contains("in passes"), notes[0])
        // Vectors of 1,200 messages dealt into files of a sixteenth of the budget each.
        let vectors = Double(footprint.rows) * (footprint.occurrencesPerRow * 8 + 32)
        let files = Int((vectors / Double((footprint.bytes - 1) / 16)).rounded(.up))
        XCTAssertGreaterThan(files, 1)
        XCTAssertEqual(streamed.info["streaming_files"], "\(files)")
        XCTAssertEqual(streamed.info["solver"], "sgd")
        XCTAssertEqual(streamed.info["temperature_fit"], "training")
        XCTAssertEqual(streamed.space.keys, inMemory.space.keys, "the same vocabulary")
        XCTAssertNotEqual(streamed.weights, inMemory.weights, "another SGD order")
        // Just room for the table: hundreds of files of a sixteenth of the budget, capped.
        trainer.memoryBudget = MemoryBudget.tableBytes(features: inMemory.featureCount, classes: 3, options: TrainingOptions())
        XCTAssertEqual(
            try trainer.train(on: csv).info["streaming_files"], "\(Trainer.largestSpillFileCount)", "a small budget opens at most 256 files")
        trainer.memoryBudget = footprint.bytes - 1
        XCTAssertEqual(try trainer.train(on: csv).serialized(), streamed.serialized(), "same file, budget and seed: same bytes")
        let classifier = Classifier(model: streamed)
        for (t, l) in Self.corpus { XCTAssertEqual(classifier.classify(t).label, l, t) }
    }

    func testSpillFilesGiveBackWhatWasWrittenAndStartEmptyAgain() throws {
        let spill = try SpillFiles(count: 2)
        let long = String(repeating: "ñandú ", count: 300_000)  // past the 1 MB write buffer
        try spill.append(text: "hola", label: 3, to: 1)
        try spill.append(text: long, label: 7, to: 0)
        try spill.append(text: "", label: 1, to: 1)
        func records(_ data: Data) -> [(Int32, String)] {
            var out: [(Int32, String)] = []
            data.withUnsafeBytes { raw in
                var at = 0
                while at + 8 <= raw.count {
                    let label = raw.loadUnaligned(fromByteOffset: at, as: Int32.self)
                    let n = Int(raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
                    out.append((label, String(decoding: raw[(at + 8)..<(at + 8 + n)], as: UTF8.self)))
                    at += 8 + n
                }
            }
            return out
        }
        let one = records(try spill.takeAll(1))
        XCTAssertEqual(one.map(\.0), [3, 1])
        XCTAssertEqual(one.map(\.1), ["hola", ""])
        let zero = records(try spill.takeAll(0))
        XCTAssertEqual(zero.map(\.0), [7])
        XCTAssertEqual(zero.first?.1, long)
        XCTAssertEqual(try spill.takeAll(0).count, 0, "taking empties the file")
        try spill.append(text: "otra vez", label: 2, to: 0)
        XCTAssertEqual(records(try spill.takeAll(0)).map(\.1), ["otra vez"])
    }
}
