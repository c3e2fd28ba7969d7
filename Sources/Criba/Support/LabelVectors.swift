/// Loops over a model's label dimension (one float per label), written with SIMD vectors
/// so they run several labels per instruction: the compiler leaves the plain loops scalar,
/// as it cannot prove that the accumulator and the row it reads do not overlap.
///
/// Each label's value goes through the same float operations, in the same order, as in
/// the plain loop `acc[j] += x * row[j]` (a multiply rounded to `Float`, then an add; never
/// a fused multiply-add), so the results are the same floats, bit for bit.
enum LabelVectors {
    /// `acc[j] += x * row[j]` for `j` in `0..<count`.
    ///
    /// - Parameters:
    ///   - x: The factor of the row.
    ///   - row: `count` floats; any alignment. Read as raw bytes, so a score line stored as
    ///     float bit patterns (the `UInt32` entries of a ``WordScoreMemo``) is read as is.
    ///   - acc: `count` floats, added to; any alignment, may not overlap `row`.
    ///   - count: The number of labels.
    @inline(__always)
    static func addScaled(_ x: Float, _ row: UnsafeRawPointer, into acc: UnsafeMutablePointer<Float>, count: Int) {
        let dst = UnsafeMutableRawPointer(acc)
        let x8 = SIMD8<Float>(repeating: x)
        var j = 0
        while j &+ 8 <= count {
            let o = j &* 4
            let a = dst.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let r = row.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            dst.storeBytes(of: a + x8 * r, toByteOffset: o, as: SIMD8<Float>.self)
            j &+= 8
        }
        if j &+ 4 <= count {
            let o = j &* 4
            let a = dst.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            let r = row.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            dst.storeBytes(of: a + x8.lowHalf * r, toByteOffset: o, as: SIMD4<Float>.self)
            j &+= 4
        }
        while j < count {
            acc[j] += x * row.loadUnaligned(fromByteOffset: j &* 4, as: Float.self)
            j &+= 1
        }
    }

    /// `acc[j] += Float(bitPattern: bits[j])` for `j` in `0..<count`: adds a score line
    /// stored as float bit patterns (the entries of a ``WordScoreMemo``). A product with 1 is
    /// exact, so this is ``addScaled(_:_:into:count:)`` with the factor 1, bit for bit.
    @inline(__always)
    static func add(bits: UnsafePointer<UInt32>, into acc: UnsafeMutablePointer<Float>, count: Int) {
        addScaled(1, bits, into: acc, count: count)
    }
}
