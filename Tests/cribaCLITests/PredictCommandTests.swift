import Foundation
import XCTest

/// `criba predict`: output written the way the input came (encoding, byte-order mark, line
/// ends, Excel's `sep=` line), or for Excel with --excel.
extension CLITests {
    func testPredictWritesWindows1252CRLFAndSeparatorLineBack() throws {
        let model = try trainedModel()
        // As Excel saves "CSV (separado por punto y coma)" on Windows: cp1252, CR LF, sep= line.
        let utf8 = "sep=;\r\nId;Mensaje\r\n1;¿cuánto cuesta el queque?\r\n2;hola buenas, qué tal\r\n"
        let input = try file("excel.csv", CP1252.bytes(utf8))
        let out = dir.appendingPathComponent("out.csv").path
        succeeded(try run(["predict", "--model", model, input, "--text-column", "Mensaje", "-o", out]))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
        let expected = "sep=;\r\nId;Mensaje;predicted_label;probability\r\n1;¿cuánto cuesta el queque?;precio;"
        XCTAssertEqual(Array(bytes.prefix(expected.unicodeScalars.count)), CP1252.bytes(expected))
        XCTAssertFalse(bytes.contains(0xC3), "no UTF-8 sequences in a Windows-1252 file")
        XCTAssertEqual(bytes.suffix(2), [0x0D, 0x0A])
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines.allSatisfy { $0.last == 0x0D }, "every line ends with CR LF")
        // The written file reads back with the same columns and the answers: predicting it
        // again is refused (it has the prediction columns already), and evaluating the model
        // on it against its own answers finds every one.
        let again = try run(["predict", "--model", model, out, "--text-column", "Mensaje", "--excel"])
        XCTAssertEqual(again.status, 65, again.stderr)
        let check = try run(
            ["evaluate", "--model", model, out, "--text-column", "Mensaje", "--label-column", "predicted_label", "--json"])
        XCTAssertEqual(check.status, 0, check.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["n"] as? Int, 2, check.stdout)
        XCTAssertEqual(json?["accuracy"] as? Double, 1, check.stdout)
    }

    func testPredictExcelWritesUTF8WithByteOrderMarkCRLFAndSemicolons() throws {
        let model = try trainedModel()
        let input = try file("in.csv", "text,id\n\"cuánto cuesta, el queque\",7\nhola buenas,8\n")
        let r = succeeded(try run(["predict", "--model", model, input, "--excel"]))
        let bytes = Array(r.stdout.utf8)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: "\r\n").first, "text;id;predicted_label;probability")
        XCTAssertTrue(text.contains("\r\ncuánto cuesta, el queque;7;precio;"), text)
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // A plain UTF-8 LF comma file stays as it was without --excel.
        let plain = try run(["predict", "--model", model, input])
        XCTAssertTrue(plain.stdout.hasPrefix("text,id,predicted_label,probability\n\"cuánto cuesta, el queque\",7,precio,"), plain.stdout)
    }
}

extension CP1252 {
    /// Windows-1252 bytes of text the test knows to be encodable.
    static func bytes(_ s: String) -> [UInt8] {
        s.unicodeScalars.map { v in
            if v.value < 0x100 { return UInt8(v.value) }
            let high: [UInt32: UInt8] = [0x20AC: 0x80, 0x201C: 0x93, 0x201D: 0x94, 0x2013: 0x96]
            return high[v.value]!
        }
    }
}

enum CP1252 {}

extension CLITests {
    func testTrainEvaluatePredictRoundTrip() throws {
        let model = try trainedModel()
        let rows = [
            ("hola buenas noches", "saludo"), ("cuánto cuesta el pan", "precio"), ("ganaste un premio ingresá ya", "spam"),
            ("hola cuánto", "spam"),
        ]
        let test = try file("test.csv", "text,label\n" + rows.map { "\($0.0),\($0.1)\n" }.joined())
        let e = succeeded(try run(["evaluate", "--model", model, test, "--json"]))
        let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["n"] as? Int, 4)
        // The metrics, recomputed here from classify's answers to the same messages.
        let answers = try run(["classify", "--model", model], stdin: rows.map { $0.0 + "\n" }.joined())
        let predicted = answers.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        XCTAssertEqual(predicted.count, 4)
        let truths = rows.map(\.1)
        XCTAssertEqual(json["accuracy"] as? Double ?? -1, Double(zip(truths, predicted).filter { $0 == $1 }.count) / 4, accuracy: 1e-6)
        let perClass = json["per_class"] as! [String: [String: Any]]
        var f1s: [Double] = []
        for label in ["precio", "saludo", "spam"] {
            let tp = Double(zip(truths, predicted).filter { $0 == label && $1 == label }.count)
            let support = Double(truths.filter { $0 == label }.count)
            let guessed = Double(predicted.filter { $0 == label }.count)
            let p = guessed > 0 ? tp / guessed : 0
            let r = tp / support
            let f = p + r > 0 ? 2 * p * r / (p + r) : 0
            f1s.append(f)
            let got = try XCTUnwrap(perClass[label], label)
            XCTAssertEqual(got["precision"] as? Double ?? -1, p, accuracy: 1e-6, label)
            XCTAssertEqual(got["recall"] as? Double ?? -1, r, accuracy: 1e-6, label)
            XCTAssertEqual(got["f1"] as? Double ?? -1, f, accuracy: 1e-6, label)
            XCTAssertEqual(got["support"] as? Int, Int(support), label)
        }
        XCTAssertEqual(json["macro_f1"] as? Double ?? -1, f1s.reduce(0, +) / 3, accuracy: 1e-6)
        XCTAssertEqual(json["weighted_f1"] as? Double ?? -1, (f1s[0] + f1s[1] + 2 * f1s[2]) / 4, accuracy: 1e-6)
        let confusion = json["confusion"] as! [String: Any]
        XCTAssertEqual(confusion["labels"] as? [String], ["precio", "saludo", "spam"])
        let text = try run(["evaluate", "--model", model, test])
        XCTAssertTrue(text.stdout.contains("accuracy"), text.stdout)

        let out = dir.appendingPathComponent("labelled.csv").path
        succeeded(try run(["predict", "--model", model, test, "-o", out]))
        let labelled = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(labelled.hasPrefix("text,label,predicted_label,probability\n"), labelled)
        XCTAssertEqual(labelled.split(separator: "\n").count, 5)
    }

    /// `predict` quotes on bytes (a comma before a combining accent is still a comma), leaves
    /// newline-only texts unclassified like blank ones, and `-o -` is standard output.
    func testPredictQuotesFieldsByteWiseAndWritesDashToStandardOutput() throws {
        let model = try trainedModel()
        let data = try file("marks.csv", "id,text\n1,\",\u{301} precio\"\n2,\"a\"\"\u{301}b\"\n3,\"\n\"\n")
        let out = dir.appendingPathComponent("marks-out.csv").path
        succeeded(try run(["predict", "--model", model, data, "-o", out]))
        let written = try String(contentsOfFile: out, encoding: .utf8)
        let rows = written.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        XCTAssertTrue(rows[1].hasPrefix("1,\",\u{301} precio\","), written.debugDescription)
        XCTAssertTrue(rows[2].hasPrefix("2,\"a\"\"\u{301}b\","), written.debugDescription)
        XCTAssertTrue(written.contains("3,\"\n\",,\n"), written.debugDescription)
        // The output reads back as the same fields (its prediction columns renamed: predict
        // refuses an input that has them already).
        let refused = try run(["predict", "--model", model, out, "-o", "-"])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        let renamed = try file("renamed.csv", written.replacingOccurrences(of: "id,text,predicted_label,probability\n", with: "id,text,label,p\n"))
        let again = succeeded(try run(["predict", "--model", model, renamed, "-o", "-"]))
        XCTAssertTrue(again.stdout.hasPrefix("id,text,label,p,predicted_label,probability\n"), again.stdout)
        XCTAssertEqual(again.stdout.unicodeScalars.filter { $0 == "\n" }.count, written.unicodeScalars.filter { $0 == "\n" }.count)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
        let t = succeeded(try run(["train", try file("small.csv", Self.smallTraining), "--quiet", "-o", "-"]))
        XCTAssertTrue(t.stdout.hasPrefix("CRIBA"), String(t.stdout.prefix(16)))
    }
}
