import Foundation

/// A smooth function of a flat parameter vector that ``LBFGS`` can minimise.
protocol DifferentiableObjective {
    /// Length of the parameter vector.
    var parameterCount: Int { get }
    /// Computes the value at `theta` and writes the gradient into `gradient`.
    func evaluate(_ theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>) -> Double
}

/// The L2-regularised multinomial logistic loss over a feature matrix, optionally on
/// NB-weighted features (`score[c] = b[c] + Σ x_f · r[f,c] · W[f,c]`).
///
/// Parameters are one flat vector: `W` (feature-major `F×C`) followed by `b` (`C`).
/// The value is `(1/Σw) Σ_i w_i · (−ln p(y_i | x_i)) + (λ/2)‖W‖²`.
struct SoftmaxObjective: DifferentiableObjective {
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
