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
        let r = try run(["evaluate", "--model", model, test])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("largest confusions (14 labels: --full-matrix prints the whole matrix)"), r.stdout)
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("etiqueta_larga_0 ") && $0.contains("etiqueta_larga_1") }
        XCTAssertEqual(line.map { $0.split(separator: " ").map(String.init) }, ["etiqueta_larga_0", "etiqueta_larga_1", "2", "66.7%"])
        XCTAssertFalse(r.stdout.contains("confusion (rows = true"))
        // Every row of the list is at most one line of normal width.
        XCTAssertTrue(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })

        let full = try run(["evaluate", "--model", model, test, "--full-matrix"])
        XCTAssertEqual(full.status, 0, full.stderr)
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
        let r = try run(["evaluate", "--model", model, test, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
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
        let ham = try run(["evaluate", "--model", model, data, "--positive-label", "ham", "--json"])
        XCTAssertEqual(ham.status, 0, ham.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ham.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["positive_label"] as? String, "ham")
        try assertFails(["evaluate", "--model", model, data, "--positive-label", "promo"], status: 64, mentions: ["`promo`", "`ham`", "`spam`"])
        try assertFails(["evaluate", "--model", try trainedModel(), data, "--positive-label", "spam"], status: 64, mentions: ["two-label", "3 labels"])
    }

    func testEvaluateSaysWhenItUsesTheShippedModel() throws {
        let test = try file("t.csv", "text,label\nhola buenas,saludo\ncuánto cuesta,precio\n")
        let r = try run(["evaluate", test], environment: ["CRIBA_MODEL": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("no --model given: evaluating the shipped default model"), r.stderr)
        XCTAssertTrue(r.stderr.contains("default.criba"), r.stderr)
    }
}
