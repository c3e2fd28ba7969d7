import Foundation
import XCTest

/// Checks the documentation against the built `criba`: every subcommand that `criba --help`
/// lists has a page `docs/cli/<command>.md` whose reference block is exactly its
/// `criba help <command>` text; README.md stays short; relative links in README.md and docs/
/// name files that exist. `Scripts/update-cli-docs.sh` regenerates the reference blocks and
/// `Scripts/check-readme-links.sh` makes the same README and link checks from the shell.
final class CLIDocsTests: XCTestCase {
    /// The help text is wrapped at this width, here and in `Scripts/update-cli-docs.sh`
    /// (ArgumentParser reads `COLUMNS` before asking the terminal).
    static let columns = "80"
    static let maxReadmeLines = 200
    static let regenerate = "run Scripts/update-cli-docs.sh (after swift build) and commit docs/cli"

    /// Runs the built `criba` through the helper of ``CLITests``.
    func criba(_ arguments: [String]) throws -> CLITests.Run {
        let runner = CLITests(name: "CLIDocsTests.runner", testClosure: { _ in })
        return try runner.run(arguments, environment: ["COLUMNS": Self.columns])
    }

    /// The subcommands `criba --help` lists: the first word of each line indented by exactly
    /// two spaces under `SUBCOMMANDS:`, up to the first blank line.
    func subcommands() throws -> [String] {
        let r = try criba(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var inside = false
        var names: [String] = []
        for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inside = true
            } else if inside, line.isEmpty || line.first != " " {
                inside = false
            } else if inside, line.hasPrefix("  "), !line.hasPrefix("   "),
                let name = line.split(separator: " ").first
            {
                names.append(String(name))
            }
        }
        return names
    }

    /// The lines of the fenced block that follows `## Reference (`criba help <command>`)`, or
    /// nil when the page has no such heading or block.
    static func referenceBlock(in page: String, command: String) -> String? {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let heading = lines.firstIndex(of: "## Reference (`criba help \(command)`)"),
            let open = lines[(heading + 1)...].firstIndex(where: { $0.hasPrefix("```") }),
            lines[(heading + 1)..<open].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }),
            let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        else { return nil }
        return lines[(open + 1)..<close].joined(separator: "\n")
    }

    /// Text without its trailing line breaks.
    static func trimmingTrailingNewlines(_ text: String) -> String {
        var s = Substring(text)
        while s.last == "\n" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }

    func testEverySubcommandHasADocsPageWithItsCurrentHelp() throws {
        let commands = try subcommands()
        XCTAssertTrue(commands.contains("train"), "no subcommands found in `criba --help`")
        let docs = CLITests.root.appendingPathComponent("docs/cli")
        for command in commands {
            let path = docs.appendingPathComponent("\(command).md")
            guard let page = try? String(contentsOf: path, encoding: .utf8) else {
                XCTFail("`criba --help` lists `\(command)` but docs/cli/\(command).md is missing: \(Self.regenerate)")
                continue
            }
            guard let documented = Self.referenceBlock(in: page, command: command) else {
                XCTFail("docs/cli/\(command).md has no \"## Reference (`criba help \(command)`)\" fenced block: \(Self.regenerate)")
                continue
            }
            let r = try criba(["help", command])
            XCTAssertEqual(r.status, 0, r.stderr)
            let actual = Self.trimmingTrailingNewlines(r.stdout)
            if documented != actual {
                let a = documented.split(separator: "\n", omittingEmptySubsequences: false)
                let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
                let first = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) ?? min(a.count, b.count)
                let shown = { (lines: [Substring]) in first < lines.count ? "\"\(lines[first])\"" : "(end)" }
                XCTFail(
                    """
                    docs/cli/\(command).md is out of date with `criba help \(command)`: \(Self.regenerate). \
                    First difference at line \(first + 1) of the block: docs \(shown(a)), criba \(shown(b))
                    """)
            }
        }
    }

    func testReadmeIsShort() throws {
        let readme = try String(contentsOf: CLITests.root.appendingPathComponent("README.md"), encoding: .utf8)
        var lines = readme.split(separator: "\n", omittingEmptySubsequences: false).count
        if readme.hasSuffix("\n") { lines -= 1 }
        XCTAssertLessThanOrEqual(
            lines, Self.maxReadmeLines, "README.md has \(lines) lines (at most \(Self.maxReadmeLines)): move details to docs/")
    }

    /// The relative link targets of a Markdown page, outside fenced code blocks, with their
    /// line numbers; web addresses and same-page anchors are left out, and `#anchor` is cut.
    static func relativeLinks(in page: String) -> [(line: Int, target: String)] {
        var out: [(line: Int, target: String)] = []
        var fenced = false
        let link = try! NSRegularExpression(pattern: #"\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)"#)
        let scheme = try! NSRegularExpression(pattern: #"^[A-Za-z][A-Za-z0-9+.-]*:"#)
        for (i, line) in page.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fenced.toggle()
                continue
            }
            if fenced { continue }
            let text = String(line)
            let whole = NSRange(text.startIndex..., in: text)
            for match in link.matches(in: text, range: whole) {
                let target = (text as NSString).substring(with: match.range(at: 1))
                if target.hasPrefix("#") { continue }
                if scheme.firstMatch(in: target, range: NSRange(target.startIndex..., in: target)) != nil { continue }
                let path = String(target.prefix(while: { $0 != "#" }))
                if !path.isEmpty { out.append((i + 1, path)) }
            }
        }
        return out
    }

    func testRelativeLinksInReadmeAndDocsResolve() throws {
        let root = CLITests.root
        var pages = ["README.md"]
        if let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent("docs").path) {
            for case let path as String in walker where path.hasSuffix(".md") { pages.append("docs/" + path) }
        }
        XCTAssertGreaterThan(pages.count, 1, "no pages found under docs/")
        for page in pages.sorted() {
            let url = root.appendingPathComponent(page)
            let text = try String(contentsOf: url, encoding: .utf8)
            for (line, target) in Self.relativeLinks(in: text) {
                let resolved = url.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL
                XCTAssertTrue(
                    FileManager.default.fileExists(atPath: resolved.path), "\(page):\(line): broken link to \(target)")
            }
        }
    }

    func testLinkAndBlockParsing() {
        let page = """
            See [a](a.md), [b](../b.md#part "title"), [web](https://example.com), [here](#top).
            ```sh
            [not](a-link.md)
            ```

            ## Reference (`criba help x`)

            ```text
            USAGE: criba x

            OPTIONS:
            ```
            """
        XCTAssertEqual(Self.relativeLinks(in: page).map(\.target), ["a.md", "../b.md"])
        XCTAssertEqual(Self.referenceBlock(in: page, command: "x"), "USAGE: criba x\n\nOPTIONS:")
        XCTAssertNil(Self.referenceBlock(in: page, command: "y"))
        XCTAssertEqual(Self.trimmingTrailingNewlines("a\n\n"), "a")
    }
}
