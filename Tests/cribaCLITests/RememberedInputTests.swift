import Foundation
import XCTest

/// A model remembers the columns, delimiter and encoding it was trained with: `evaluate`,
/// `predict` and `learn` read files of the same kind without the flags, and flags still win.
extension CLITests {
    /// A Windows-1252, `;`, CR LF export with Spanish column names, as Excel writes it.
    func spanishExport(_ name: String, rows: Int = 4) throws -> String {
        var text = "Mensaje;Categoría\r\n"
        for i in 0..<rows {
            text += "hola buenas tardes \(i);saludo\r\ncuánto cuesta el queque \(i);precio\r\nel envío llegó dañado \(i);reclamo\r\n"
        }
        return try file(name, CP1252.bytes(text))
    }

    func testAModelTrainedOnOtherColumnsEvaluatesPredictsAndLearnsFilesOfTheSameKindWithoutFlags() throws {
        let model = dir.appendingPathComponent("own.criba").path
        let train = try run(["train", try spanishExport("train.csv"), "--text-column", "Mensaje", "--label-column", "Categoría", "-o", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("Windows-1252"), "training says once how it read the file: \(train.stderr)")

        let info = try run(["info", "--json", model])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(
            json["input"] as? [String: String],
            ["text_column": "Mensaje", "label_column": "Categoría", "delimiter": "semicolon", "encoding": "windows-1252"])
        // An SVM keeps no counts; its label counts are recorded all the same.
        XCTAssertEqual((json["labels"] as? [[String: Any]])?.map { $0["examples"] as? Int }, [4, 4, 4])
        XCTAssertTrue(try run(["info", model]).stdout.contains("input         text column `Mensaje`, label column `Categoría`, delimiter semicolon, encoding windows-1252"))

        let test = try spanishExport("test.csv", rows: 2)
        let e = try run(["evaluate", "--model", model, test, "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])?["n"] as? Int, 6)
        XCTAssertEqual(e.stderr, "", "the model was trained on a Windows-1252 file: reading another is no news")

        let p = try run(["predict", "--model", model, test])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertEqual(p.stderr, "")
        XCTAssertEqual(p.stdout.split(separator: "\r\n").count, 7, "a header and six rows")

        let learned = dir.appendingPathComponent("learned.criba").path
        let l = try run(["learn", "--model", model, try spanishExport("fix.csv", rows: 1), "-o", learned])
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertFalse(l.stderr.contains("Windows-1252"), l.stderr)
        // A warm start adds its messages to the recorded label counts.
        let after = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(try run(["info", "--json", learned]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual((after["labels"] as? [[String: Any]])?.map { $0["examples"] as? Int }, [5, 5, 5])

        // Flags still win, and a file of another kind says where the names came from.
        let other = try file("other.csv", "text,label\nhola,saludo\ncuánto cuesta,precio\n")
        XCTAssertEqual(try run(["evaluate", "--model", model, other, "--text-column", "text", "--label-column", "label"]).status, 0)
        try assertFails(
            ["evaluate", "--model", model, other], status: 65,
            mentions: ["no column named `Mensaje`", "`Mensaje` and `Categoría` are the text and label columns \(model) was trained with"])
        try assertFails(
            ["predict", "--model", model, other], status: 65, mentions: ["`Mensaje` is the text column \(model) was trained with"])

        // A UTF-8 file still reads as UTF-8; a model trained on UTF-8 still warns about Windows-1252.
        let utf8 = try file("utf8.csv", "Mensaje;Categoría\nel envío llegó dañado;reclamo\nhola buenas;saludo\n")
        let u = try run(["evaluate", "--model", model, utf8, "--json"])
        XCTAssertEqual(u.status, 0, u.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(u.stdout.utf8)) as? [String: Any])?["accuracy"] as? Double, 1, u.stdout)
        let utf8Model = dir.appendingPathComponent("utf8.criba").path
        let data = try file("train-utf8.csv", Self.smallTraining)
        XCTAssertEqual(try run(["train", data, "-o", utf8Model, "--quiet"]).status, 0)
        let w = try run(["evaluate", "--model", utf8Model, try file("w.csv", CP1252.bytes("text,label\nhola buenas,saludo\ncuánto cuesta,precio\n"))])
        XCTAssertTrue(w.stderr.contains("reading it as Windows-1252"), w.stderr)
    }
}
