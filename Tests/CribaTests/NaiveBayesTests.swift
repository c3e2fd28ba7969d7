import XCTest

@testable import Criba

final class NaiveBayesTests: XCTestCase {
    /// Multinomial NB with α = 1 on word counts, checked against probabilities computed by hand:
    /// saludo counts hola 2, buenas 2, precio 0 (total 4); precio counts hola 1, precio 2 (total 3);
    /// F = 3, priors 1/2 each.
    func testProbabilitiesMatchHandComputation() throws {
        let model = try handComputedNaiveBayes()
        XCTAssertEqual(model.labels, ["precio", "saludo"])
        let c = Classifier(model: model)
        // P(precio | hola precio) = (1/2·1/3·1/2) / (1/2·1/3·1/2 + 1/2·3/7·1/7) = 98/134
        let p1 = c.classify("hola precio")
        XCTAssertEqual(p1.label, "precio")
        XCTAssertEqual(Double(p1.probability), 98.0 / 134.0, accuracy: 1e-5)
        // P(saludo | hola hola desconocido) = (1/2·(3/7)²) / (1/2·(3/7)² + 1/2·(1/3)²) = 81/130
        let p2 = c.classify("hola hola desconocido")
        XCTAssertEqual(p2.label, "saludo")
        XCTAssertEqual(Double(p2.probability), 81.0 / 130.0, accuracy: 1e-5)
        // A message with no known feature gets the priors.
        XCTAssertEqual(Double(c.classify("nada conocido").probability), 0.5, accuracy: 1e-6)
    }

    func testLabelWithOneExampleIsRejectedWithItsLine() {
        XCTAssertThrowsError(
            try Trainer().train(on: [
                Example(text: "a", label: "x"), Example(text: "b", label: "x"), Example(text: "c", label: "solo"),
            ])
        ) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(":3:") && message.contains("`solo`"), message)
        }
    }

    func testSingleLabelIsRejected() {
        XCTAssertThrowsError(try Trainer().train(on: [Example(text: "a", label: "x"), Example(text: "b", label: "x")])) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("only one label (`x`)"), "\(error)")
        }
    }
}
