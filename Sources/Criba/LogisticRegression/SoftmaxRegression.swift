import Foundation

/// The loss a linear model is trained with (see ``Algorithm``).
enum Loss: String, Sendable, CaseIterable {
    /// Multinomial logistic (softmax cross-entropy) loss.
    case log
    /// One-vs-rest squared hinge, `Σ_c max(0, 1 − t_c · score_c)²` with `t_c = ±1` (the loss
    /// of an L2-regularised linear SVM).
    case squaredHinge = "squared-hinge"

    /// Turns `scores` into their gradient for true class `y`, each scaled by `weight`;
    /// returns the loss.
    @inline(__always)
    func gradient(_ s: UnsafeMutableBufferPointer<Float>, label y: Int, weight: Float) -> Double {
        let c = s.count
        switch self {
        case .log:
            var m = -Float.infinity
            for j in 0..<c { m = max(m, s[j]) }
            var sum: Float = 0
            for j in 0..<c {
                s[j] = expf(s[j] - m)
                sum += s[j]
            }
            let loss = -Double(weight) * Double(logf(s[y] / sum))
            for j in 0..<c { s[j] = weight * s[j] / sum }
            s[y] -= weight
            return loss
        case .squaredHinge:
            var loss: Float = 0
            for j in 0..<c {
                let t: Float = j == y ? 1 : -1
                let gap = max(0, 1 - t * s[j])
                loss += gap * gap
                s[j] = -2 * t * gap * weight
            }
            return Double(weight) * Double(loss)
        }
    }
}

/// The L2-regularised multinomial logistic loss over a feature matrix, optionally on
/// NB-weighted features (`score[c] = b[c] + Σ x_f · r[f,c] · W[f,c]`).
///
/// Parameters are one flat vector: `W` (feature-major `F×C`) followed by `b` (`C`).
/// The value is `(1/Σw) Σ_i w_i · (−ln p(y_i | x_i)) + (λ/2)‖W‖²`.
struct SoftmaxObjective {
    let matrix: FeatureMatrix
    let classes: Int
    let features: Int
    let lambda: Float
    /// Weight of each class (1, or `n / (C · n_c)` for balanced training).
    let classWeights: [Float]
    /// Optional feature-major `F×C` log-count ratios.
    let ratios: [Float]?
    /// The loss.
    var loss: Loss = .log

    var parameterCount: Int { features * classes + classes }

    /// Computes the objective and writes its gradient into `gradient`.
    ///
    /// - Complexity: O(nnz · C) for the data term plus O(F · C) for the regulariser.
    func evaluate(_ theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        let c = classes
        let wCount = features * c
        for k in 0..<gradient.count { gradient[k] = 0 }
        var totalWeight: Double = 0
        for i in 0..<matrix.rows { totalWeight += Double(classWeights[Int(matrix.labels[i])]) }
        let invN = Float(1 / totalWeight)
        var loss: Double = 0
        var scores = [Float](repeating: 0, count: c)
        let lossFunction = self.loss
        matrix.columns.withUnsafeBufferPointer { cols in
            matrix.values.withUnsafeBufferPointer { vals in
                scores.withUnsafeMutableBufferPointer { s in
                    let ratios = self.ratios
                    for i in 0..<matrix.rows {
                        let y = Int(matrix.labels[i])
                        let lo = matrix.offsets[i]
                        let hi = matrix.offsets[i + 1]
                        for j in 0..<c { s[j] = theta[wCount + j] }
                        if let r = ratios {
                            for k in lo..<hi {
                                let x = vals[k]
                                let base = Int(cols[k]) * c
                                for j in 0..<c { s[j] += x * r[base + j] * theta[base + j] }
                            }
                        } else {
                            for k in lo..<hi {
                                let x = vals[k]
                                let base = Int(cols[k]) * c
                                for j in 0..<c { s[j] += x * theta[base + j] }
                            }
                        }
                        let w = classWeights[y]
                        loss += lossFunction.gradient(s, label: y, weight: w)
                        for j in 0..<c { s[j] *= invN }
                        // s now holds the gradient of this message's scores.
                        for j in 0..<c { gradient[wCount + j] += s[j] }
                        if let r = ratios {
                            for k in lo..<hi {
                                let x = vals[k]
                                let base = Int(cols[k]) * c
                                for j in 0..<c { gradient[base + j] += x * r[base + j] * s[j] }
                            }
                        } else {
                            for k in lo..<hi {
                                let x = vals[k]
                                let base = Int(cols[k]) * c
                                for j in 0..<c { gradient[base + j] += x * s[j] }
                            }
                        }
                    }
                }
            }
        }
        var value = loss / totalWeight
        if lambda > 0, let t = theta.baseAddress, let g = gradient.baseAddress {
            let norm2 = Double(BLAS.dot(t, t, count: wCount))
            value += Double(lambda) / 2 * norm2
            BLAS.axpy(lambda, t, g, count: wCount)
        }
        return value
    }
}

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
        _ objective: SoftmaxObjective, from start: [Float], progress: (Int, Double) -> Void = { _, _ in }
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

/// Stochastic gradient descent for the same objective: one message at a time in a seeded
/// order, a linearly decaying learning rate, and L2 decay applied through a global scale
/// (`W = scale · V`) so each step touches only the message's features.
struct SoftmaxSGD {
    var epochs = 10
    var learningRate: Float = 0.5
    var seed: UInt64 = 1

    func minimize(_ objective: SoftmaxObjective, progress: (Int) -> Void = { _ in }) -> [Float] {
        let m = objective.matrix
        let rate = learningRate * SGDState.stepScale(meanSquaredNorm: m.meanSquaredNorm)
        var state = SGDState(
            features: objective.features, classes: objective.classes, lambda: objective.lambda,
            classWeights: objective.classWeights, ratios: objective.ratios, learningRate: rate,
            totalSteps: epochs * m.rows, loss: objective.loss)
        state.run(over: m, epochs: epochs, seed: seed, progress: progress)
        return state.finish()
    }
}

/// The state of a stochastic-gradient run: weights `V` with a global scale, the step count for
/// the learning-rate schedule, and scratch. Used for in-memory and streaming training.
struct SGDState {
    /// The factor on the learning rate that keeps SGD stable on messages whose squared norm
    /// averages `meanSquaredNorm`: 1 for normalised features (each block has norm 1, so at
    /// most 2), `2 / meanSquaredNorm` above 2.5. A step moves a score by about rate · ‖x‖², so
    /// unnormalised counts (‖x‖² in the hundreds) took steps a hundred times too long and
    /// diverged.
    static func stepScale(meanSquaredNorm: Double) -> Float {
        meanSquaredNorm > 2.5 ? Float(2 / meanSquaredNorm) : 1
    }

    let classes: Int
    let wCount: Int
    let lambda: Float
    let classWeights: [Float]
    let ratios: [Float]?
    let learningRate: Float
    let totalSteps: Float
    let loss: Loss
    var v: [Float]
    var scale: Float = 1
    var t: Float = 0
    var s: [Float]

    init(features: Int, classes: Int, lambda: Float, classWeights: [Float], ratios: [Float]?, learningRate: Float, totalSteps: Int, loss: Loss = .log) {
        self.classes = classes
        self.loss = loss
        self.wCount = features * classes
        self.lambda = lambda
        self.classWeights = classWeights
        self.ratios = ratios
        self.learningRate = learningRate
        self.totalSteps = Float(max(1, totalSteps))
        v = [Float](repeating: 0, count: features * classes + classes)
        s = [Float](repeating: 0, count: classes)
    }

    /// `epochs` passes over `m`, one message at a time in an order shuffled each epoch by a
    /// generator seeded with `seed`; `progress` receives the number of finished epochs.
    mutating func run(over m: FeatureMatrix, epochs: Int, seed: UInt64, progress: (Int) -> Void = { _ in }) {
        var order = Array(0..<m.rows)
        var rng = SplitMix64(seed: seed)
        m.columns.withUnsafeBufferPointer { cols in
            m.values.withUnsafeBufferPointer { vals in
                for epoch in 0..<epochs {
                    rng.shuffle(&order)
                    for i in order {
                        let r = m.offsets[i]..<m.offsets[i + 1]
                        step(
                            columns: UnsafeBufferPointer(rebasing: cols[r]), values: UnsafeBufferPointer(rebasing: vals[r]),
                            label: Int(m.labels[i]))
                    }
                    progress(epoch + 1)
                }
            }
        }
    }

    /// One update on one message.
    @inline(__always)
    mutating func step(columns cols: UnsafeBufferPointer<Int32>, values vals: UnsafeBufferPointer<Float>, label y: Int) {
        let c = classes
        let wCount = self.wCount
        let lr = learningRate * max(1e-4, 1 - t / totalSteps)
        t += 1
        let lambda = self.lambda
        var scale = self.scale
        let cw = classWeights[y]
        let ratios = self.ratios
        v.withUnsafeMutableBufferPointer { w in
            s.withUnsafeMutableBufferPointer { s in
                for j in 0..<c { s[j] = 0 }
                if let r = ratios {
                    for k in 0..<cols.count {
                        let x = vals[k]
                        let base = Int(cols[k]) * c
                        for j in 0..<c { s[j] += x * r[base + j] * w[base + j] }
                    }
                } else {
                    for k in 0..<cols.count {
                        let x = vals[k]
                        let base = Int(cols[k]) * c
                        for j in 0..<c { s[j] += x * w[base + j] }
                    }
                }
                for j in 0..<c { s[j] = s[j] * scale + w[wCount + j] }
                _ = loss.gradient(s, label: y, weight: cw)
                if lambda > 0 {
                    scale *= 1 - lr * lambda
                    if scale < 1e-4 {
                        BLAS.scale(scale, w.baseAddress!, count: wCount)
                        scale = 1
                    }
                }
                let stepSize = lr / scale
                if let r = ratios {
                    for k in 0..<cols.count {
                        let x = vals[k] * stepSize
                        let base = Int(cols[k]) * c
                        for j in 0..<c { w[base + j] -= x * r[base + j] * s[j] }
                    }
                } else {
                    for k in 0..<cols.count {
                        let x = vals[k] * stepSize
                        let base = Int(cols[k]) * c
                        for j in 0..<c { w[base + j] -= x * s[j] }
                    }
                }
                for j in 0..<c { w[wCount + j] -= lr * s[j] }
            }
        }
        self.scale = scale
    }

    /// The parameters (`W` then `b`) with the scale applied.
    mutating func finish() -> [Float] {
        if scale != 1 {
            v.withUnsafeMutableBufferPointer { BLAS.scale(scale, $0.baseAddress!, count: wCount) }
            scale = 1
        }
        return v
    }
}
