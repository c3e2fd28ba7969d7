import Foundation

/// The loss a linear model is trained with (see ``Algorithm``).
///
/// Both losses take a message's class scores and turn them, in place, into the gradient of
/// the loss with respect to those scores; the objective (``SoftmaxObjective``) and the
/// stochastic solver (``SGDState``) then spread that gradient over the message's features.
/// The multinomial logistic loss is here; the squared hinge of the linear SVM is in
/// `SquaredHingeLoss.swift`.
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
        switch self {
        case .log: return Self.logisticGradient(s, label: y, weight: weight)
        case .squaredHinge: return Self.squaredHingeGradient(s, label: y, weight: weight)
        }
    }

    /// The softmax cross-entropy `−ln p(y)` of `scores`, times `weight`; `scores` become
    /// `weight · (p − e_y)`.
    @inline(__always)
    static func logisticGradient(_ s: UnsafeMutableBufferPointer<Float>, label y: Int, weight: Float) -> Double {
        let c = s.count
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
    }
}
