import Foundation

/// The scratch memory and forward pass of one encoding call: messages are tokenized into a
/// flat micro-batch of at most ``SentenceEncoder/tokenBudget`` pieces, each matrix product runs
/// once per micro-batch through `cblas_sgemm`, and every buffer is allocated once per call.
///
/// A window reaching outside its message reads zeros (each message is padded on its own), so
/// the messages of a batch never see each other. A message longer than the budget is cut into
/// slices that overlap by ``EncoderWeights/reach`` pieces on each side; only each slice's own
/// pieces are summed, so the result is that of a single pass.
final class EncoderWorkspace {
    /// A run of consecutive pieces of one message inside the flat batch.
    struct Segment {
        /// First row in the batch.
        var start: Int
        /// Rows in the batch (the slice with its overlap).
        var count: Int
        /// The rows (relative to `start`) whose features are summed.
        var core: Range<Int>
        /// The message's row in the sentence-level buffers.
        var row: Int
    }

    let w: EncoderWeights
    let budget = SentenceEncoder.tokenBudget
    let ids = RawBuffer<Int32>(capacity: 256)
    var segments: [Segment] = []
    /// Whether a ``run(count:tokenize:_:)`` is under way (a nested call needs its own workspace).
    var busy = false
    let tokens: UnsafeMutablePointer<Int32>
    let lengths: UnsafeMutablePointer<Int>
    /// Piece-level buffers, `budget` rows each: `features` holds embedding | branch 2 |
    /// branch 3 | branch 5, `projected` the three branch inputs (3 × 256 per row), `columns`
    /// windows laid out as rows (up to 5 × 256), `hidden` the first convolution layer's output.
    let features, projected, columns, hidden: UnsafeMutablePointer<Float>
    /// Message-level buffers, `budget / 3 + 1` rows each (a message has at least 3 pieces).
    let sums, pooled, y0, y1, y2, z: UnsafeMutablePointer<Float>

    static let dim = EncoderWeights.dimension
    static let cnn = EncoderWeights.cnnDimension
    static let feat = EncoderWeights.featureDimension
    static let dan = EncoderWeights.hiddenDimension

    init(weights: EncoderWeights) {
        w = weights
        BLAS.singleThreaded
        let t = budget
        tokens = .allocate(capacity: t)
        lengths = .allocate(capacity: t)
        features = .allocate(capacity: t * Self.feat)
        projected = .allocate(capacity: t * 3 * Self.cnn)
        columns = .allocate(capacity: t * 5 * Self.cnn)
        hidden = .allocate(capacity: t * Self.cnn)
        let s = t / 3 + 1
        sums = .allocate(capacity: s * Self.feat)
        pooled = .allocate(capacity: s * Self.dim)
        y0 = .allocate(capacity: s * Self.dan)
        y1 = .allocate(capacity: s * Self.dan)
        y2 = .allocate(capacity: s * Self.dim)
        z = .allocate(capacity: s * Self.dim)
        segments.reserveCapacity(s)
    }

    deinit {
        for p in [features, projected, columns, hidden, sums, pooled, y0, y1, y2, z] { p.deallocate() }
        tokens.deallocate()
        lengths.deallocate()
    }

    /// Encodes messages `0..<count`, handing each vector to `body` in order; `tokenize(i)`
    /// puts message `i`'s pieces into ``ids`` (with ``pieces(of:)``) and returns their count.
    func run(count: Int, tokenize: (Int) -> Int, _ body: (Int, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        busy = true
        defer { busy = false }
        var used = 0  // pieces in the batch
        var first = 0  // index of the batch's first message
        var messages = 0  // messages in the batch

        func flush() throws {
            guard messages > 0 else { return }
            sums.update(repeating: 0, count: messages * Self.feat)
            pieceStage(rows: used)
            try messageStage(messages, first: first, body)
            segments.removeAll(keepingCapacity: true)
            used = 0
            messages = 0
        }

        for i in 0..<count {
            let n = tokenize(i)
            if n <= budget {
                if used + n > budget { try flush() }
                if messages == 0 { first = i }
                (tokens + used).update(from: ids.base, count: n)
                segments.append(Segment(start: used, count: n, core: 0..<n, row: messages))
                lengths[messages] = n
                used += n
                messages += 1
            } else {
                try flush()
                // Slices of `budget - 2·reach` pieces, each with up to `reach` pieces of
                // overlap on either side.
                let reach = EncoderWeights.reach
                let step = budget - 2 * reach
                sums.update(repeating: 0, count: Self.feat)
                var c = 0
                while c < n {
                    let ce = min(c + step, n)
                    let s0 = max(0, c - reach)
                    let e0 = min(n, ce + reach)
                    tokens.update(from: ids.base + s0, count: e0 - s0)
                    segments.append(Segment(start: 0, count: e0 - s0, core: (c - s0)..<(ce - s0), row: 0))
                    pieceStage(rows: e0 - s0)
                    segments.removeAll(keepingCapacity: true)
                    c = ce
                }
                lengths[0] = n
                try messageStage(1, first: i, body)
            }
        }
        try flush()
    }

    /// Tokenizes the UTF-8 `text` into `ids`: the begin marker, its pieces (the unknown piece when it has
    /// none, as for an empty message), the end marker. Returns the count.
    func pieces(of text: UnsafeBufferPointer<UInt8>) -> Int {
        ids.removeAll()
        ids.append(w.begin)
        if w.pieces.pieces(of: text, into: ids) == 0 { ids.append(w.unknown) }
        ids.append(w.end)
        return ids.count
    }

    // MARK: Piece stage

    /// Runs the embedding, projection, convolutions and layer norm on the `rows` pieces of the
    /// batch and adds each segment's core rows to its message's sum.
    func pieceStage(rows t: Int) {
        let dim = Self.dim
        let cnn = Self.cnn
        let feat = Self.feat
        // Embedding rows, de-quantised into the first 512 columns of `features`.
        for r in 0..<t {
            let id = Int(tokens[r])
            let q = w.table + id * dim
            let chunk = id % w.chunks
            let s = w.scale[chunk]
            let o = w.offset[chunk]
            let out = features + r * feat
            for j in 0..<dim { out[j] = Float(q[j]) * s + o }
        }
        // Projection to the three branch inputs, then one layer norm over all 768.
        BLAS.gemm(m: t, n: 3 * cnn, k: dim, features, lda: feat, w.projection.w, ldb: 3 * cnn, projected, ldc: 3 * cnn, beta: 0)
        for r in 0..<t {
            let row = projected + r * 3 * cnn
            for j in 0..<(3 * cnn) { row[j] += w.projection.b[j] }
            layerNorm(row, count: 3 * cnn, w.projectionNorm)
        }
        // The branches: two window convolutions each, ReLU, residual.
        for (i, b) in w.branches.enumerated() {
            let input = projected + i * cnn
            gatherWindows(from: input, stride: 3 * cnn, order: b.order, left: b.left)
            BLAS.gemm(m: t, n: cnn, k: b.order * cnn, columns, lda: b.order * cnn, b.first.w, ldb: cnn, hidden, ldc: cnn, beta: 0)
            for r in 0..<t { biasReluAdd(hidden + r * cnn, b.first.b, input + r * 3 * cnn, count: cnn) }
            gatherWindows(from: hidden, stride: cnn, order: b.order, left: b.left)
            let out = features + dim + i * cnn
            BLAS.gemm(m: t, n: cnn, k: b.order * cnn, columns, lda: b.order * cnn, b.second.w, ldb: cnn, out, ldc: feat, beta: 0)
            for r in 0..<t { biasReluAdd(out + r * feat, b.second.b, hidden + r * cnn, count: cnn) }
        }
        // Layer norm of the summed rows, and the sums.
        for seg in segments {
            let sum = sums + seg.row * feat
            for r in seg.core {
                let row = features + (seg.start + r) * feat
                layerNorm(row, count: feat, w.featureNorm)
                for j in 0..<feat { sum[j] += row[j] }
            }
        }
    }

    /// Lays out, for every row, the `order` rows of its window (from `left` rows before it) side
    /// by side in `columns`; rows outside the row's segment are zeros.
    func gatherWindows(from source: UnsafeMutablePointer<Float>, stride: Int, order: Int, left: Int) {
        let cnn = Self.cnn
        for seg in segments {
            let lo = seg.start
            let hi = seg.start + seg.count
            for r in lo..<hi {
                let dst = columns + r * order * cnn
                for k in 0..<order {
                    let p = r - left + k
                    if p >= lo && p < hi {
                        (dst + k * cnn).update(from: source + p * stride, count: cnn)
                    } else {
                        (dst + k * cnn).update(repeating: 0, count: cnn)
                    }
                }
            }
        }
    }

    // MARK: Message stage

    /// The mean pooling and feed-forward layers for the batch's `n` messages, then `body` with
    /// each normalised vector.
    func messageStage(_ n: Int, first: Int, _ body: (Int, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        let dim = Self.dim
        let dan = Self.dan
        // The sum commutes with the (linear) output projection: project the sums, add the
        // bias once per piece, divide by √length.
        for s in 0..<n {
            let len = Float(lengths[s])
            let row = pooled + s * dim
            for j in 0..<dim { row[j] = len * w.output.b[j] }
        }
        BLAS.gemm(m: n, n: dim, k: Self.feat, sums, lda: Self.feat, w.output.w, ldb: dim, pooled, ldc: dim, beta: 1)
        for s in 0..<n {
            let inv = 1 / Float(lengths[s]).squareRoot()
            let row = pooled + s * dim
            for j in 0..<dim { row[j] *= inv }
        }
        BLAS.gemm(m: n, n: dan, k: dim, pooled, lda: dim, w.d0, ldb: dan, y0, ldc: dan, beta: 0)
        relu(y0, count: n * dan)
        BLAS.gemm(m: n, n: dan, k: dim, pooled, lda: dim, w.p1, ldb: dan, y1, ldc: dan, beta: 0)
        BLAS.gemm(m: n, n: dan, k: dan, y0, lda: dan, w.d1, ldb: dan, y1, ldc: dan, beta: 1)
        relu(y1, count: n * dan)
        BLAS.gemm(m: n, n: dim, k: dan, y1, lda: dan, w.d2, ldb: dim, y2, ldc: dim, beta: 0)
        relu(y2, count: n * dim)
        BLAS.gemm(m: n, n: dim, k: dan, y1, lda: dan, w.p3, ldb: dim, z, ldc: dim, beta: 0)
        BLAS.gemm(m: n, n: dim, k: dim, y2, lda: dim, w.d3, ldb: dim, z, ldc: dim, beta: 1)
        for s in 0..<n {
            let row = z + s * dim
            var norm: Float = 0
            for j in 0..<dim {
                let v = tanhf(row[j])
                row[j] = v
                norm += v * v
            }
            let inv = 1 / max(norm, w.epsilon).squareRoot()
            for j in 0..<dim { row[j] *= inv }
            try body(first + s, UnsafeBufferPointer(start: row, count: dim))
        }
    }

    // MARK: Row operations

    /// Layer norm of one row, in place: subtract the mean, divide by the standard deviation
    /// (with the file's epsilon), then scale and shift per column.
    @inline(__always)
    func layerNorm(_ x: UnsafeMutablePointer<Float>, count n: Int, _ norm: EncoderWeights.Norm) {
        let mean = sum(x, count: n, squared: false) / Float(n)
        for j in 0..<n { x[j] -= mean }
        let variance = sum(x, count: n, squared: true) / Float(n)
        let inv = 1 / (variance + w.epsilon).squareRoot()
        for j in 0..<n { x[j] = x[j] * inv * norm.gain[j] + norm.shift[j] }
    }

    /// `x = max(x + b, 0) + y`: a layer's bias, ReLU and residual connection in one pass.
    @inline(__always)
    func biasReluAdd(_ x: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for j in 0..<count { x[j] = max(x[j] + b[j], 0) + y[j] }
    }

    @inline(__always)
    func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { x[j] = max(x[j], 0) }
    }

    /// Sum of the values (or of their squares when `squared`) with eight partial sums, in a
    /// fixed order (`count` is a multiple of 8 here).
    @inline(__always)
    func sum(_ x: UnsafePointer<Float>, count: Int, squared: Bool) -> Float {
        var acc = SIMD8<Float>()
        var j = 0
        let raw = UnsafeRawPointer(x)
        while j + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            acc += squared ? v * v : v
            j += 8
        }
        var s = acc.sum()
        while j < count {
            s += squared ? x[j] * x[j] : x[j]
            j += 1
        }
        return s
    }
}
