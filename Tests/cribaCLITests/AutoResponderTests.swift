import Foundation
import XCTest

/// CLI tests: auto responder.
extension CLITests {
    func testAutoResponderRepliesPerLabel() throws {
        let responder = Self.executable.deletingLastPathComponent().appendingPathComponent("criba-autoresponder")
        let p = Process()
        p.executableURL = responder
        let inPipe = Pipe()
        let outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try p.run()
        inPipe.fileHandleForWriting.write(
            Data("hola, cuánto cuesta el queque de chocolate?\n\nGANASTE UN IPHONE, ingresá a http://premio.example.com\na qué hora abren el domingo?\n".utf8))
        try inPipe.fileHandleForWriting.close()
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 5, out)
        XCTAssertTrue(lines[0].hasPrefix("precio\t"), out)
        XCTAssertTrue(lines[0].contains("precio"), out)
        XCTAssertEqual(lines[1], "")
        XCTAssertEqual(lines[2], "spam\t(ignored)")
        XCTAssertTrue(lines[3].hasPrefix("horario\tAtendemos"), out)
    }
}
