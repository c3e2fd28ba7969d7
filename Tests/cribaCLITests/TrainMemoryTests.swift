import Foundation
import XCTest

/// `criba train --memory`: a model table over the budget is refused with its size and the
/// options that shrink it; a file whose features are over the budget is trained in passes,
/// said on standard error, leaving no temporary file.
final class TrainMemoryTests: XCTestCase {
    struct Run {
        var status: Int32
        var stderr: String
    }

    func criba(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errPipe = Pipe()
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = errPipe
        try p.run()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stderr: String(decoding: err, as: UTF8.self))
    }

    lazy var dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("criba-memory-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }()

    var corpus: String { CLITests.root.appendingPathComponent("Data/train.csv").path }

    func testATableOverTheBudgetIsRefusedWithExit65AndTheWayOut() throws {
        let out = dir.appendingPathComponent("m.criba").path
        let r = try criba(["train", corpus, "--algorithm", "nb", "--memory", "64K", "--bucket-bits", "18", "-o", out, "--quiet"])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("criba: error: the model would need a table of "), r.stderr)
        XCTAssertTrue(r.stderr.contains(" labels (about "), r.stderr)
        XCTAssertTrue(r.stderr.contains("more than the memory budget of 64 KB"), r.stderr)
        XCTAssertTrue(r.stderr.contains("lower --bucket-bits (now 18)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("fewer labels"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no model written")
    }

    func testAFileOverTheBudgetIsTrainedInPassesAndSaysSo() throws {
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("m.criba").path
        let r = try criba(
            ["train", corpus, "--memory", "4M", "--char-ngrams", "0", "-o", out, "--quiet"], environment: ["TMPDIR": tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("more than the memory budget of 4.0 MB; training from the file in passes instead"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--memory sets the memory budget"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "no temporary file left")
        let inMemory = try criba(["train", corpus, "--char-ngrams", "0", "-o", out, "--quiet"])
        XCTAssertEqual(inMemory.status, 0, inMemory.stderr)
        XCTAssertEqual(inMemory.stderr, "", "within the default budget nothing is said")
    }

    func testMemorySizesAreChecked() throws {
        let out = dir.appendingPathComponent("m.criba").path
        for bad in ["0", "-1G", "lots", "2X"] {
            let r = try criba(["train", corpus, "--memory", bad, "-o", out])
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--memory"), r.stderr)
        }
    }
}
