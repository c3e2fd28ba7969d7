import CBLAS

/// Thin wrappers over the BLAS and LAPACK routines Criba uses. Only this folder imports
/// `CBLAS`; every wrapper names the routine it calls.
///
/// All matrices are row-major. Sizes are checked to fit in `Int32`.
enum BLAS {
    @inline(__always)
    static func int32(_ n: Int) -> Int32 {
        precondition(n >= 0 && n <= Int(Int32.max), "BLAS size \(n) does not fit in Int32")
        return Int32(n)
    }

    /// `y += alpha * x`. The corresponding C function is `cblas_saxpy`.
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        cblas_saxpy(int32(count), alpha, x, 1, y, 1)
    }

    /// `x · y`. The corresponding C function is `cblas_sdot` (accumulates in single precision).
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        cblas_sdot(int32(count), x, 1, y, 1)
    }

    /// `y += alpha * a · x` for a row-major `rows × columns` matrix `a`. The corresponding C
    /// function is `cblas_sgemv` (no transpose, beta 1).
    static func multiplyAdd(
        _ alpha: Float, _ a: UnsafePointer<Float>, rows: Int, columns: Int, _ x: UnsafePointer<Float>,
        into y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasRowMajor, CblasNoTrans, int32(rows), int32(columns), alpha, a, int32(max(columns, 1)), x, 1, 1, y, 1)
    }

    /// `x *= alpha`. The corresponding C function is `cblas_sscal`.
    static func scale(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, count: Int) {
        cblas_sscal(int32(count), alpha, x, 1)
    }

    /// `out = aᵀa` for a row-major `rows × columns` matrix `a`; `out` is `columns × columns`,
    /// both triangles filled. The corresponding C function is `cblas_dsyrk` (upper triangle,
    /// then mirrored).
    static func gram(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Double>) {
        let c = int32(columns)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, c, int32(rows), 1, a, c, 0, out, c)
        for i in 0..<columns {
            for j in 0..<i { out[i * columns + j] = out[j * columns + i] }
        }
    }

    /// `out = aᵀa` as above through the general product. The corresponding C function is
    /// `cblas_dgemm` (kept for the benchmark that compares it with `dsyrk`).
    static func gramGEMM(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Double>) {
        let c = int32(columns)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, c, int32(rows), 1, a, c, a, c, 0, out, c)
    }

    /// Solves `a x = b` for a symmetric positive-definite `n × n` matrix `a` (row-major, both
    /// triangles filled). On success `b` holds `x` and `a` its Cholesky factor; returns `false`
    /// if `a` is not positive definite. The corresponding Fortran routine is `dposv_`.
    static func solvePositiveDefinite(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        // A symmetric matrix is its own transpose, so the row-major upper triangle is LAPACK's
        // column-major lower triangle.
        var uplo = CChar(UInt8(ascii: "L"))
        var size = int32(n)
        var one: Int32 = 1
        var lda = size
        var ldb = size
        var info: Int32 = 0
        dposv_(&uplo, &size, &one, a, &lda, b, &ldb, &info, 1)
        return info == 0
    }
}

/// Plain-Swift versions of the vector routines, kept for the benchmarks that justify each
/// BLAS use and for tiny sizes where a call costs more than the loop.
enum PlainVector {
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }

    /// Single-precision dot product with four partial sums (a fixed order, so results are
    /// reproducible on every machine).
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var s0: Float = 0
        var s1: Float = 0
        var s2: Float = 0
        var s3: Float = 0
        var i = 0
        while i + 4 <= count {
            s0 += x[i] * y[i]
            s1 += x[i + 1] * y[i + 1]
            s2 += x[i + 2] * y[i + 2]
            s3 += x[i + 3] * y[i + 3]
            i += 4
        }
        while i < count {
            s0 += x[i] * y[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

}

/// Plain-Swift versions of the small dense routines, benchmarked against BLAS and LAPACK.
enum PlainDense {
    /// `out = aᵀa` for a row-major `rows × columns` matrix (both triangles filled).
    static func gram(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Double>) {
        let c = columns
        out.update(repeating: 0, count: c * c)
        for i in 0..<rows {
            let row = a + i * c
            for p in 0..<c {
                let x = row[p]
                if x == 0 { continue }
                let o = out + p * c
                for q in p..<c { o[q] += x * row[q] }
            }
        }
        for p in 0..<c {
            for q in 0..<p { out[p * c + q] = out[q * c + p] }
        }
    }

    /// Solves `a x = b` by Cholesky factorisation for a symmetric positive-definite `n × n`
    /// row-major `a`. On success `b` holds `x` and the lower triangle of `a` its factor;
    /// returns `false` if `a` is not positive definite.
    static func solvePositiveDefinite(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0, d.isFinite else { return false }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        for i in 0..<n {  // L y = b
            var s = b[i]
            for k in 0..<i { s -= a[i * n + k] * b[k] }
            b[i] = s / a[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ x = y
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= a[k * n + i] * b[k] }
            b[i] = s / a[i * n + i]
        }
        return true
    }
}

extension BLAS {
    /// Asks an optimised BLAS provider (OpenBLAS) to use one thread, once per process. Criba's
    /// BLAS work is small vectors where threads cost more than they give, and a classifier
    /// process should stay on one core. The corresponding C function is
    /// `openblas_set_num_threads`, looked up at run time because the reference BLAS lacks it.
    static let singleThreaded: Void = {
        typealias SetThreads = @convention(c) (Int32) -> Void
        if let symbol = loadedSymbol(named: "openblas_set_num_threads") {
            unsafeBitCast(symbol, to: SetThreads.self)(1)
        }
    }()
}
