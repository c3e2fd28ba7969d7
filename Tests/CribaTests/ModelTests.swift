import Foundation
import XCTest

@testable import Criba

/// learn, unlearn, merge and warm start.
final class LearningTests: XCTestCase {
    let trainPath = repositoryRoot.appendingPathComponent("Data/train.csv").path
    let testPath = repositoryRoot.appendingPathComponent("Data/test.csv").path

    /// Options as `criba train --algorithm nb` sets them.
    var nbOptions: TrainingOptions { Trainer.countOptions(TrainingOptions()) }

    let small = [
        Example(text: "hola buenas", label: "saludo"), Example(text: "buenos días", label: "saludo"),
        Example(text: "cuánto cuesta el queque", label: "precio"), Example(text: "a cómo está el kilo", label: "precio"),
        Example(text: "GANASTE UN IPHONE ingresá ya", label: "spam"), Example(text: "préstamo inmediato sin fiador", label: "spam"),
    ]

    /// Options, line lists and counts that a library caller can get wrong give errors, never
    /// a trap: the command line checks its options, the library must check its own.
    func testBadOptionsAndArgumentsThrowInsteadOfTrapping() throws {
        func problem(_ change: (inout TrainingOptions) -> Void) -> String {
            var o = TrainingOptions()
            change(&o)
            do {
                _ = try Trainer(options: o).train(on: small)
                return "trained"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(problem { $0.epochs = -1 }.contains("epochs"))
        XCTAssertTrue(problem { $0.epochs = .max }.contains("epochs"))
        XCTAssertTrue(problem { $0.features.bucketBits = 64 }.contains("bucket bits"))
        XCTAssertTrue(problem { $0.features.charNgramMin = 6; $0.features.charNgramMax = 2 }.contains("character n-grams"))
        XCTAssertTrue(problem { $0.alpha = 0 }.contains("alpha"))
        XCTAssertTrue(problem { $0.c = .nan }.contains("C must"))
        XCTAssertTrue(problem { $0.learningRate = .infinity }.contains("learning rate"))
        XCTAssertTrue(problem { $0.learningRate = 1e30 }.contains("diverged"))
        XCTAssertEqual(problem { _ in }, "trained")
        XCTAssertThrowsError(try Trainer().train(on: small + [Example(text: "hola", label: "")])) { error in
            XCTAssertTrue(error is TrainingError || error is DataError, "\(error)")
            XCTAssertTrue("\(error)".contains("empty"), "\(error)")
        }
        XCTAssertThrowsError(try Trainer().train(on: small + [Example(text: "hola", label: "dos\nlíneas")])) { error in
            XCTAssertTrue(error is TrainingError || error is DataError, "\(error)")
            XCTAssertTrue("\(error)".contains("line break"), "\(error)")
        }

        let nb = try Trainer(options: nbOptions).train(on: small)
        XCTAssertThrowsError(try nb.learning([Example(text: "a", label: "precio"), Example(text: "b", label: "")], lines: [7])) { error in
            XCTAssertTrue("\(error)".contains("1 line numbers for 2 examples"), "\(error)")
        }
        XCTAssertThrowsError(try nb.unlearning(small, lines: [])) { error in
            XCTAssertTrue("\(error)".contains("0 line numbers for \(small.count) examples"), "\(error)")
        }
        let lr = try Trainer().train(on: small)
        XCTAssertThrowsError(try lr.learning(small, warmStart: WarmStartOptions(learningRate: .infinity))) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("learning rate"), "\(error)")
        }
        XCTAssertThrowsError(try lr.learning(small, warmStart: WarmStartOptions(epochs: .max))) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("epochs"), "\(error)")
        }

        // An `info.rows` that would overflow is dropped, not trapped on.
        var huge = nb
        huge.facts.training.rows = Int.max
        XCTAssertNil(try huge.learning([Example(text: "hola", label: "saludo")]).info["rows"])
        XCTAssertNil(try Model.merging([huge, huge]).info["rows"])
        XCTAssertEqual(try nb.learning([Example(text: "hola", label: "saludo")]).info["rows"], "7")

        let e = Classifier(model: nb).evaluate(small)
        XCTAssertEqual(e.reliability(bins: 0).count, 1)
        XCTAssertEqual(e.reliability(bins: -3).count, 1)
    }

    func testLearnThenUnlearnGivesTheByteIdenticalModel() throws {
        for algorithm in [Algorithm.naiveBayes, .complementNaiveBayes] {
            var o = nbOptions
            o.algorithm = algorithm
            let model = try Trainer(options: o).train(on: small)
            let corrections = [
                Example(text: "xq no me contestan, el pedido llegó roto", label: "reclamo"),  // new label, new words
                Example(text: "a cómo el kilo de queso", label: "precio"),
                Example(text: "hola buenas", label: "saludo"),
            ]
            let learned = try model.learning(corrections)
            XCTAssertEqual(learned.labels, ["precio", "reclamo", "saludo", "spam"])
            XCTAssertGreaterThan(learned.featureCount, model.featureCount)
            XCTAssertEqual(learned.info["rows"], "9")
            XCTAssertEqual(Classifier(model: learned).classify("el pedido llegó roto").label, "reclamo")
            let back = try learned.unlearning(corrections)
            XCTAssertTrue(back.serialized() == model.serialized(), "\(algorithm): learn + unlearn changed the model")
        }
    }

    func testLearningEqualsTrainingOnTheUnion() throws {
        let extra = [Example(text: "qué horario tienen el domingo", label: "horario"), Example(text: "abren mañana?", label: "horario")]
        var learned = try Trainer(options: nbOptions).train(on: small).learning(extra)
        let trained = try Trainer(options: nbOptions).train(on: small + extra)
        // The same model but for the record of what was learned.
        XCTAssertEqual(learned.info["learned"]?.split(separator: " ").count, 2)
        learned.facts.setLearned([:])
        XCTAssertTrue(learned.serialized() == trained.serialized())
    }

    /// A message made of words the model knows, never learned: its counts could be subtracted,
    /// but it is refused, naming the line; the record of learned messages tells them apart.
    func testUnlearningAMessageNeverLearnedIsRefused() throws {
        let trained = try Trainer(options: nbOptions).train(on: small)
        let known = Example(text: "hola buenas", label: "saludo")
        XCTAssertNoThrow(try trained.unlearning([known], trainingMessages: true))
        XCTAssertThrowsError(try trained.unlearning([known], source: "fix.csv", lines: [3])) { error in
            XCTAssertEqual(error as? DataError, DataError(
                file: "fix.csv", line: 3,
                message: "cannot unlearn this message as `saludo`: it was never learned with `criba learn` as `saludo` (the model records what it learns); to remove messages it was trained on, use the training-messages setting",
                settings: [.trainingMessages]))
        }
        // Learned with one label, not unlearned with another; learned twice, unlearned twice.
        let learned = try trained.learning([known, known])
        XCTAssertThrowsError(try learned.unlearning([Example(text: "hola buenas", label: "precio")]))
        XCTAssertEqual(try learned.unlearning([known, known]).serialized(), trained.serialized())
        XCTAssertEqual(try learned.unlearning([known]).info["learned"], try trained.learning([known]).info["learned"])
    }

    func testUnlearningTooMuchNamesTheLine() throws {
        let trained = try Trainer(options: nbOptions).train(on: small)
        let once = [Example(text: "hola buenas", label: "saludo")]
        let model = try trained.learning(once)
        let twice = once + once
        XCTAssertThrowsError(try model.unlearning(twice, source: "fix.csv", lines: [4, 7])) { error in
            let e = error as? DataError
            XCTAssertEqual(e?.file, "fix.csv")
            XCTAssertEqual(e?.line, 7)
            XCTAssertTrue(e?.message.contains("was learned only 1 time(s) with `criba learn`") ?? false, "\(error)")
        }
        // Messages of the training data may be unlearned when asked for, down to zero counts.
        XCTAssertThrowsError(try trained.unlearning(twice + twice, source: "fix.csv", lines: [1, 2, 3, 4], trainingMessages: true)) {
            error in
            XCTAssertTrue("\(error)".contains("below zero"), "\(error)")
        }
        XCTAssertThrowsError(try model.unlearning([Example(text: "hola", label: "nuevo")], source: "fix.csv", lines: [2])) {
            XCTAssertEqual(($0 as? DataError)?.line, 2)
        }
        XCTAssertThrowsError(try model.unlearning([Example(text: "zzz desconocido", label: "saludo")])) {
            XCTAssertEqual(($0 as? DataError)?.line, 1)
        }
    }

    func testLogisticRegressionRefusesUnlearnAndWarmStarts() throws {
        var o = TrainingOptions()
        o.seed = 3
        let model = try Trainer(options: o).train(on: small)
        XCTAssertThrowsError(try model.unlearning(small)) { XCTAssertTrue($0 is TrainingError) }
        let text = "hola, a cómo está el iphone"
        let correction = [Example(text: text, label: "precio")]
        let learned = try model.learning(correction, warmStart: WarmStartOptions(epochs: 20, learningRate: 1))
        XCTAssertEqual(Classifier(model: learned).classify(text).label, "precio")
        XCTAssertEqual(learned.featureCount, model.featureCount)
        XCTAssertEqual(learned.info["rows"], "7")
        XCTAssertThrowsError(try model.learning([Example(text: "x", label: "nuevo")], source: "-", lines: [3])) {
            XCTAssertEqual(($0 as? DataError)?.line, 3)
        }
    }

    /// SVMs warm-start with their own loss; the default learning rate (scaled by 0.1/0.8)
    /// moves a message to another label, keeping the features and the training temperature.
    func testSVMsWarmStart() throws {
        for algorithm in [Algorithm.linearSVM, .nbSVM] {
            var o = TrainingOptions()
            o.algorithm = algorithm
            o.seed = 3
            let model = try Trainer(options: o).train(on: small)
            XCTAssertThrowsError(try model.unlearning(small)) { XCTAssertTrue($0 is TrainingError) }
            let text = "hola, a cómo está el iphone"
            // A label the model does not give the message.
            let target = model.labels.first { $0 != Classifier(model: model).classify(text).topLabel }!
            let learned = try model.learning([Example(text: text, label: target)])
            XCTAssertEqual(Classifier(model: learned).classify(text).topLabel, target, "\(algorithm)")
            XCTAssertEqual(learned.featureCount, model.featureCount)
            XCTAssertEqual(learned.temperature, model.temperature)
            XCTAssertEqual(learned.info["temperature_fit"], model.info["temperature_fit"])
            XCTAssertEqual(learned.info["rows"], "7")
        }
    }

    /// Four shards of Data/train.csv trained as count models and merged give the one-process
    /// naive Bayes model byte for byte.
    func testMergingShardsEqualsTrainingOnTheWhole() throws {
        let dir = try temporaryDirectory(self)
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let body = try LabelledCSV(path: trainPath).examples().map { quoted($0.text) + "," + quoted($0.label) }
        let size = (body.count + 3) / 4
        var shards: [Model] = []
        for i in 0..<4 {
            let part = body.dropFirst(i * size).prefix(size)
            let path = try writeFile(dir, "shard-\(i).csv", (["text,label"] + part).joined(separator: "\n") + "\n")
            shards.append(try Trainer(options: nbOptions).trainCounts(on: LabelledCSV(path: path)))
        }
        let whole = try Trainer(options: nbOptions).train(on: LabelledCSV(path: trainPath))
        let merged = try Model.merging(shards)
        XCTAssertEqual(merged.info, whole.info)
        XCTAssertTrue(merged.serialized() == whole.serialized(), "merged shards differ from the one-process model")
        // A different order of the shards gives the same model (integer counts add exactly).
        XCTAssertTrue(try Model.merging(shards.reversed()).serialized() == whole.serialized())
    }

    func testMergeRefusesIncompatibleModels() throws {
        let nb = try Trainer(options: nbOptions).train(on: small)
        var other = nbOptions
        other.alpha = 1
        XCTAssertThrowsError(try Model.merging([nb, try Trainer(options: other).train(on: small)]))
        XCTAssertThrowsError(try Model.merging([nb, try Trainer().train(on: small)]))
    }
}
