import Foundation
import XCTest

@testable import Criba

final class CSVReaderTests: XCTestCase {
    func records(
        _ text: [UInt8], delimiter: CSVDelimiter = .auto, encoding: CSVEncoding = .auto,
        maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes
    ) throws -> (header: [String], rows: [[String]], lines: [Int]) {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "in.csv", text)
        let r = try CSVReader(path: path, delimiter: delimiter, encoding: encoding, maxRecordBytes: maxRecordBytes)
        var rows: [[String]] = []
        var lines: [Int] = []
        while let rec = try r.next() {
            rows.append(rec.fields)
            lines.append(rec.line)
        }
        return (r.header, rows, lines)
    }

    func records(_ text: String, delimiter: CSVDelimiter = .auto) throws -> (header: [String], rows: [[String]], lines: [Int]) {
        try records(Array(text.utf8), delimiter: delimiter)
    }

    func testQuotedFieldsWithCommasQuotesAndNewlines() throws {
        let r = try records("text,label\n\"hola, ¿tienen \"\"queque\"\"?\",precio\n\"línea 1\nlínea 2\",otro\nsimple,saludo\n")
        XCTAssertEqual(r.header, ["text", "label"])
        XCTAssertEqual(r.rows, [["hola, ¿tienen \"queque\"?", "precio"], ["línea 1\nlínea 2", "otro"], ["simple", "saludo"]])
        XCTAssertEqual(r.lines, [2, 3, 5])
    }

    func testCRLFAndBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("text,label\r\nbuenas,saludo\r\n\"a\r\nb\",otro\r\n".utf8)
        let r = try records(bytes)
        XCTAssertEqual(r.header, ["text", "label"])
        XCTAssertEqual(r.rows, [["buenas", "saludo"], ["a\r\nb", "otro"]])
    }

    func testDelimiterDetection() throws {
        XCTAssertEqual(try records("text;label\nhola, qué tal;saludo\n").rows, [["hola, qué tal", "saludo"]])
        XCTAssertEqual(try records("text\tlabel\nhola; qué tal\tsaludo\n").rows, [["hola; qué tal", "saludo"]])
        XCTAssertEqual(try records("text,label\nhola;x,saludo\n").rows, [["hola;x", "saludo"]])
    }

    func testExplicitDelimiterOverridesDetection() throws {
        XCTAssertEqual(try records("a;b,c\n1;2,3\n", delimiter: .comma).rows, [["1;2", "3"]])
    }

    func testLastLineWithoutNewlineAndBlankLines() throws {
        let r = try records("text,label\n\nhola,saludo\n\n\ngracias,agradecimiento")
        XCTAssertEqual(r.rows, [["hola", "saludo"], ["gracias", "agradecimiento"]])
        XCTAssertEqual(r.lines, [3, 6])
    }

    func testWindows1252IsTranscoded() throws {
        // "cañón" and "¿qué?" in Windows-1252, with a euro sign (0x80).
        let bytes: [UInt8] = Array("text;label\r\n".utf8) + [0x63, 0x61, 0xF1, 0xF3, 0x6E, 0x20, 0xBF, 0x71, 0x75, 0xE9, 0x3F, 0x20, 0x80]
            + Array(";precio\r\n".utf8)
        let r = try records(bytes)
        XCTAssertEqual(r.rows, [["cañón ¿qué? €", "precio"]])
    }

    /// A UTF-8 file with one stray byte is not taken for Windows-1252 (which would turn every
    /// accented letter into mojibake): detection reads it as UTF-8 and the byte is an error.
    func testStrayByteInAUTF8FileIsAnErrorNotWindows1252() throws {
        let bytes: [UInt8] = Array("text,label\n¿cuánto sale el envío?,precio\nmañana abren,horario\nlo quiero en ".utf8)
            + [0xF3] + Array("rden,pedido\n".utf8)
        XCTAssertThrowsError(try records(bytes)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 4)
            XCTAssertEqual(e.column, 14)
        }
        // The same rows with Windows-1252 accents throughout are still detected as Windows-1252.
        let cp1252: [UInt8] = Array("text,label\n".utf8) + [0xBF] + Array("cu".utf8) + [0xE1] + Array("nto sale?,precio\nma".utf8)
            + [0xF1] + Array("ana abren,horario\n".utf8)
        XCTAssertEqual(try records(cp1252).rows, [["¿cuánto sale?", "precio"], ["mañana abren", "horario"]])
        // Capitals before `…` form valid UTF-8 pairs in Windows-1252 (Í… is CD 85): three of
        // them do not outvote two bare `¿`.
        let caps: [UInt8] = Array("text,label\n\"GANE AQU".utf8) + [0xCD, 0x85] + Array("\",spam\n\"CLIC AQU".utf8) + [0xCD, 0x85]
            + Array("\",spam\n\"PROMO AQU".utf8) + [0xCD, 0x85] + Array("\",spam\n".utf8) + [0xBF] + Array("Abren hoy?,horario\n".utf8)
            + [0xBF] + Array("Abren el domingo?,horario\n".utf8)
        XCTAssertEqual(try records(caps).rows.map { $0[0] }, ["GANE AQUÍ…", "CLIC AQUÍ…", "PROMO AQUÍ…", "¿Abren hoy?", "¿Abren el domingo?"])
    }

    func testAColumnNamedTwiceIsAnError() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "dup.csv", Array("text,text,label\nhola,chau,saludo\n".utf8))
        let r = try CSVReader(path: path)
        XCTAssertEqual(try r.column(named: "label"), 2)
        XCTAssertThrowsError(try r.column(named: "text", role: .textColumn)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 1)
            XCTAssertTrue(e.message.contains("`text` 2 times") && e.message.contains("the text column setting") && e.settings == [.textColumn], e.message)
        }
        // Without an exact match, two headers that differ only in case are as ambiguous.
        let cased = try CSVReader(path: try writeFile(dir, "cased.csv", Array("TEXT,label,Text\nbasura,saludo,hola\n".utf8)))
        XCTAssertThrowsError(try cased.column(named: "text", role: .textColumn)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 1)
            XCTAssertTrue(e.message.contains("`TEXT`, `Text`"), e.message)
        }
        XCTAssertEqual(try cased.column(named: "LABEL"), 1)
    }

    func testInvalidUTF8NamesLineAndColumn() throws {
        let bytes: [UInt8] = Array("text,label\nhola,saludo\nab".utf8) + [0xFF] + Array("c,otro\n".utf8)
        XCTAssertThrowsError(try records(bytes, encoding: .utf8)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 3)
            XCTAssertTrue(e.message.contains("windows-1252"), e.message)
        }
    }

    func testInvalidUTF8InsideAQuotedFieldNamesItsExactColumn() throws {
        // `"ab` then the bad byte: the quote is column 1, `a` 2, `b` 3, the byte 4; after a
        // line break inside the quotes, columns restart at 1.
        let bytes: [UInt8] = Array("text,label\nhola,saludo\n\"ab".utf8) + [0xFF] + Array("c\",otro\n".utf8)
        XCTAssertThrowsError(try records(bytes, encoding: .utf8)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual([e.line, e.column], [3, 4])
        }
        let second: [UInt8] = Array("text,label\nhola,\"x\ny".utf8) + [0xC3] + Array("z\"\n".utf8)
        XCTAssertThrowsError(try records(second, encoding: .utf8)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual([e.line, e.column], [3, 2])
        }
        let field2: [UInt8] = Array("text,label\nhola,\"sal".utf8) + [0x80] + Array("\"\n".utf8)
        XCTAssertThrowsError(try records(field2, encoding: .utf8)) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual([e.line, e.column], [2, 10])
        }
    }

    func testRecordBoundIsExactAndNamesTheRecordsFirstLine() throws {
        // 10 bytes of record (the line end not counted) pass a bound of 10, not one of 9.
        let text = Array("t,l\n12345678,x\n".utf8)
        XCTAssertEqual(try records(text, maxRecordBytes: 10).rows, [["12345678", "x"]])
        XCTAssertThrowsError(try records(text, maxRecordBytes: 9)) { error in
            XCTAssertEqual((error as? DataError)?.line, 2)
        }
        // A quoted field over lines counts as one record, named by its first line.
        let multi = Array("t,l\n\n\"ab\ncd\nef\",x\n".utf8)
        XCTAssertEqual(try records(multi, maxRecordBytes: 12).rows, [["ab\ncd\nef", "x"]])
        XCTAssertThrowsError(try records(multi, maxRecordBytes: 11)) { error in
            XCTAssertEqual((error as? DataError)?.line, 3)
        }
    }

    func testAnEndlessInputStopsAtTheBound() throws {
        // Instead of filling memory.
        XCTAssertThrowsError(try CSVReader(path: "/dev/zero", maxRecordBytes: 1000)) { error in
            XCTAssertEqual((error as? DataError)?.line, 1)
            XCTAssertEqual((error as? DataError)?.file, "/dev/zero")
        }
    }

    func testUTF16IsRefusedByName() throws {
        for (bom, name) in [([UInt8(0xFF), 0xFE], "FF FE, little-endian"), ([0xFE, 0xFF], "FE FF, big-endian")] {
            XCTAssertThrowsError(try records(bom + [0x74, 0, 0x2C, 0, 0x6C, 0, 0x0A, 0])) { error in
                guard let e = error as? DataError else { return XCTFail("\(error)") }
                XCTAssertEqual([e.line, e.column], [1, 1])
                XCTAssertTrue(e.message.hasPrefix("the file is UTF-16 (byte-order mark \(name))"), e.message)
            }
        }
    }

    func testAFIFOIsReadOnceAndItsCopyServesLaterPasses() throws {
        let dir = try temporaryDirectory(self)
        let fifo = dir.appendingPathComponent("in.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let text = "text,label\nhola,saludo\ncuánto cuesta,precio\n"
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = text.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        writer.start()
        let csv = LabelledCSV(path: fifo)
        var passes: [[String]] = []
        for _ in 0..<3 {
            var labels: [String] = []
            try csv.forEach { _, label, _ in labels.append(label) }
            passes.append(labels)
        }
        XCTAssertEqual(passes, Array(repeating: ["saludo", "precio"], count: 3))
    }

    func testUnbalancedQuoteNamesWhereItOpened() throws {
        XCTAssertThrowsError(try records("text,label\nhola,saludo\n\"sin cerrar,otro\nmás,texto\n")) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 1)
            XCTAssertTrue(e.message.contains("unbalanced quote"), e.message)
        }
    }

    func testTextAfterClosingQuoteIsAnError() throws {
        XCTAssertThrowsError(try records("text,label\n\"hola\"x,saludo\n")) { error in
            XCTAssertEqual((error as? DataError)?.line, 2)
        }
    }

    func testEmptyFileAndMissingFile() throws {
        let dir = try temporaryDirectory(self)
        let empty = try writeFile(dir, "empty.csv", "")
        XCTAssertThrowsError(try CSVReader(path: empty)) { error in
            XCTAssertTrue((error as? DataError)?.message.contains("empty") ?? false)
        }
        XCTAssertThrowsError(try CSVReader(path: dir.appendingPathComponent("nope.csv").path)) { error in
            XCTAssertEqual((error as? IOError)?.kind, .missing)
        }
    }

    func testMissingColumnListsColumns() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "x.csv", "mensaje,tipo\nhola,saludo\n")
        let r = try CSVReader(path: path)
        XCTAssertThrowsError(try r.column(named: "text")) { error in
            let message = (error as? DataError)?.message ?? ""
            XCTAssertTrue(message.contains("`mensaje`") && message.contains("`tipo`"), message)
        }
    }

    func testTenMegabyteSingleLine() throws {
        let long = String(repeating: "hola que tal ", count: 800_000)
        let text = Array("text,label\n\"\(long)\",saludo\ncorto,otro\n".utf8)
        XCTAssertThrowsError(try records(text)) { error in
            XCTAssertEqual(error as? DataError, DataError(
                file: (error as? DataError)?.file ?? "", line: 2,
                message: "the record starting on this line is longer than 1048576 bytes, the maximum (raise it with the maximum line length setting if such long messages are expected; a quote that never closes also makes one record of the rest of the file)",
                settings: [.maxRecordBytes]))
        }
        let r = try records(text, maxRecordBytes: 11_000_000)
        XCTAssertEqual(r.rows.count, 2)
        XCTAssertEqual(r.rows[0][0].utf8.count, long.utf8.count)
        XCTAssertEqual(r.rows[1], ["corto", "otro"])
    }

    func testEmptyFieldsPolicy() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "x.csv", "text,label\nhola,saludo\n,precio\nchao,\ngracias,agradecimiento\n")
        var warnings: [String] = []
        let rows = try LabelledCSV(path: path).examples { warnings.append($0) }
        XCTAssertEqual(rows.map(\.label), ["saludo", "agradecimiento"])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("line(s) 3, 4"), warnings[0])
        var o = CSVOptions()
        o.emptyFields = .fail
        XCTAssertThrowsError(try LabelledCSV(path: path, options: o).examples()) { error in
            XCTAssertEqual((error as? DataError)?.line, 3)
        }
    }

    func testWrongFieldCountNamesLine() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "x.csv", "text,label\nhola,saludo\nuno,dos,tres\n")
        XCTAssertThrowsError(try LabelledCSV(path: path).examples()) { error in
            XCTAssertEqual((error as? DataError)?.line, 3)
        }
    }

    func testExcelSeparatorLineNamesTheDelimiterAndIsNotAHeader() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "x.csv", Array("sep=;\r\ntext;label\r\nhola, qué tal;saludo\r\n".utf8))
        let r = try CSVReader(path: path)
        XCTAssertEqual(r.header, ["text", "label"])
        XCTAssertEqual(r.delimiter, UInt8(ascii: ";"))
        XCTAssertTrue(r.hadSeparatorLine)
        XCTAssertTrue(r.usesCRLF)
        XCTAssertFalse(r.hadByteOrderMark)
        let rec = try XCTUnwrap(try r.next())
        XCTAssertEqual(rec.fields, ["hola, qué tal", "saludo"])
        XCTAssertEqual(rec.line, 3, "the sep= line counts as line 1")
        // A first line that only starts like one is a header.
        let plain = try records("sep=x,label\nhola,saludo\n")
        XCTAssertEqual(plain.header, ["sep=x", "label"])
        // An explicit delimiter wins; the line is still not a header.
        let tabs = try records(Array("SEP=,\ntext\tlabel\nhola, sí\tsaludo\n".utf8), delimiter: .tab)
        XCTAssertEqual(tabs.header, ["text", "label"])
        XCTAssertEqual(tabs.rows, [["hola, sí", "saludo"]])
    }

    func testWindows1252EncodesWhatItDecodes() throws {
        let text = "¿Cuánto cuesta? Envío “rápido” – 5 € ñ Ü"
        let bytes = try XCTUnwrap(Windows1252.encode(text))
        XCTAssertEqual(bytes.count, text.unicodeScalars.count)
        XCTAssertEqual(Windows1252.decode(bytes), text)
        XCTAssertEqual(Windows1252.encode("€")!, [0x80])
        XCTAssertNil(Windows1252.encode("hola 🙂"))
        XCTAssertNil(Windows1252.encode("\u{FFFD}"))
    }
}
