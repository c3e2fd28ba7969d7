import Foundation

/// Limited-memory BFGS with a backtracking (Armijo) line search.
///
/// Vector operations over the whole parameter vector (`F·C + C` floats) go through BLAS
/// (`sdot`, `saxpy`, `sscal`); the benchmark `testLBFGSVectorOps` compares them with loops.
struct LBFGS {
    var history = 10
    var maxIterations = 300
    /// Stop when ‖g‖₂ ≤ tolerance · max(1, ‖g₀‖₂) or the relative decrease of the objective
    /// stays below `tolerance²` for three iterations.
    var tolerance: Float = 1e-4

    struct Result {
        var iterations: Int
        var value: Double
        var converged: Bool
    }

    func minimize(
        _ objective: some DifferentiableObjective, from start: [Float], progress: (Int, Double) -> Void = { _, _ in }
    ) -> (parameters: [Float], result: Result) {
        let n = start.count
        var x = start
        var g = [Float](repeating: 0, count: n)
        var f = x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { objective.evaluate(xp, gradient: $0) } }
        var s = [[Float]]()
        var y = [[Float]]()
        var rho = [Float]()
        var d = [Float](repeating: 0, count: n)
        var xNew = [Float](repeating: 0, count: n)
        var gNew = [Float](repeating: 0, count: n)
        var alphas = [Float](repeating: 0, count: history)
        let g0 = g.withUnsafeBufferPointer { sqrt(BLAS.dot($0.baseAddress!, $0.baseAddress!, count: n)) }
        var stalls = 0
        var iteration = 0
        var converged = false
        while iteration < maxIterations {
            iteration += 1
            // d = −H g (two-loop recursion).
            d.withUnsafeMutableBufferPointer { dp in
                g.withUnsafeBufferPointer { gp in
                    for k in 0..<n { dp[k] = -gp[k] }
                }
                let dd = dp.baseAddress!
                for k in stride(from: s.count - 1, through: 0, by: -1) {
                    let a = rho[k] * s[k].withUnsafeBufferPointer { BLAS.dot($0.baseAddress!, dd, count: n) }
                    alphas[k] = a
                    y[k].withUnsafeBufferPointer { BLAS.axpy(-a, $0.baseAddress!, dd, count: n) }
                }
                if let last = s.indices.last {
                    let sy = 1 / rho[last]
                    let yy = y[last].withUnsafeBufferPointer { BLAS.dot($0.baseAddress!, $0.baseAddress!, count: n) }
                    BLAS.scale(sy / yy, dd, count: n)
                } else {
                    let gn = g0 > 0 ? 1 / g0 : 1
                    BLAS.scale(gn, dd, count: n)
                }
                for k in 0..<s.count {
                    let b = rho[k] * y[k].withUnsafeBufferPointer { BLAS.dot($0.baseAddress!, dd, count: n) }
                    s[k].withUnsafeBufferPointer { BLAS.axpy(alphas[k] - b, $0.baseAddress!, dd, count: n) }
                }
            }
            var slope = Double(g.withUnsafeBufferPointer { gp in d.withUnsafeBufferPointer { BLAS.dot(gp.baseAddress!, $0.baseAddress!, count: n) } })
            if slope >= 0 {
                // Not a descent direction: restart from steepest descent.
                s.removeAll()
                y.removeAll()
                rho.removeAll()
                for k in 0..<n { d[k] = -g[k] / max(g0, 1e-12) }
                slope = Double(g.withUnsafeBufferPointer { gp in d.withUnsafeBufferPointer { BLAS.dot(gp.baseAddress!, $0.baseAddress!, count: n) } })
            }
            var step: Float = 1
            var fNew = 0.0
            var accepted = false
            for _ in 0..<30 {
                xNew.withUnsafeMutableBufferPointer { xn in
                    x.withUnsafeBufferPointer { xp in
                        for k in 0..<n { xn[k] = xp[k] }
                    }
                    d.withUnsafeBufferPointer { BLAS.axpy(step, $0.baseAddress!, xn.baseAddress!, count: n) }
                }
                fNew = xNew.withUnsafeBufferPointer { xp in gNew.withUnsafeMutableBufferPointer { objective.evaluate(xp, gradient: $0) } }
                if fNew <= f + 1e-4 * Double(step) * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            if !accepted { break }
            // New curvature pair.
            var sk = xNew
            var yk = gNew
            sk.withUnsafeMutableBufferPointer { sp in
                x.withUnsafeBufferPointer { BLAS.axpy(-1, $0.baseAddress!, sp.baseAddress!, count: n) }
            }
            yk.withUnsafeMutableBufferPointer { yp in
                g.withUnsafeBufferPointer { BLAS.axpy(-1, $0.baseAddress!, yp.baseAddress!, count: n) }
            }
            let sy = sk.withUnsafeBufferPointer { sp in yk.withUnsafeBufferPointer { BLAS.dot(sp.baseAddress!, $0.baseAddress!, count: n) } }
            if sy > 1e-10 {
                if s.count == history {
                    s.removeFirst()
                    y.removeFirst()
                    rho.removeFirst()
                }
                s.append(sk)
                y.append(yk)
                rho.append(1 / sy)
            }
            swap(&x, &xNew)
            swap(&g, &gNew)
            let decrease = (f - fNew) / max(abs(fNew), 1)
            f = fNew
            progress(iteration, f)
            let gn = g.withUnsafeBufferPointer { sqrt(BLAS.dot($0.baseAddress!, $0.baseAddress!, count: n)) }
            if gn <= tolerance * max(1, g0) {
                converged = true
                break
            }
            if decrease < Double(tolerance * tolerance) {
                stalls += 1
                if stalls >= 3 {
                    converged = true
                    break
                }
            } else {
                stalls = 0
            }
        }
        return (x, Result(iterations: iteration, value: f, converged: converged))
    }
}
