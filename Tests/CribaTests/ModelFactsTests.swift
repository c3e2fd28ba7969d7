import Foundation
import XCTest

@testable import Criba

/// The typed facts of the model file's metadata section: what each `info.` entry reads as,
/// and that reading then writing gives the same text.
final class ModelFactsTests: XCTestCase {
    /// The entries a calibrated (bias), tuned, grouped model writes, as main wrote them.
    static let written: [String: String] = [
        "rows": "11514", "seed": "1", "min_count": "1", "alpha": "0.5", "c": "30.0", "solver": "sgd",
        "balanced": "false", "epochs": "12", "learning_rate": "0.8",
        "calibration.method": "bias", "calibration.folds": "3",
        "calibration.log_loss_before": "0.412345", "calibration.log_loss_after": "0.300001",
        "calibration.accuracy_before": "0.900000", "calibration.accuracy_after": "0.912500",
        "calibration.newton_steps": "25 (not converged)", "calibration.group_column": "business", "calibration.groups": "5",
        "calibration.threshold_for_0.95": "0.583 coverage 0.9400 accuracy 0.9510",
        "calibration.threshold_for_0.99": "0.912 coverage 0.5000 accuracy 0.9910",
        "tune.folds": "2", "tune.metric": "accuracy", "tune.winner": "algorithm=nblr alpha=0.5 c=30.0 word_ngrams=2 char_ngrams=0",
        "tune.table":
            "algorithm=nblr alpha=0.5 c=30.0 word_ngrams=2 char_ngrams=0: accuracy 0.9100 macro_f1 0.9050\nalgorithm=nb alpha=0.5 word_ngrams=1 char_ngrams=2-4: accuracy 0.8800 macro_f1 0.8700",
    ]

    func testEveryWrittenEntryReadsAsATypedValueAndWritesBackTheSameText() {
        let facts = ModelFacts(entries: Self.written)
        XCTAssertEqual(facts.unrecognized, [:], "every entry main writes has a typed field")
        XCTAssertEqual(facts.training.rows, 11514)
        XCTAssertEqual(facts.training.alpha, 0.5)
        XCTAssertEqual(facts.training.c, 30)
        XCTAssertEqual(facts.training.solver, .sgd)
        XCTAssertEqual(facts.training.balanced, false)
        XCTAssertEqual(facts.training.learningRate, 0.8)
        let c = try! XCTUnwrap(facts.calibration)
        XCTAssertEqual(c.method, .bias)
        XCTAssertEqual(c.folds, 3)
        XCTAssertEqual(c.logLossBefore, 0.412345)
        XCTAssertEqual(c.accuracyAfter, 0.9125)
        XCTAssertEqual(c.newtonSteps, 25)
        XCTAssertFalse(c.newtonConverged)
        XCTAssertEqual(c.groupColumn, "business")
        XCTAssertEqual(c.groups, 5)
        XCTAssertEqual(c.threshold(forTarget: 0.95), HeldOutThreshold(target: 0.95, threshold: 0.583, coverage: 0.94, accuracy: 0.951))
        XCTAssertEqual(c.threshold(forTarget: 0.99)?.threshold, 0.912)
        XCTAssertNil(c.threshold(forTarget: 0.97))
        let u = try! XCTUnwrap(facts.tuning)
        XCTAssertEqual(u.folds, 2)
        XCTAssertEqual(u.table?.count, 2)
        XCTAssertEqual(u.table?[1], TuningInfo.Row(candidate: "algorithm=nb alpha=0.5 word_ngrams=1 char_ngrams=2-4", accuracy: 0.88, macroF1: 0.87))
        XCTAssertEqual(facts.entries, Self.written)
    }

    func testUnknownAndUnreadableEntriesAreKeptVerbatim() {
        let entries = [
            "a_later_fact": "something", "rows": "0012", "calibration.threshold_for_0.95": "0.5 coverage",
            "calibration.newton_steps": "7 (stalled)", "tune.table": "no colon here", "seed": "-3",
        ]
        let facts = ModelFacts(entries: entries)
        XCTAssertEqual(facts.unrecognized, entries)
        XCTAssertNil(facts.training.rows)
        XCTAssertNil(facts.calibration)
        XCTAssertNil(facts.tuning)
        XCTAssertEqual(facts.entries, entries)
    }

    func testARowCountThatCannotBeReadIsDroppedWhenTheCountChanges() {
        var facts = ModelFacts(entries: ["rows": "many"])
        facts.addRows(1)
        XCTAssertEqual(facts.entries, [:])
        var counted = ModelFacts(entries: ["rows": "\(Int.max)"])
        counted.addRows(1)
        XCTAssertNil(counted.training.rows, "overflow leaves the count unknown")
        var normal = ModelFacts(entries: ["rows": "10"])
        normal.addRows(-3)
        XCTAssertEqual(normal.entries, ["rows": "7"])
    }

    func testMergedFactsKeepOnlyWhatEveryModelAgreesOn() {
        let a = ModelFacts(entries: ["alpha": "0.5", "seed": "1", "rows": "4"])
        let b = ModelFacts(entries: ["alpha": "0.5", "seed": "2", "rows": "4"])
        XCTAssertEqual(ModelFacts.common(to: [a, b]).entries, ["alpha": "0.5", "rows": "4"])
    }

    func testInputFactsAndLabelCountsReadAsTypedValuesAndWriteBack() {
        let written = [
            "text_column": "Mensaje", "label_column": "Categoría", "delimiter": "semicolon", "encoding": "windows-1252",
            "label_counts": "9 12 3", "rows": "24",
        ]
        let facts = ModelFacts(entries: written)
        XCTAssertEqual(facts.unrecognized, [:])
        XCTAssertEqual(facts.training.textColumn, "Mensaje")
        XCTAssertEqual(facts.training.labelColumn, "Categoría")
        XCTAssertEqual(facts.training.delimiter, .semicolon)
        XCTAssertEqual(facts.training.encoding, .windows1252)
        XCTAssertEqual(facts.training.labelCounts, [9, 12, 3])
        XCTAssertEqual(facts.entries, written)
        // Values this build cannot read back exactly stay as they were.
        let odd = ["label_counts": "9  3", "delimiter": "pipe", "encoding": "latin-1"]
        XCTAssertEqual(ModelFacts(entries: odd).unrecognized, odd)
        XCTAssertEqual(ModelFacts(entries: odd).entries, odd)
        var added = facts
        added.addLabelCounts([1, 0, 2])
        XCTAssertEqual(added.training.labelCounts, [10, 12, 5])
        added.addLabelCounts([1, 1])
        XCTAssertNil(added.training.labelCounts, "not one count per label: unknown")
    }

    func testTrainingRecordsHowItReadTheFileAndTheLabelCounts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("facts-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv").path
        var text = "id\tmensaje\ttipo\n"
        for i in 0..<6 { text += "\(i)\thola buenas \(i)\tsaludo\n\(i)\tcuánto cuesta \(i)\tprecio\n\(i)\tganaste un premio \(i)\tspam\n" }
        text += "9\tcuánto sale\tprecio\n"
        try FileIO.writeAtomically(Array(text.utf8), to: path)
        var csv = CSVOptions()
        csv.textColumn = "mensaje"
        csv.labelColumn = "tipo"
        for algorithm in [Algorithm.linearSVM, .naiveBayes] {
            var o = TrainingOptions()
            o.algorithm = algorithm
            let model = try Trainer(options: o).train(on: LabelledCSV(path: path, options: csv))
            let t = model.facts.training
            XCTAssertEqual([t.textColumn, t.labelColumn], ["mensaje", "tipo"])
            XCTAssertEqual(t.delimiter, .tab)
            XCTAssertEqual(t.encoding, .utf8)
            XCTAssertEqual(model.labelExampleCounts, [7, 6, 6], "\(algorithm)")
            // Naive Bayes keeps them in its counts, not twice.
            XCTAssertEqual(t.labelCounts == nil, algorithm.isCountBased)
            XCTAssertEqual(try Model(bytes: model.serialized()).facts, model.facts)
        }
    }

    /// Every `Models/default.criba` this repository has shipped (format version 1, from its
    /// history) loads, and writing it again gives the same bytes.
    func testEveryShippedDefaultModelLoadsAndRewritesIdentically() throws {
        var files: [(String, [UInt8])] = [("HEAD", try FileIO.readAll(path: repositoryRoot.appendingPathComponent("Models/default.criba").path))]
        let commits = try? git(["log", "--format=%H", "--", "Models/default.criba"])
        for commit in commits?.split(separator: "\n") ?? [] {
            if let blob = try? gitBytes(["show", "\(commit):Models/default.criba"]), !blob.isEmpty {
                files.append((String(commit.prefix(7)), blob))
            }
        }
        for (name, bytes) in files {
            let model = try Model(bytes: bytes)
            XCTAssertEqual(model.serialized(), bytes, "default.criba at \(name)")
            XCTAssertEqual(model.facts.unrecognized, [:], "default.criba at \(name)")
            XCTAssertGreaterThan(model.facts.training.rows ?? 0, 0, "default.criba at \(name)")
            // Files written before the input was recorded read with none (the defaults apply).
            if model.facts.training.textColumn == nil {
                XCTAssertNil(model.facts.training.labelCounts, "default.criba at \(name)")
                XCTAssertNil(model.labelExampleCounts, "default.criba at \(name)")
            } else {
                XCTAssertEqual(model.labelExampleCounts?.reduce(0, +), Double(model.facts.training.rows ?? -1), "default.criba at \(name)")
            }
        }
        if files.count == 1 { throw XCTSkip("no git history of Models/default.criba here; checked the current file only") }
    }

    private func gitBytes(_ arguments: [String]) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", repositoryRoot.path] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileReadUnknown) }
        return [UInt8](data)
    }

    private func git(_ arguments: [String]) throws -> String {
        String(decoding: try gitBytes(arguments), as: UTF8.self)
    }
}
