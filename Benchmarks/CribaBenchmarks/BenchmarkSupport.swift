import Foundation
import XCTest

@testable import Criba

/// Shared set-up for benchmarks: release builds only, realistic inputs, medians.
class BenchmarkCase: XCTestCase {
    override func setUpWithError() throws {
        #if DEBUG
            throw XCTSkip("benchmarks run in release builds: swift test -c release --filter CribaBenchmarks")
        #endif
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The project's own messages (train and test), as realistic chat text.
    static let messages: [String] = {
        var out: [String] = []
        for name in ["Data/train.csv", "Data/test.csv"] {
            let path = root.appendingPathComponent(name).path
            if let rows = try? LabelledCSV(path: path).examples() { out += rows.map(\.text) }
        }
        return out
    }()

    static let examples: [Example] = {
        (try? LabelledCSV(path: root.appendingPathComponent("Data/train.csv").path).examples()) ?? []
    }()

    /// Wall-clock seconds of `body`, median of `runs` runs after one warm-up.
    func median(runs: Int = 7, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Wall-clock seconds of each body, median of `rounds` rounds after one warm-up round;
    /// every round runs all bodies one after the other, so a drift in machine speed hits
    /// them alike and their ratios stay comparable.
    func interleavedMedians(rounds: Int = 7, _ bodies: [() -> Void]) -> [Double] {
        for body in bodies { body() }
        var times = [[Double]](repeating: [], count: bodies.count)
        for _ in 0..<rounds {
            for (i, body) in bodies.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        }
        return times.map { t in t.sorted()[t.count / 2] }
    }

    func report(_ line: String) {
        print("[benchmark] \(line)")
    }
}

/// Keeps results alive so the optimiser cannot drop the measured work.
@inline(never)
func blackHole<T>(_ x: T) {
    withExtendedLifetime(x) {}
}
