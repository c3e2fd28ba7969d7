import Foundation
import XCTest

/// `criba embed` end to end.
extension CLITests {
    func testEmbedWritesOneUnitVectorPerLine() throws {
        let r = succeeded(try run(["embed"], stdin: "¿cuánto cuesta el envío?\n\n😀 https://example.com\r\nsin salto final"))
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(lines.last, "")
        for line in lines.dropLast() {
            let values = line.split(separator: "\t").compactMap { Double($0) }
            XCTAssertEqual(values.count, 512)
            XCTAssertEqual(values.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-4)
        }
    }

    func testEmbedJSONMatchesTSV() throws {
        let text = "hola, ¿tienen envío a Cartago?\n"
        let tsv = try run(["embed"], stdin: text)
        let json = succeeded(try run(["embed", "--format", "json"], stdin: text))
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Double])
        let values = tsv.stdout.dropLast().split(separator: "\t").compactMap { Double($0) }
        XCTAssertEqual(array, values)
    }

    func testEmbedFindsTheEncoderAndReportsBadOnes() throws {
        let shipped = Self.root.appendingPathComponent("Models/use-m3.encoder").path
        let a = try run(["embed", "--encoder", shipped], stdin: "hola\n")
        let b = try run(["embed"], stdin: Array("hola\n".utf8), environment: ["CRIBA_ENCODER": shipped])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)

        let missing = dir.appendingPathComponent("none.encoder").path
        let m = try run(["embed", "--encoder", missing], stdin: "hola\n")
        XCTAssertEqual(m.status, 66)
        XCTAssertTrue(m.stderr.contains(missing), m.stderr)
        let e = try run(["embed"], stdin: Array("hola\n".utf8), environment: ["CRIBA_ENCODER": missing])
        XCTAssertEqual(e.status, 66)
        XCTAssertTrue(e.stderr.contains("CRIBA_ENCODER"), e.stderr)

        let corrupt = try file("bad.encoder", Array("CRIBA\0EN".utf8) + [UInt8](repeating: 7, count: 100))
        let c = try run(["embed", "--encoder", corrupt], stdin: "hola\n")
        XCTAssertEqual(c.status, 65)
        XCTAssertTrue(c.stderr.contains("bad.encoder"), c.stderr)
        XCTAssertEqual(c.stdout, "")
    }

    func testEmbedAnswersEachLineBeforeTheNextArrives() throws {
        let p = Process()
        p.executableURL = Self.executable
        p.arguments = ["embed"]
        let inPipe = Pipe()
        let outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try p.run()
        for message in ["hola buenas", "cuánto cuesta"] {
            inPipe.fileHandleForWriting.write(Data((message + "\n").utf8))
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = outPipe.fileHandleForReading.availableData
                XCTAssertFalse(chunk.isEmpty, "embed closed its output")
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            XCTAssertEqual(line.split(separator: 0x09).count, 512)
        }
        try inPipe.fileHandleForWriting.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }
}
