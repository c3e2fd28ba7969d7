import XCTest

@testable import Criba

/// The shipped model must be exactly what the documented command produces from `Data/`:
/// `criba train Data/train.csv -o Models/default.criba --algorithm nblr --calibrate --group-column business` (all
/// defaults, seed 1, 3 folds grouped by business).
final class DefaultModelTests: XCTestCase {
    let modelPath = repositoryRoot.appendingPathComponent("Models/default.criba").path
    let trainPath = repositoryRoot.appendingPathComponent("Data/train.csv").path
    let testPath = repositoryRoot.appendingPathComponent("Data/test.csv").path

    func testRetrainingReproducesTheShippedModelByteForByte() throws {
        let shipped = try FileIO.readAll(path: modelPath)
        var options = TrainingOptions()
        options.algorithm = .nbLogisticRegression
        let retrained = try Trainer(options: options).trainCalibrated(on: LabelledCSV(path: trainPath), folds: 3, groupColumn: "business").serialized()
        XCTAssertEqual(retrained.count, shipped.count)
        XCTAssertTrue(retrained == shipped, "Models/default.criba is stale: retrain it with the command in Models/README.md")
    }

    func testShippedModelIsSmallAndHasTheProductLabels() throws {
        let model = try Model(contentsOfFile: modelPath)
        XCTAssertEqual(
            model.labels.sorted(),
            ["agradecimiento", "disponibilidad", "envio", "horario", "otro", "pago", "pedido", "precio", "reclamo",
             "saludo", "spam", "ubicacion"])
        let size = try FileManager.default.attributesOfItem(atPath: modelPath)[.size] as! Int
        XCTAssertLessThanOrEqual(size, 16 << 20)
    }

    func testShippedModelMeetsTheQualityBarOnHeldOutData() throws {
        let classifier = try Classifier(path: modelPath)
        let e = classifier.evaluate(try LabelledCSV(path: testPath).examples())
        XCTAssertGreaterThanOrEqual(e.count, 1000)
        XCTAssertGreaterThanOrEqual(e.macroF1, 0.90, "macro-F1 on Data/test.csv")
        XCTAssertEqual(classifier.model.info["calibration.method"], "temperature")
        XCTAssertEqual(classifier.model.info["calibration.group_column"], "business")
        // The small-data rules leave the recipe's calibration as fitted: enough held-out
        // messages, and a temperature inside nblr's range (no cap applied).
        let facts = classifier.model.facts.training
        XCTAssertGreaterThanOrEqual(facts.rows ?? 0, TemperatureScaling.minimumHeldOut)
        XCTAssertNil(facts.temperatureCappedFrom)
        XCTAssertTrue(Algorithm.nbLogisticRegression.temperatureRange.contains(classifier.model.temperature))
        XCTAssertLessThanOrEqual(e.expectedCalibrationError(), 0.03, "ECE on Data/test.csv")
    }
}
