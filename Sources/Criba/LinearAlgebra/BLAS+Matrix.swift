import CBLAS

extension BLAS {
    /// `c = alpha * a b + beta * c` for row-major single-precision matrices: `a` is `m × k`
    /// with row stride `lda`, `b` is `k × n` with row stride `ldb`, `c` is `m × n` with row
    /// stride `ldc`. The corresponding C function is `cblas_sgemm`.
    ///
    /// - Complexity: `m · n · k` multiply-adds.
    @inline(__always)
    static func gemm(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, int32(m), int32(n), int32(k),
            alpha, a, int32(lda), b, int32(ldb), beta, c, int32(ldc))
    }
}
