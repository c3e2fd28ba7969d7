import Criba
import Foundation
import XCTest

/// Uses Criba only through its public API, as another package does (no `@testable`).
final class PublicAPITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let modelURL = root.appendingPathComponent("Models/default.criba")
    let testURL = root.appendingPathComponent("Data/test.csv")

    /// The same calls as the external consumer package in the README ("Embedding the library").
    func testConsumerPackageCalls() throws {
        let classifier = try Classifier(contentsOf: modelURL)
        let prediction = classifier.classify("hola, tienen la talla 38 en negro?")
        XCTAssertEqual(prediction.label, "disponibilidad")
        XCTAssertGreaterThan(prediction.probability, 0.5)
        XCTAssertFalse(prediction.isUnsure)
        XCTAssertEqual(prediction.probabilities.count, classifier.labels.count)
        XCTAssertEqual(prediction.probabilities.first?.label, prediction.label)
        let sum = prediction.probabilities.map(\.probability).reduce(0, +)
        XCTAssertEqual(sum, 1, accuracy: 1e-4)
    }

    func testLoadingFromBytesGivesTheSameAnswers() throws {
        let fromFile = try Classifier(contentsOf: modelURL)
        let fromData = try Classifier(bytes: try Data(contentsOf: modelURL))
        let fromArray = try Classifier(bytes: [UInt8](try Data(contentsOf: modelURL)))
        let texts = ["a cómo el kilo de carne?", "GANASTE UN IPHONE ingresá ya", "gracias mae"]
        XCTAssertEqual(fromFile.classify(texts), fromData.classify(texts))
        XCTAssertEqual(fromFile.classify(texts), fromArray.classify(texts))
        XCTAssertThrowsError(try Classifier(bytes: [1, 2, 3])) { error in
            XCTAssertTrue(error is ModelFileError, "\(error)")
        }
        XCTAssertThrowsError(try Classifier(contentsOf: URL(fileURLWithPath: "/nonexistent/x.criba"))) { error in
            XCTAssertEqual((error as? IOError)?.kind, .missing)
        }
    }

    /// One shared classifier, 8 tasks at once, each classifying every test message: the
    /// answers must equal the sequential ones exactly.
    func testConcurrentClassificationMatchesSequential() async throws {
        let classifier = try Classifier(contentsOf: modelURL)
        let texts = try LabelledCSV(path: testURL.path).examples().map(\.text)
        XCTAssertGreaterThan(texts.count, 1000)
        let sequential = classifier.classify(texts)
        let tasks = 8
        let results = try await withThrowingTaskGroup(of: (Int, [Prediction]).self) { group in
            for t in 0..<tasks {
                group.addTask {
                    // Each task walks the messages from a different starting point.
                    let shift = t * texts.count / tasks
                    var out = [Prediction?](repeating: nil, count: texts.count)
                    for k in 0..<texts.count {
                        let i = (k + shift) % texts.count
                        out[i] = classifier.classify(texts[i])
                    }
                    return (t, out.map { $0! })
                }
            }
            var all: [Int: [Prediction]] = [:]
            for try await (t, p) in group { all[t] = p }
            return all
        }
        XCTAssertEqual(results.count, tasks)
        for t in 0..<tasks {
            XCTAssertTrue(results[t]! == sequential, "task \(t) differs from the sequential answers")
        }
    }

    func testTrainEvaluateLearnAndMergeThroughThePublicAPI() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("criba-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("train.csv")
        try Data(
            """
            text,label
            cuánto cuesta el queque,precio
            a cómo está el kilo,precio
            precio de la talla M,precio
            hola buenas,saludo
            buenos días,saludo
            hola que tal,saludo

            """.utf8
        ).write(to: csv)
        var options = TrainingOptions()
        options.algorithm = .naiveBayes
        let trainer = Trainer(options: Trainer.countOptions(options))
        let model = try trainer.train(contentsOf: csv)
        XCTAssertEqual(model.labels, ["precio", "saludo"])
        let evaluation = Classifier(model: model).evaluate([
            Example(text: "cuánto cuesta", label: "precio"), Example(text: "hola", label: "saludo"),
        ])
        XCTAssertEqual(evaluation.accuracy, 1)
        let corrections = [Example(text: "a cómo el pan", label: "precio")]
        let learned = try model.learning(corrections)
        XCTAssertEqual(try learned.unlearning(corrections).serialized(), model.serialized())
        let merged = try Model.merging([model, try trainer.train(on: corrections + [Example(text: "el kilo de pan", label: "precio"), Example(text: "upe", label: "saludo"), Example(text: "hola upe", label: "saludo")])])
        XCTAssertEqual(merged.info["rows"], "\(6 + 4)")
    }
}
