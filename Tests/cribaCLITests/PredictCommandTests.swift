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
        let r = try run(["predict", "--model", model, input, "--text-column", "Mensaje", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
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
        let r = try run(["predict", "--model", model, input, "--excel"])
        XCTAssertEqual(r.status, 0, r.stderr)
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
