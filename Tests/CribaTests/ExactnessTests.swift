import Foundation
import XCTest

@testable import Criba

#if canImport(Glibc)
    import Glibc
#endif

/// Values worked out by hand, boundaries hit exactly, and what a model file holds while and
/// after it is replaced: the checks that notice an off-by-one, a `<` turned `<=`, a metric
/// computed from the wrong margin of the confusion matrix, or a write that is not atomic.
final class ExactnessTests: XCTestCase {
    // MARK: Metrics

    /// Ten messages over three labels (truth → prediction): a→a ×3, a→b, b→b ×2, b→a ×2,
    /// c→c, c→b.
    ///
    /// a: 3 right of 4 true (recall 3/4) and of 5 predicted (precision 3/5), F1 2/3;
    /// b: 2 of 4 and of 4, F1 1/2; c: 1 of 2 true and of 1 predicted, F1 2/3.
    /// Accuracy 6/10, macro F1 (2/3 + 1/2 + 2/3)/3 = 11/18, weighted F1 (4·2/3 + 4·1/2 + 2·2/3)/10 = 3/5.
    func testPrecisionRecallAndF1ByHand() {
        var e = Evaluation(labels: ["a", "b", "c"])
        let pairs = [("a", "a"), ("a", "a"), ("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("b", "a"), ("b", "a"), ("c", "c"), ("c", "b")]
        for (t, p) in pairs { e.add(truth: t, predicted: p) }
        let m = Dictionary(uniqueKeysWithValues: e.perClass.map { ($0.label, $0) })
        XCTAssertEqual(m["a"]!.precision, 3.0 / 5.0, accuracy: 1e-12)
        XCTAssertEqual(m["a"]!.recall, 3.0 / 4.0, accuracy: 1e-12)
        XCTAssertEqual(m["a"]!.f1, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m["a"]!.support, 4)
        XCTAssertEqual(m["b"]!.precision, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m["b"]!.recall, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m["b"]!.f1, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m["c"]!.precision, 1, accuracy: 1e-12)
        XCTAssertEqual(m["c"]!.recall, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m["c"]!.f1, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m["c"]!.support, 2)
        XCTAssertEqual(e.accuracy, 0.6, accuracy: 1e-12)
        XCTAssertEqual(e.macroF1, 11.0 / 18.0, accuracy: 1e-12)
        XCTAssertEqual(e.weightedF1, 0.6, accuracy: 1e-12)
    }

    // MARK: Naive Bayes

    /// Counts (feature × class): f0 = (3, 1), f1 = (1, 5); class totals 4 and 6, all 10,
    /// α = 1, F = 2 (α·F = 2). Complement NB: W[f,c] = ln(N̄_c + αF) − ln(N̄[f,c] + α) with
    /// N̄ the counts of the other class: W[0,0] = ln 8 − ln 2, W[0,1] = ln 6 − ln 4,
    /// W[1,0] = ln 8 − ln 6, W[1,1] = ln 6 − ln 2. Multinomial: W[f,c] = ln(N[f,c] + α) −
    /// ln(N_c + αF): ln 4 − ln 6, ln 2 − ln 8, ln 2 − ln 6, ln 6 − ln 8; bias ln(n_c/n).
    func testNaiveBayesAndComplementWeightsByHand() {
        let counts = NaiveBayesCounts(featureCounts: [3, 1, 1, 5], classCounts: [1, 3])
        let cnb = NaiveBayes.weights(counts, classes: 2, alpha: 1, complement: true)
        let expectedCNB = [log(8.0 / 2), log(6.0 / 4), log(8.0 / 6), log(6.0 / 2)]
        for (got, want) in zip(cnb.weights, expectedCNB) { XCTAssertEqual(Double(got), want, accuracy: 1e-6) }
        XCTAssertEqual(cnb.bias, [0, 0])
        let nb = NaiveBayes.weights(counts, classes: 2, alpha: 1, complement: false)
        let expectedNB = [log(4.0 / 6), log(2.0 / 8), log(2.0 / 6), log(6.0 / 8)]
        for (got, want) in zip(nb.weights, expectedNB) { XCTAssertEqual(Double(got), want, accuracy: 1e-6) }
        XCTAssertEqual(Double(nb.bias[0]), log(0.25), accuracy: 1e-6)
        XCTAssertEqual(Double(nb.bias[1]), log(0.75), accuracy: 1e-6)
    }

    /// The data of ``handComputedNaiveBayes()`` with complement NB: saludo counts hola 2,
    /// buenas 2 (total 4), precio counts hola 1, precio 2 (total 3); all 7, F = 3, α = 1.
    /// W[f, saludo] = ln(3 + 3) − ln(N_precio[f] + 1): hola ln 3, buenas ln 6, precio ln 2;
    /// W[f, precio] = ln(4 + 3) − ln(N_saludo[f] + 1): hola ln 7/3, buenas ln 7/3, precio ln 7.
    /// "hola precio" scores ln 6 (saludo) and ln 49/3 (precio): P(precio) = 49/67.
    func testComplementNaiveBayesProbabilityByHand() throws {
        var o = TrainingOptions()
        o.algorithm = .complementNaiveBayes
        o.tokenizer = .basic
        o.features = .wordCounts
        o.alpha = 1
        let model = try Trainer(options: o).train(on: [
            Example(text: "hola hola buenas", label: "saludo"),
            Example(text: "buenas", label: "saludo"),
            Example(text: "precio hola", label: "precio"),
            Example(text: "precio", label: "precio"),
        ])
        let p = Classifier(model: model).classify("hola precio")
        XCTAssertEqual(p.label, "precio")
        XCTAssertEqual(Double(p.probability), 49.0 / 67.0, accuracy: 1e-6)
        let q = Classifier(model: model).classify("buenas")
        // ln 6 against ln 7/3: P(saludo) = 6 / (6 + 7/3) = 18/25.
        XCTAssertEqual(q.label, "saludo")
        XCTAssertEqual(Double(q.probability), 18.0 / 25.0, accuracy: 1e-6)
    }

    // MARK: Unsure exactly at the threshold and the margin

    func testUnsureBoundariesInThePolicy() {
        // At the threshold the answer stands; just below it is unsure.
        let t: Float = 0.75
        let global = UnsurePolicy(threshold: t)
        XCTAssertFalse(global.isUnsure(label: "a", top: t, second: 0.25))
        XCTAssertTrue(global.isUnsure(label: "a", top: t.nextDown, second: 0.25))
        // Per label, the same rule with the label's own threshold.
        let perLabel = UnsurePolicy(threshold: 0.1, perLabel: ["a": t])
        XCTAssertFalse(perLabel.isUnsure(label: "a", top: t, second: 0.25))
        XCTAssertTrue(perLabel.isUnsure(label: "a", top: t.nextDown, second: 0.25))
        XCTAssertFalse(perLabel.isUnsure(label: "b", top: t.nextDown, second: 0.25))
        // A gap exactly equal to the margin answers; a smaller one is unsure (0.75 − 0.25 is
        // exactly 0.5 in binary floating point).
        let margin = UnsurePolicy(margin: 0.5)
        XCTAssertFalse(margin.isUnsure(label: "a", top: 0.75, second: 0.25))
        XCTAssertTrue(margin.isUnsure(label: "a", top: 0.75, second: Float(0.25).nextUp))
    }

    /// A message of unknown words gets the priors of ``handComputedNaiveBayes()``: exactly
    /// 1/2 each, so a threshold or a margin can sit exactly on it.
    func testUnsureBoundariesThroughTheClassifier() throws {
        let model = try handComputedNaiveBayes()
        let p = Classifier(model: model).classify("zzz")
        XCTAssertEqual(p.probability, 0.5)
        XCTAssertEqual(Classifier(model: model, policy: UnsurePolicy(threshold: 0.5)).classify("zzz").label, p.label)
        XCTAssertEqual(Classifier(model: model, policy: UnsurePolicy(threshold: Float(0.5).nextUp)).classify("zzz").label, "unsure")
        XCTAssertEqual(Classifier(model: model, policy: UnsurePolicy(perLabel: [p.label: 0.5])).classify("zzz").label, p.label)
        XCTAssertEqual(
            Classifier(model: model, policy: UnsurePolicy(perLabel: [p.label: Float(0.5).nextUp])).classify("zzz").label, "unsure")
        // The top two are equal: no margin answers, margin 0 does.
        XCTAssertEqual(Classifier(model: model, policy: UnsurePolicy(margin: 0)).classify("zzz").label, p.label)
        XCTAssertEqual(Classifier(model: model, policy: UnsurePolicy(margin: Float(0).nextUp)).classify("zzz").label, "unsure")
    }

    // MARK: Replacing a model file

    func twoModels() throws -> (old: Model, new: Model) {
        let old = try handComputedNaiveBayes()
        var o = TrainingOptions()
        o.algorithm = .naiveBayes
        o.features.bucketBits = 12
        let new = try Trainer(options: o).train(on: threeLabelExamples())
        XCTAssertGreaterThan(new.serialized().count, 4 * old.serialized().count)
        return (old, new)
    }

    /// A program that opened the model before it was replaced keeps reading the old bytes
    /// (the new file is another inode, put in place by a rename), not a truncated or mixed file.
    func testAReaderHoldingTheOldModelKeepsItsBytes() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("m.criba").path
        let (old, new) = try twoModels()
        try old.write(toFile: path)
        let reader = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        try new.write(toFile: path)
        XCTAssertEqual([UInt8](try reader.readToEnd() ?? Data()), old.serialized())
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), new.serialized())
    }

    /// A write that fails part-way (here: the file-size limit is below the new model's size)
    /// throws and leaves the old model as it was, with no temporary file beside it.
    func testAFailedWriteLeavesTheOldModelIntact() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("m.criba").path
        let (old, new) = try twoModels()
        try old.write(toFile: path)
        let limit = rlim_t(new.serialized().count / 2)
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved), 0)
        let previous = signal(SIGXFSZ, SIG_IGN)
        var low = saved
        low.rlim_cur = limit
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &low), 0)
        var failure: Error?
        do { try new.write(toFile: path) } catch { failure = error }
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved), 0)
        signal(SIGXFSZ, previous)
        XCTAssertEqual((failure as? IOError)?.kind, .failed, "\(String(describing: failure))")
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), old.serialized())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.criba"])
    }
}
