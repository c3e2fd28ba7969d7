import Foundation
import XCTest

/// Progress on standard error: with the delay and interval forced to 0 (hidden variables), a
/// run whose standard error is not a terminal prints plain "n of N" lines and a last "done"
/// line; --quiet prints none; standard output never changes. Without the forced values a short
/// run prints nothing.
extension CLITests {
    static let progressNow = ["CRIBA_PROGRESS_AFTER": "0", "CRIBA_PROGRESS_INTERVAL": "0"]

    /// Lines of `stderr` that start with `command: `.
    func progressLines(_ r: Run, _ command: String) -> [String] {
        r.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("\(command): ") }
    }

    func testTrainingReportsEpochsFoldsAndCandidatesWhenNotATerminal() throws {
        let data = try file("train.csv", Self.calibrationTraining)
        let model = dir.appendingPathComponent("p.criba").path
        let plain = try run(["train", data, "-o", model, "--algorithm", "lr"])
        let t = try run(["train", data, "-o", model, "--algorithm", "lr"], environment: Self.progressNow)
        XCTAssertEqual(t.status, 0, t.stderr)
        let lines = progressLines(t, "train")
        // The library reports an inner level at most every 50 ms: some epochs, not all.
        XCTAssertTrue(lines.contains { $0.hasPrefix("train: epoch ") && $0.contains(" of 12 — ") }, t.stderr)
        XCTAssertTrue(lines.last?.hasPrefix("train: done in ") ?? false, t.stderr)
        XCTAssertEqual(progressLines(plain, "train"), [], "a run under a second prints no progress: \(plain.stderr)")

        let calibrated = try run(["train", data, "-o", model, "--calibrate", "--algorithm", "nblr"], environment: Self.progressNow)
        XCTAssertEqual(calibrated.status, 0, calibrated.stderr)
        for n in 1...4 {
            XCTAssertTrue(progressLines(calibrated, "train").contains { $0.hasPrefix("train: model \(n) of 4") }, calibrated.stderr)
        }
        XCTAssertTrue(progressLines(calibrated, "train").contains { $0.hasPrefix("train: model 2 of 4") && $0.contains(" left") }, calibrated.stderr)

        let lbfgs = try run(["train", data, "-o", model, "--algorithm", "lr", "--solver", "lbfgs"], environment: Self.progressNow)
        XCTAssertTrue(progressLines(lbfgs, "train").contains { $0.hasPrefix("train: iteration ") }, lbfgs.stderr)

        var big = "text,label\n"
        for i in 0..<8 { big += "hola buenas \(i),saludo\ncuánto cuesta el \(i),precio\nganaste premio \(i) ingresá ya,spam\n" }
        let tuned = try run(["train", try file("big.csv", big), "--tune", "-o", model], environment: Self.progressNow)
        XCTAssertEqual(tuned.status, 0, tuned.stderr)
        let n = 10  // TuningCandidate.defaultGrid
        // Every change of an outer level is reported: each candidate, and folds within one.
        for k in 1...n {
            XCTAssertTrue(progressLines(tuned, "train").contains { $0.hasPrefix("train: candidate \(k) of \(n)") }, tuned.stderr)
        }
        XCTAssertTrue(progressLines(tuned, "train").contains { $0.hasPrefix("train: candidate 1 of \(n), fold 2 of 3") }, tuned.stderr)

        // Naive Bayes reads the file in two passes: rows read, then rows counted of the total.
        var many = "text,label\n"
        for i in 0..<1100 { many += "hola buenas \(i),saludo\ncuánto cuesta el \(i),precio\n" }
        let nb = try run(["train", try file("many.csv", many), "--algorithm", "nb", "-o", model], environment: Self.progressNow)
        XCTAssertEqual(nb.status, 0, nb.stderr)
        XCTAssertTrue(progressLines(nb, "train").contains { $0.hasPrefix("train: 1024 rows read — ") }, nb.stderr)
        XCTAssertTrue(progressLines(nb, "train").contains { $0.hasPrefix("train: 1024 of 2200 rows counted — ") }, nb.stderr)

        let quiet = try run(["train", data, "-o", model, "--calibrate", "--quiet"], environment: Self.progressNow)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(progressLines(quiet, "train"), [], quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains("calibrated:") || quiet.stderr.contains("trained "), "no summary either: \(quiet.stderr)")
        XCTAssertEqual(t.stdout + calibrated.stdout + tuned.stdout + quiet.stdout, "")
    }

    func testEvaluatePredictLearnAndMergeReportRowsAndModels() throws {
        // More than 1024 rows: progress counts rows by the thousand.
        var text = "text,label\n"
        for i in 0..<700 { text += "hola buenas \(i),saludo\ncuánto cuesta el queque \(i),precio\n" }
        let data = try file("rows.csv", text)
        let model = try trainedModel()
        let plainEvaluate = try run(["evaluate", "--model", model, data, "--json"])
        let e = try run(["evaluate", "--model", model, data, "--json"], environment: Self.progressNow)
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(progressLines(e, "evaluate").contains { $0.hasPrefix("evaluate: 1024 rows, ") && $0.contains(" of ") && $0.contains("%)") }, e.stderr)
        XCTAssertEqual(e.stdout, plainEvaluate.stdout)
        XCTAssertEqual(progressLines(plainEvaluate, "evaluate"), [], "a run under a second prints no progress")
        let q = try run(["evaluate", "--model", model, data, "--json", "--quiet"], environment: Self.progressNow)
        XCTAssertEqual(q.stderr, "")
        XCTAssertEqual(q.stdout, e.stdout, "progress never touches standard output")

        let folds = try run(["evaluate", "--folds", "3", try file("cv.csv", Self.calibrationTraining)], environment: Self.progressNow)
        XCTAssertEqual(folds.status, 0, folds.stderr)
        for f in 1...3 { XCTAssertTrue(progressLines(folds, "evaluate").contains { $0.hasPrefix("evaluate: fold \(f) of 3") }, folds.stderr) }

        let p = try run(["predict", "--model", model, data], environment: Self.progressNow)
        let pq = try run(["predict", "--model", model, data, "--quiet"], environment: Self.progressNow)
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(progressLines(p, "predict").contains { $0.hasPrefix("predict: 1024 rows, ") }, p.stderr)
        XCTAssertEqual(pq.stderr, "")
        XCTAssertEqual(p.stdout, pq.stdout)

        let nb = dir.appendingPathComponent("nb.criba").path
        XCTAssertEqual(try run(["train", try file("t.csv", Self.smallTraining), "--algorithm", "nb", "-o", nb, "--quiet"]).status, 0)
        var corrections = "text,label\n"
        for i in 0..<1100 { corrections += "cuánto cuesta el pan \(i),precio\n" }
        let l = try run(["learn", "--model", nb, try file("fix.csv", corrections), "-o", dir.appendingPathComponent("l.criba").path], environment: Self.progressNow)
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertTrue(progressLines(l, "learn").contains { $0.hasPrefix("learn: 1024 rows") }, l.stderr)
        XCTAssertTrue(progressLines(l, "learn").contains { $0.hasPrefix("learn: updating the model with 1100 message(s)") }, l.stderr)

        let shards = try (1...3).map { k -> String in
            let path = dir.appendingPathComponent("s\(k).criba").path
            let word = ["queque", "pan", "carne"][k - 1]
            let shard = "text,label\nhola \(word),saludo\ncuánto el \(word),precio\n"
            XCTAssertEqual(try run(["train", try file("s\(k).csv", shard), "--counts-only", "-o", path, "--quiet"]).status, 0)
            return path
        }
        let m = try run(["merge"] + shards + ["-o", dir.appendingPathComponent("m.criba").path], environment: Self.progressNow)
        XCTAssertEqual(m.status, 0, m.stderr)
        for k in 1...3 { XCTAssertTrue(progressLines(m, "merge").contains { $0.hasPrefix("merge: reading model \(k) of 3") }, m.stderr) }
        let mq = try run(["merge"] + shards + ["-o", dir.appendingPathComponent("m2.criba").path, "--quiet"], environment: Self.progressNow)
        XCTAssertEqual(mq.stderr, "")
    }
}
