import Foundation

extension Loss {
    /// The one-vs-rest squared hinge of a linear SVM, `Σ_c max(0, 1 − t_c · score_c)²` with
    /// `t_c = +1` for the true class `y` and `−1` for the others, times `weight`; `scores`
    /// become its gradient `−2 · t_c · max(0, 1 − t_c · score_c) · weight`.
    @inline(__always)
    static func squaredHingeGradient(_ s: UnsafeMutableBufferPointer<Float>, label y: Int, weight: Float) -> Double {
        let c = s.count
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
