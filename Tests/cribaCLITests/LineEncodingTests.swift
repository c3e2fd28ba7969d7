import Foundation
import XCTest

/// `--encoding` of classify and tokenize: Windows-1252 lines read as such.
extension CLITests {
    /// "el envío llegó dañado" in Windows-1252 (í ED, ó F3, ñ F1).
    static let damagedCP1252: [UInt8] = Array("el env".utf8) + [0xED] + Array("o lleg".utf8) + [0xF3] + Array(" da".utf8) + [0xF1]
        + Array("ado".utf8)

    func testClassifyAndTokenizeReadWindows1252LinesAsTheirUTF8() throws {
        let utf8 = Array("el envío llegó dañado".utf8)
        let mixed = utf8 + [0x0A] + Self.damagedCP1252 + [0x0A] + Array("hola, ¿qué tal?".utf8) + [0x0A]
        let r = succeeded(try run(["classify", "--top-k", "3"], stdin: mixed))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[0], lines[1], "the Windows-1252 line gets the answer of its UTF-8 form")
        // Said once, however many lines fell back.
        XCTAssertEqual(r.stderr.components(separatedBy: "read as Windows-1252").count - 1, 1, r.stderr)
        let twice = try run(["classify"], stdin: Self.damagedCP1252 + [0x0A] + Self.damagedCP1252 + [0x0A])
        XCTAssertEqual(twice.stderr.components(separatedBy: "read as Windows-1252").count - 1, 1, twice.stderr)

        let t = try run(["tokenize"], stdin: Self.damagedCP1252 + [0x0A])
        XCTAssertEqual(t.stdout, "el envio→envi llego→lleg dañado→dañ\n")
        // --encoding utf-8 keeps the old reading: the bad bytes separate words.
        let raw = try run(["tokenize", "--encoding", "utf-8"], stdin: Self.damagedCP1252 + [0x0A])
        XCTAssertFalse(raw.stdout.contains("envio"), raw.stdout)
        XCTAssertEqual(raw.stderr, "")
        // --encoding windows-1252 reads every line so, also lines that are valid UTF-8.
        let forced = try run(["tokenize", "--encoding", "windows-1252"], stdin: Self.damagedCP1252 + [0x0A] + Array("envío".utf8) + [0x0A])
        XCTAssertEqual(forced.stdout.split(separator: "\n").first, "el envio→envi llego→lleg dañado→dañ")
        XCTAssertFalse(forced.stdout.contains("envio→envi\nenvio"), "C3 AD read as Windows-1252 is not í")
        XCTAssertEqual(forced.stderr, "")
    }
}
