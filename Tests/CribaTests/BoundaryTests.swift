import Foundation
import XCTest

@testable import Criba

/// The boundaries: one file of the library and one of the command-line tool call the operating
/// system, one the C kernels, and no library message names a command-line option.
final class BoundaryTests: XCTestCase {
    let sources = repositoryRoot.appendingPathComponent("Sources")

    func swiftFiles(under folder: String) throws -> [(path: String, text: String)] {
        let root = sources.appendingPathComponent(folder)
        let walker = FileManager.default.enumerator(atPath: root.path)!
        var out: [(String, String)] = []
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            let url = root.appendingPathComponent(relative)
            out.append(("\(folder)/\(relative)", try String(contentsOf: url, encoding: .utf8)))
        }
        XCTAssertFalse(out.isEmpty, folder)
        return out
    }

    func importers(of module: String, under folder: String) throws -> [String] {
        try swiftFiles(under: folder).filter { file in
            file.text.split(separator: "\n").contains { line in
                let words = line.split(separator: " ")
                return words.contains("import") && words.last.map(String.init) == module
            }
        }.map(\.path).sorted()
    }

    func testOneFileCallsTheOperatingSystemAndOneTheKernels() throws {
        XCTAssertEqual(try importers(of: "Glibc", under: "Criba"), ["Criba/System/Syscalls.swift"])
        XCTAssertEqual(try importers(of: "Darwin", under: "Criba"), ["Criba/System/Syscalls.swift"])
        XCTAssertEqual(try importers(of: "CribaShims", under: "Criba"), ["Criba/Support/Kernels.swift"])
        XCTAssertEqual(try importers(of: "CribaShims", under: "criba"), [], "the command-line tool calls the library")
    }

    func testOneFileOfTheCommandLineToolCallsTheOperatingSystem() throws {
        XCTAssertEqual(try importers(of: "Glibc", under: "criba"), ["criba/OS.swift"])
        XCTAssertEqual(try importers(of: "Darwin", under: "criba"), ["criba/OS.swift"])
        // Foundation re-exports the C library on Linux: its functions are looked for by name too.
        try assertNoCodeLine(
            under: "criba", except: "criba/OS.swift",
            matches: #"\b(errno|strerror|isatty|signal|sigaction|readlink|fstat|lstat|stat|memchr|memmove|memcpy|fflush|fputs|sysconf)\b\s*[(;]|\berrno\b"#)
    }

    /// Fails for each line of code (comments aside) of the Swift files under `folder` that
    /// `pattern` matches.
    func assertNoCodeLine(under folder: String, except excluded: String? = nil, matches pattern: String) throws {
        let regex = try NSRegularExpression(pattern: pattern)
        for file in try swiftFiles(under: folder) where file.path != excluded {
            for (n, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                let s = String(line)
                let hit = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
                XCTAssertNil(hit, "\(file.path):\(n + 1): \(code)")
            }
        }
    }

    func testLibraryTextNamesNoCommandLineOption() throws {
        // A string literal (outside comments) holding `--word` would be a CLI flag in a message.
        try assertNoCodeLine(under: "Criba", matches: #""[^"\n]*--[a-z][a-z-]*"#)
    }

    func testErrorsCarryTheRoleOfTheSettingTheyMention() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "x.csv", "mensaje,tipo\nhola,saludo\n")
        XCTAssertThrowsError(try LabelledCSV(path: path).examples()) { error in
            guard let e = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.settings, [.textColumn])
            XCTAssertTrue(e.message.hasSuffix("choose one with the text column setting"), e.message)
            XCTAssertEqual(
                SettingRole.renaming(in: e.message) { "<\($0.rawValue)>" },
                "no column named `text` in the header (columns: `mensaje`, `tipo`); choose one with <textColumn>")
        }
        var options = CSVOptions()
        options.textColumn = "mensaje"
        options.labelColumn = "etiqueta"
        XCTAssertThrowsError(try LabelledCSV(path: path, options: options).examples()) { error in
            XCTAssertEqual((error as? DataError)?.settings, [.labelColumn])
        }
    }
}
