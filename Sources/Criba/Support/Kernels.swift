import CribaShims

// The library's only door to the C kernels of `CribaShims`; everything else calls these.

/// Hints the CPU to load the cache line holding `address` (no effect on results). The
/// corresponding C function is `criba_prefetch` (`__builtin_prefetch`).
@inline(__always)
func prefetch(_ address: UnsafeRawPointer) {
    criba_prefetch(address)
}

/// Softmax of `s[j] * inverseTemperature`, in place, through the vectorised C kernel
/// (relative error about 1e-7 against exact arithmetic). The corresponding C function is
/// `criba_softmax`.
@inline(__always)
func softmaxInPlace(_ s: UnsafeMutableBufferPointer<Float>, inverseTemperature: Float) {
    guard let base = s.baseAddress else { return }
    criba_softmax(base, s.count, inverseTemperature)
}

/// The index of the first largest value, with that value (at least -1) and the largest of the
/// others (at least 0): what the unsure check of an answer needs. The corresponding C function
/// is `criba_top2`.
///
/// - Complexity: O(n), one pass.
public func topTwo(of values: UnsafeBufferPointer<Float>) -> (index: Int, top: Float, second: Float) {
    var top: Float = -1
    var second: Float = 0
    guard let base = values.baseAddress, !values.isEmpty else { return (0, top, second) }
    let index = criba_top2(base, values.count, &top, &second)
    return (index, top, second)
}
