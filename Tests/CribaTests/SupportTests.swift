import Foundation
import XCTest

@testable import Criba
import CribaShims

/// The vectorised softmax against the same formula in double precision.
final class SoftmaxTests: XCTestCase {
    /// Probabilities and each score's distance below the best, `m - x`.
    func reference(_ s: [Float], _ inv: Float) -> (p: [Double], depth: [Double]) {
        let x = s.map { Double($0) * Double(inv) }
        let m = x.max()!
        let e = x.map { Foundation.exp($0 - m) }
        let sum = e.reduce(0, +)
        return (e.map { $0 / sum }, x.map { m - $0 })
    }

    func check(_ s: [Float], inverseTemperature inv: Float = 1, file: StaticString = #filePath, line: UInt = #line) {
        var p = s
        p.withUnsafeMutableBufferPointer { softmaxInPlace($0, inverseTemperature: inv) }
        let (r, depth) = reference(s, inv)
        var total: Double = 0
        for j in 0..<s.count {
            total += Double(p[j])
            if r[j] < 1e-37 {
                // Where e^x is below single-precision's normal range, 0 is the answer.
                XCTAssertLessThan(Double(p[j]), 1e-37, "index \(j)", file: file, line: line)
            } else {
                // 2e-6 for the kernel, plus the float rounding of `x * inv - m` itself
                // (half an ulp of the difference, twice), which any float softmax has.
                let tolerance = r[j] * (2e-6 + depth[j] * 1.2e-7)
                XCTAssertEqual(Double(p[j]), r[j], accuracy: tolerance, "index \(j) of \(s.count)", file: file, line: line)
            }
        }
        XCTAssertEqual(total, 1, accuracy: 1e-5, file: file, line: line)
    }

    func testMatchesDoublePrecisionOnRandomScores() {
        var rng = SplitMix64(seed: 7)
        for count in [1, 2, 3, 4, 5, 7, 8, 12, 60, 61, 333] {
            for spread in [0.01, 1.0, 10.0, 40.0] as [Float] {
                let s = (0..<count).map { _ in (Float(rng.next() >> 40) / Float(1 << 24) - 0.5) * spread }
                check(s)
                check(s, inverseTemperature: 0.37)
                check(s, inverseTemperature: 2.5)
            }
        }
    }

    func testEdgeCases() {
        check([0])
        check([5, 5, 5, 5, 5])
        check([-1e6, 0, 3])
        check([200, -200, 0])
        check([1e-30, -1e-30])
        // Every point of the reduction range, including exact multiples of ln 2.
        check((0..<200).map { -Float($0) * 0.6931472 / 3 })
        var p: [Float] = [3, 1]
        p.withUnsafeMutableBufferPointer { softmaxInPlace($0, inverseTemperature: 1) }
        XCTAssertEqual(Double(p[0]), 1 / (1 + Foundation.exp(-2.0)), accuracy: 1e-7)
    }
}

/// The C top-two pass behind `criba classify` against the plain one-pass loop it replaces.
final class TopTwoTests: XCTestCase {
    func reference(_ v: [Float]) -> (best: Int, top: Float, second: Float) {
        var best = 0
        var top: Float = -1
        var second: Float = 0
        for (j, x) in v.enumerated() {
            if x > top {
                second = max(top, 0)
                top = x
                best = j
            } else if x > second {
                second = x
            }
        }
        return (best, top, second)
    }

    func testTopTwoMatchesOnePassLoop() {
        var rng = SplitMix64(seed: 5)
        var cases: [[Float]] = [[0.7], [0.5, 0.5], [0.2, 0.3, 0.5], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0, 0, 0]]
        for n in [2, 3, 4, 5, 7, 8, 12, 13, 60, 61] {
            for _ in 0..<200 {
                // Few distinct values, so ties (at the top and below it) are common.
                cases.append((0..<n).map { _ in Float(rng.next() % 6) / 8 })
            }
        }
        for v in cases {
            var top: Float = -1
            var second: Float = 0
            let best = v.withUnsafeBufferPointer { criba_top2($0.baseAddress!, $0.count, &top, &second) }
            let want = reference(v)
            XCTAssertEqual(best, want.best, "\(v)")
            XCTAssertEqual(top, want.top, "\(v)")
            XCTAssertEqual(second, want.second, "\(v)")
        }
    }
}
