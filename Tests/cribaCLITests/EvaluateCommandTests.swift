import Foundation
import XCTest

/// `criba evaluate`: report contents that depend on the number of labels, the positive label of
/// two-label reports, averages and small-sample notes.
extension CLITests {
    /// A CSV whose messages are all "palabraN" with label "etiqueta_N", for N in 0..<labels,
    /// `per` rows each; `swap` rows of label 0 carry the words of label 1.
    func manyLabelCSV(labels: Int, per: Int, swap: Int = 0) -> String {
        var csv = "text,label\n"
        for n in 0..<labels {
            for k in 0..<per {
                let word = n == 0 && k < swap ? 1 : n
                csv += "palabra\(word) cosa\(word) \(k % 3),etiqueta_larga_\(n)\n"
            }
        }
        return csv
    }

    func testMoreThanTwelveLabelsListTheLargestConfusionsAndFullMatrixNumbersColumns() throws {
        let train = try file("many.csv", manyLabelCSV(labels: 14, per: 6))
        let model = dir.appendingPathComponent("many.criba").path
        XCTAssertEqual(try run(["train", train, "-o", model, "--quiet"]).status, 0)
        // Two messages of etiqueta_larga_0 worded like etiqueta_larga_1: the only confusion.
        let test = try file("many-test.csv", manyLabelCSV(labels: 14, per: 3, swap: 2))
        let r = succeeded(try run(["evaluate", "--model", model, test]))
        XCTAssertTrue(r.stdout.contains("largest confusions (14 labels: --full-matrix prints the whole matrix)"), r.stdout)
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("etiqueta_larga_0 ") && $0.contains("etiqueta_larga_1") }
        XCTAssertEqual(line.map { $0.split(separator: " ").map(String.init) }, ["etiqueta_larga_0", "etiqueta_larga_1", "2", "66.7%"])
        XCTAssertFalse(r.stdout.contains("confusion (rows = true"))
        // Every row of the list is at most one line of normal width.
        XCTAssertTrue(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })

        let full = succeeded(try run(["evaluate", "--model", model, test, "--full-matrix"]))
        // Six-letter heads would all read "etique": the columns are numbered instead.
        let rows = full.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let head = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("confusion (rows = true") })
        XCTAssertEqual(rows[head + 1].split(separator: " ").map(String.init), (1...14).map(String.init))
        XCTAssertEqual(rows[head + 2].split(separator: " ").map(String.init), ["1", "etiqueta_larga_0", "1", "2"] + Array(repeating: "0", count: 12))
    }

    func testAveragesRowsAreTheMeansOfThePerLabelMetrics() throws {
        let model = try trainedModel()
        // saludo: 2 right; precio: 1 right, 1 called saludo; spam: 2 right.
        let test = try file("t.csv", "text,label\nhola buenas,saludo\nhola que tal,saludo\ncuánto cuesta el queque,precio\nhola buenas,precio\ngane dinero desde su casa,spam\nsu cuenta fue bloqueada,spam\n")
        let r = succeeded(try run(["evaluate", "--model", model, test, "--json"]))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let averages = try XCTUnwrap(json["averages"] as? [String: [String: Double]])
        // precision: saludo 2/3, precio 1, spam 1; recall: 1, 1/2, 1.
        XCTAssertEqual(averages["macro"]?["precision"] ?? 0, (2.0 / 3 + 1 + 1) / 3, accuracy: 1e-6)
        XCTAssertEqual(averages["macro"]?["recall"] ?? 0, (1 + 0.5 + 1) / 3, accuracy: 1e-6)
        XCTAssertEqual(averages["macro"]?["f1"] ?? 0, (0.8 + 2.0 / 3 + 1) / 3, accuracy: 1e-6)
        XCTAssertEqual(averages["weighted"]?["recall"] ?? 0, 5.0 / 6, accuracy: 1e-6)
        XCTAssertEqual(json["ece_reliable"] as? Bool, false)
        let text = try run(["evaluate", "--model", model, test])
        let macro = text.stdout.split(separator: "\n").first { $0.hasPrefix("macro avg") }
        XCTAssertEqual(macro.map { $0.split(separator: " ").map(String.init) }, ["macro", "avg", "0.889", "0.833", "0.822", "6"], text.stdout)
        XCTAssertTrue(text.stdout.contains("6 messages are too few for 15 ECE bins"), text.stdout)
    }

    func testPositiveLabelDefaultsToSpamAndCanBeChosen() throws {
        var csv = "text,label\n"
        // spam is the more frequent label: the old rule (the rarer label) would pick ham.
        for i in 0..<12 { csv += "ganaste un premio \(i) cobrá ya,spam\n" }
        for i in 0..<8 { csv += "hola a qué hora abren el \(i),ham\n" }
        let data = try file("sh.csv", csv)
        let model = dir.appendingPathComponent("sh.criba").path
        XCTAssertEqual(try run(["train", data, "-o", model, "--quiet"]).status, 0)
        let byDefault = try run(["evaluate", "--model", model, data])
        XCTAssertTrue(byDefault.stdout.contains("(positive label: spam)"), byDefault.stdout)
        let ham = succeeded(try run(["evaluate", "--model", model, data, "--positive-label", "ham", "--json"]))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ham.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["positive_label"] as? String, "ham")
        try assertFails(["evaluate", "--model", model, data, "--positive-label", "promo"], status: 64, mentions: ["`promo`", "`ham`", "`spam`"])
        try assertFails(["evaluate", "--model", try trainedModel(), data, "--positive-label", "spam"], status: 64, mentions: ["two-label", "3 labels"])
    }

    func testEvaluateSaysWhenItUsesTheShippedModel() throws {
        let test = try file("t.csv", "text,label\nhola buenas,saludo\ncuánto cuesta,precio\n")
        let r = succeeded(try run(["evaluate", test], environment: ["CRIBA_MODEL": ""]))
        XCTAssertTrue(r.stderr.contains("no --model given: evaluating the shipped default model"), r.stderr)
        XCTAssertTrue(r.stderr.contains("default.criba"), r.stderr)
    }

    func testTrainCalibrateAndEvaluateReportsCalibrationAndCoverage() throws {
        let data = try file("train.csv", Self.calibrationTraining)
        let model = dir.appendingPathComponent("cal.criba").path
        let t = succeeded(try run(["train", data, "-o", model, "--calibrate", "--folds", "2"]))
        XCTAssertTrue(t.stderr.contains("calibrated: temperature"), t.stderr)
        let e = succeeded(try run(["evaluate", "--model", model, data, "--json", "--target-accuracy", "0.9"]))
        let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
        for key in ["n", "accuracy", "macro_f1", "weighted_f1", "per_class", "confusion", "ece", "log_loss", "coverage", "uncalibrated", "target"] {
            XCTAssertNotNil(json[key], key)
        }
        let coverage = json["coverage"] as! [[String: Any]]
        XCTAssertEqual(coverage.map { $0["threshold"] as! Double }, [0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99])
        XCTAssertEqual(coverage[0]["coverage"] as? Double, 1)
        XCTAssertNil(json["roc_auc"], "three labels: no ROC-AUC")
        let text = try run(["evaluate", "--model", model, data, "--target-accuracy", "0.9"])
        XCTAssertTrue(text.stdout.contains("ECE"), text.stdout)
        XCTAssertTrue(text.stdout.contains("temperature 1:"), text.stdout)
        XCTAssertTrue(text.stdout.contains("target accuracy 0.900: threshold"), text.stdout)
        try assertFails(["train", data, "-o", model, "--calibrate", "--tune"], status: 64, mentions: ["--calibrate"])
    }

    func testGroupColumnForCalibrationAndCrossValidation() throws {
        let data = try file("grouped.csv", Self.grouped(Self.calibrationTraining))
        let model = dir.appendingPathComponent("grouped.criba").path
        let t = succeeded(try run(["train", data, "-o", model, "--calibrate", "--folds", "2", "--group-column", "business"]))
        XCTAssertTrue(t.stderr.contains("folds grouped by `business` (4 groups)"), t.stderr)
        let e = succeeded(try run(["evaluate", "--folds", "2", "--group-column", "business", data, "--json"]))
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any])["n"] as? Int, 204)
        try assertFails(["train", data, "-o", model, "--calibrate", "--folds", "5", "--group-column", "business"], status: 65,
                        mentions: [data, "`business` has 4 distinct value(s), fewer than the 5 folds"])
        try assertFails(["train", data, "-o", model, "--group-column", "business"], status: 64, mentions: ["--group-column", "--calibrate"])
        try assertFails(["evaluate", "--model", model, data, "--group-column", "business"], status: 64, mentions: ["--group-column", "--folds"])
    }

    func testCrossValidatedTwoLabelEvaluationWithHTMLReport() throws {
        var csv = "text,label\n"
        for i in 0..<10 {
            csv += "hola buenas \(i) <b>\"amigo\"</b>,saludo\n"
            csv += "ganaste un premio número \(i) ingresá & cobrá,spam\n"
        }
        csv += "hola ganaste,spam\nhola premio,saludo\npremio gratis ya,spam\n"
        let data = try file("two.csv", csv)
        let report = dir.appendingPathComponent("r.html").path
        let r = succeeded(try run(["evaluate", "--folds", "3", data, "--json", "--report", report, "--target-accuracy", "0.9"]))
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["n"] as? Int, 23)
        XCTAssertNotNil(json["roc_auc"] as? Double)
        XCTAssertNotNil(json["pr_auc"] as? Double)
        XCTAssertEqual(json["positive_label"] as? String, "spam", "spam is the positive label when it is one of the two")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        try assertWellFormed(html)
        for title in ["Confusion matrix heatmap", "F1 per label", "Reliability diagram", "Coverage–accuracy curve"] {
            XCTAssertTrue(html.contains("\">\(title)</title>"), title)
        }
        // Counts and row-% confusion, F1, ROC, PR, reliability, coverage.
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 7)
        for title in ["ROC (positive: spam)", "Precision-recall (positive: spam)", "macro average", "weighted average"] {
            XCTAssertTrue(html.contains(title), title)
        }
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertFalse(html.contains("<b>\"amigo"), "message text is escaped")
        XCTAssertTrue(html.contains("Most confident mistakes"))
        try assertFails(["evaluate", "--folds", "3", "--model", "m.criba", data], status: 64, mentions: ["--folds"])
        try assertFails(["evaluate", "--folds", "1", data], status: 64, mentions: ["--folds"])
    }
}
