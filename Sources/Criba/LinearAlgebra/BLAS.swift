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

    /// `x *= alpha`. The corresponding C function is `cblas_sscal`.
    static func scale(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, count: Int) {
        cblas_sscal(int32(count), alpha, x, 1)
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

#if canImport(Glibc)
    import Glibc
#endif

extension BLAS {
    /// Asks an optimised BLAS provider (OpenBLAS) to use one thread, once per process. Criba's
    /// BLAS work is small vectors where threads cost more than they give, and a classifier
    /// process should stay on one core. The corresponding C function is
    /// `openblas_set_num_threads`, looked up at run time because the reference BLAS lacks it.
    static let singleThreaded: Void = {
        #if canImport(Glibc)
            typealias SetThreads = @convention(c) (Int32) -> Void
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "openblas_set_num_threads") {
                unsafeBitCast(symbol, to: SetThreads.self)(1)
            }
        #endif
    }()
}
