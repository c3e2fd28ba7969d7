/// Turns a whole message into a fixed-length vector (a sentence embedding, for instance),
/// for a ``DenseFeatureBlock``.
///
/// An encoder reads the message's UTF-8 bytes itself: it sits beside the tokenizer and the
/// n-gram features, not behind them. It is called from many threads at once; keep any
/// per-thread state inside it.
protocol DenseFeatureEncoder: Sendable {
    /// Length of the vectors it writes.
    var dimension: Int { get }
    /// Writes the vector of the message in `text` into `out` (``dimension`` floats).
    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>)
}

/// A dense block of features scored beside the sparse n-gram block: it adds
/// `blockWeight · W · e(text)` to the label scores, with `W` the `labels × dimension` weights
/// (label-major) and `e` the encoder's vector.
struct DenseFeatureBlock: Sendable {
    let encoder: any DenseFeatureEncoder
    /// `labels × dimension` weights, label-major.
    let weights: [Float]
    /// How much the block counts next to the n-gram block.
    let blockWeight: Float

    /// A block for `labels` labels; `weights` holds `labels × encoder.dimension` floats.
    init(encoder: any DenseFeatureEncoder, weights: [Float], labels: Int, blockWeight: Float = 1) {
        precondition(encoder.dimension > 0 && labels > 0, "a dense block has at least one dimension and one label")
        precondition(weights.count == labels * encoder.dimension, "dense block weights are labels × dimension")
        self.encoder = encoder
        self.weights = weights
        self.blockWeight = blockWeight
    }

    /// Adds the block's contribution for the message in `text` to `out` (one score per
    /// label), using `embedding` as scratch.
    ///
    /// - Complexity: the encoder's cost, plus O(labels × dimension).
    func addScores(of text: UnsafeBufferPointer<UInt8>, embedding: RawBuffer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let d = encoder.dimension
        embedding.removeAll()
        embedding.reserve(d)
        let e = UnsafeMutableBufferPointer(start: embedding.base, count: d)
        e.initialize(repeating: 0)
        encoder.encode(text, into: e)
        weights.withUnsafeBufferPointer { w in
            BLAS.multiplyAdd(blockWeight, w.baseAddress!, rows: out.count, columns: d, embedding.base, into: out.baseAddress!)
        }
    }
}
