import XCTest

@testable import Criba

final class PredictionExplanationTests: XCTestCase {
    func testPredictionCarriesItsExplanationWhenAsked() throws {
        var o = TrainingOptions()
        o.algorithm = .logisticRegression
        let classifier = Classifier(model: try Trainer(options: o).train(on: ModelFileTests.examples))
        let plain = classifier.classify("cuánto cuesta el queque?")
        XCTAssertNil(plain.explanation)
        let explained = classifier.classify("cuánto cuesta el queque?", explainingTop: 3)
        XCTAssertEqual(explained.label, plain.label)
        XCTAssertEqual(explained.explanation?.label, plain.topLabel)
        XCTAssertEqual(explained.explanation?.features.count, 3)
        let weights = explained.explanation!.features.map { $0.weight }
        XCTAssertEqual(weights, weights.sorted(by: >))
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
