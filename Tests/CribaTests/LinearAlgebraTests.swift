import XCTest

@testable import Criba

/// The BLAS/LAPACK wrappers agree with their plain-Swift versions.
final class LinearAlgebraTests: XCTestCase {
    func testGramProductsAgree() {
        var rng = SplitMix64(seed: 2)
        let rows = 37
        let columns = 5
        let a = (0..<(rows * columns)).map { _ in Double(rng.below(2001)) / 1000 - 1 }
        var expected = [Double](repeating: 0, count: columns * columns)
        for p in 0..<columns {
            for q in 0..<columns {
                for i in 0..<rows { expected[p * columns + q] += a[i * columns + p] * a[i * columns + q] }
            }
        }
        for gram in [BLAS.gram, BLAS.gramGEMM, PlainDense.gram] {
            var out = [Double](repeating: .nan, count: columns * columns)
            a.withUnsafeBufferPointer { ap in out.withUnsafeMutableBufferPointer { gram(ap.baseAddress!, rows, columns, $0.baseAddress!) } }
            for k in out.indices { XCTAssertEqual(out[k], expected[k], accuracy: 1e-12) }
        }
    }

    func testPositiveDefiniteSolvesAgreeAndRejectIndefiniteMatrices() {
        let n = 4
        let h: [Double] = [4, 1, 0, 0.5, 1, 3, 0.2, 0, 0, 0.2, 2, 0.1, 0.5, 0, 0.1, 1]
        let b: [Double] = [1, -2, 3, 0.5]
        for solve in [BLAS.solvePositiveDefinite, PlainDense.solvePositiveDefinite] {
            var a = h
            var x = b
            XCTAssertTrue(a.withUnsafeMutableBufferPointer { ap in x.withUnsafeMutableBufferPointer { solve(ap.baseAddress!, $0.baseAddress!, n) } })
            for i in 0..<n {
                var s = 0.0
                for j in 0..<n { s += h[i * n + j] * x[j] }
                XCTAssertEqual(s, b[i], accuracy: 1e-12)
            }
            var bad: [Double] = [1, 2, 2, 1]  // eigenvalues 3 and −1
            var y: [Double] = [1, 1]
            XCTAssertFalse(bad.withUnsafeMutableBufferPointer { ap in y.withUnsafeMutableBufferPointer { solve(ap.baseAddress!, $0.baseAddress!, 2) } })
        }
    }
}
