import Foundation

/// How ``Trainer/trainCalibrated(on:folds:method:groupColumn:warn:)`` calibrates the probabilities.
public enum CalibrationMethod: String, Sendable, CaseIterable, Codable {
    /// One softmax temperature (the weights and biases are unchanged, so are the answers).
    case temperature
    /// A shared inverse temperature and one offset per class (see ``BiasScaling``). The
    /// offsets can change which class wins.
    case bias
}

/// Vector-scaling-style calibration: probabilities `softmax(a·s + d)` with a shared inverse
/// temperature `a > 0` and per-class offsets `d`, fitted on held-out raw scores `s` by
/// minimising the log loss plus `λ/2·‖d‖²` (`λ = 10⁻³·n`, which makes `d` identifiable) with
/// Newton's method and a backtracking line search.
public enum BiasScaling {
    /// The result of a fit.
    public struct Fit: Sendable, Hashable {
        /// The inverse temperature `a`.
        public var scale: Double
        /// The per-class offsets `d`.
        public var offsets: [Double]
        /// Mean log loss of `softmax(a·s + d)` at the fit.
        public var logLoss: Double
        /// Newton iterations taken.
        public var iterations: Int
        /// Whether the gradient norm fell below `10⁻⁶·n`.
        public var converged: Bool
    }

    /// Mean negative log-likelihood of `labels` under `softmax(scale·s + offsets)`.
    public static func logLoss(scores: [Float], labels: [Int32], classes: Int, scale: Double, offsets: [Double]) -> Double {
        guard !labels.isEmpty else { return .nan }
        var p = [Double](repeating: 0, count: classes)
        var total = 0.0
        for i in labels.indices {
            total += row(scores, i, classes, scale, offsets, label: Int(labels[i]), into: &p)
        }
        return total / Double(labels.count)
    }

    /// Probabilities of row `i` into `p`; returns its negative log-likelihood of `label`.
    @inline(__always)
    private static func row(_ s: [Float], _ i: Int, _ c: Int, _ a: Double, _ d: [Double], label: Int, into p: inout [Double]) -> Double {
        let base = i * c
        var m = -Double.infinity
        for j in 0..<c {
            p[j] = a * Double(s[base + j]) + d[j]
            m = max(m, p[j])
        }
        var sum = 0.0
        let z = p[label]
        for j in 0..<c {
            p[j] = exp(p[j] - m)
            sum += p[j]
        }
        for j in 0..<c { p[j] /= sum }
        return m + log(sum) - z
    }

    /// Fits `a` and `d`.
    ///
    /// - Parameters:
    ///   - scores: raw held-out scores, row-major `n × classes`.
    ///   - labels: the true class of each row.
    ///   - classes: number of classes (≥ 2).
    ///   - initialScale: starting `a` (for example `1 / T` of a temperature fit).
    ///   - maxIterations: Newton iterations at most.
    /// - Complexity: per iteration O(n · classes²) for the Hessian (`PᵀP` by BLAS `dsyrk`,
    ///   2.7–4.4× faster than the loop at n = 11,514, classes = 60) and O(classes³) for the
    ///   Newton system.
    public static func fit(
        scores: [Float], labels: [Int32], classes: Int, initialScale: Double = 1, maxIterations: Int = 50
    ) -> Fit {
        let c = classes
        let n = labels.count
        precondition(c >= 2 && scores.count == n * c, "scores must be n × classes")
        precondition(initialScale > 0 && initialScale.isFinite, "initialScale must be positive")
        let lambda = 1e-3 * Double(n)
        let dim = c + 1
        var a = initialScale
        var d = [Double](repeating: 0, count: c)
        var probabilities = [Double](repeating: 0, count: n * c)
        var p = [Double](repeating: 0, count: c)

        /// Penalised total objective (not the mean).
        func objective(_ a: Double, _ d: [Double]) -> Double {
            var total = 0.0
            for i in 0..<n { total += row(scores, i, c, a, d, label: Int(labels[i]), into: &p) }
            var penalty = 0.0
            for j in 0..<c { penalty += d[j] * d[j] }
            return total + lambda / 2 * penalty
        }

        var f = objective(a, d)
        var iterations = 0
        var converged = false
        var gradient = [Double](repeating: 0, count: dim)
        var hessian = [Double](repeating: 0, count: dim * dim)
        var gram = [Double](repeating: 0, count: c * c)
        var columnP = [Double](repeating: 0, count: c)
        var columnPS = [Double](repeating: 0, count: c)
        var crossP = [Double](repeating: 0, count: c)
        while iterations < maxIterations {
            // Probabilities, gradient and the per-row pieces of the Hessian.
            for j in 0..<dim { gradient[j] = 0 }
            for j in 0..<c {
                columnP[j] = 0
                columnPS[j] = 0
                crossP[j] = 0
            }
            var haa = 0.0
            for i in 0..<n {
                let y = Int(labels[i])
                _ = row(scores, i, c, a, d, label: y, into: &p)
                let base = i * c
                var ps = 0.0  // p_i · s_i
                var pss = 0.0  // Σ p s²
                for j in 0..<c {
                    let s = Double(scores[base + j])
                    probabilities[base + j] = p[j]
                    ps += p[j] * s
                    pss += p[j] * s * s
                    columnP[j] += p[j]
                    columnPS[j] += p[j] * s
                    gradient[0] += p[j] * s
                    gradient[1 + j] += p[j]
                }
                gradient[0] -= Double(scores[base + y])
                gradient[1 + y] -= 1
                haa += pss - ps * ps
                for j in 0..<c { crossP[j] += p[j] * ps }
            }
            for j in 0..<c { gradient[1 + j] += lambda * d[j] }
            var norm = 0.0
            for g in gradient { norm += g * g }
            if norm.squareRoot() < 1e-6 * Double(n) {
                converged = true
                break
            }
            iterations += 1
            probabilities.withUnsafeBufferPointer { pp in
                gram.withUnsafeMutableBufferPointer { BLAS.gram(pp.baseAddress!, rows: n, columns: c, into: $0.baseAddress!) }
            }
            hessian[0] = haa
            for j in 0..<c {
                let had = columnPS[j] - crossP[j]
                hessian[1 + j] = had
                hessian[(1 + j) * dim] = had
                for k in 0..<c { hessian[(1 + j) * dim + 1 + k] = -gram[j * c + k] }
                hessian[(1 + j) * dim + 1 + j] += columnP[j] + lambda
            }
            let direction = newtonDirection(hessian, gradient, dim: dim)
            // Backtracking (Armijo) line search along −direction, keeping a > 0.
            var slope = 0.0
            for j in 0..<dim { slope += gradient[j] * direction[j] }
            var t = 1.0
            while a - t * direction[0] <= 0 { t /= 2 }
            var accepted = false
            for _ in 0..<40 {
                let na = a - t * direction[0]
                var nd = d
                for j in 0..<c { nd[j] -= t * direction[1 + j] }
                let nf = objective(na, nd)
                if nf <= f - 1e-4 * t * slope {
                    a = na
                    d = nd
                    f = nf
                    accepted = true
                    break
                }
                t /= 2
            }
            if !accepted { break }
        }
        return Fit(
            scale: a, offsets: d, logLoss: logLoss(scores: scores, labels: labels, classes: c, scale: a, offsets: d),
            iterations: iterations, converged: converged)
    }

    /// Systems smaller than this are solved by the plain-Swift Cholesky, larger ones by LAPACK
    /// `dposv`: measured (`CalibrationLinearAlgebraBenchmarks.testNewtonSolve`), the loop is
    /// faster at 13×13 and 21×21, even at 29×29 and 37×37, and slower from 45×45 (1.8× at 61×61).
    static let lapackSolveFromDimension = 32

    /// Solves `H δ = g` by Cholesky, adding a growing ridge while `H` is not positive
    /// definite; falls back to a scaled gradient step.
    private static func newtonDirection(_ hessian: [Double], _ gradient: [Double], dim: Int) -> [Double] {
        var trace = 0.0
        for j in 0..<dim { trace += abs(hessian[j * dim + j]) }
        let unit = max(trace / Double(dim), 1e-300)
        for ridge in [0, 1e-10, 1e-8, 1e-6, 1e-4] {
            var h = hessian
            for j in 0..<dim { h[j * dim + j] += ridge * unit }
            var x = gradient
            let ok = h.withUnsafeMutableBufferPointer { hp in
                x.withUnsafeMutableBufferPointer {
                    dim < lapackSolveFromDimension
                        ? PlainDense.solvePositiveDefinite(hp.baseAddress!, $0.baseAddress!, n: dim)
                        : BLAS.solvePositiveDefinite(hp.baseAddress!, $0.baseAddress!, n: dim)
                }
            }
            if ok && x.allSatisfy(\.isFinite) { return x }
        }
        return gradient.map { $0 / unit }
    }
}
