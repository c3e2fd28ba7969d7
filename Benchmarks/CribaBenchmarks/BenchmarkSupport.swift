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

    /// Wall-clock seconds of each body in each of `rounds` rounds, after one warm-up round.
    /// Every round runs all bodies one after the other, in an order that reverses from one
    /// round to the next, so a drift in machine speed hits them alike and their ratios stay
    /// comparable. `times[i][r]` is body `i` in round `r`.
    func interleavedTimes(rounds: Int = 7, _ bodies: [() -> Void]) -> [[Double]] {
        for body in bodies { body() }
        var times = [[Double]](repeating: [], count: bodies.count)
        for r in 0..<rounds {
            let order = r % 2 == 0 ? Array(bodies.indices) : bodies.indices.reversed()
            for i in order {
                let start = DispatchTime.now().uptimeNanoseconds
                bodies[i]()
                times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        }
        return times
    }

    /// The median of each body's times in ``interleavedTimes(rounds:_:)``.
    func interleavedMedians(rounds: Int = 7, _ bodies: [() -> Void]) -> [Double] {
        interleavedTimes(rounds: rounds, bodies).map(medianOf)
    }

    func medianOf(_ t: [Double]) -> Double {
        let s = t.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// `slow / fast` as the ratio of the medians, with the range of the same ratio taken
    /// round by round, e.g. `1.84x (rounds 1.71–1.93x)`.
    func ratio(_ slow: [Double], _ fast: [Double]) -> String {
        let perRound = zip(slow, fast).map { $0 / $1 }
        return String(
            format: "%.2fx (rounds %.2f–%.2fx)", medianOf(slow) / medianOf(fast), perRound.min() ?? .nan,
            perRound.max() ?? .nan)
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
