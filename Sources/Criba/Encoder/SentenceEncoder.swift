/// A multilingual sentence encoder: text in, a 512-dimension unit vector out, whose cosine
/// with another message's vector says how close their meanings are.
///
/// The shipped encoder, `Models/use-m3.encoder`, is Google's Universal Sentence Encoder
/// multilingual v3 (16 languages, Spanish among them) converted by `Tools/convert_use.py`:
/// SentencePiece pieces, three convolution branches (pairs, triples and 5-grams of pieces),
/// a layer norm, a mean over the pieces and a small feed-forward network. The dense products
/// run through BLAS (`cblas_sgemm`) on micro-batches of up to ``tokenBudget`` pieces from
/// several messages at once.
///
/// There is no cap on a message's length: a message of more than ``tokenBudget`` pieces is
/// encoded in overlapping slices whose results are exactly those of a single pass.
///
/// ```swift
/// let encoder = try SentenceEncoder(contentsOf: "Models/use-m3.encoder")
/// let v = encoder.encode("¿cuánto cuesta el envío?")   // 512 numbers, length 1
/// ```
///
/// A value may be shared between threads; each call uses its own scratch memory.
public struct SentenceEncoder: Sendable {
    /// The length of every vector.
    public static let dimension = 512

    /// Pieces per micro-batch (including each message's begin and end markers).
    public static let tokenBudget = 512

    let weights: EncoderWeights

    /// The file's stored checksum (as 16 hexadecimal digits in ``identity``): it identifies the
    /// exact weights a vector came from.
    public var checksum: UInt64 { weights.checksum }

    /// The encoder's name and checksum, such as `use-m3 3857ec64c5676735`.
    public var identity: String {
        let hex = String(weights.checksum, radix: 16)
        return "\(weights.name) \(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }

    /// The file's `key=value` metadata (name, source, licence, shapes).
    public var metadata: [String: String] { weights.metadata }

    /// Loads an encoder file: maps it, checks its checksum and the shapes of its tensors, and
    /// loads its SentencePiece model.
    ///
    /// - Parameter path: an encoder file such as `Models/use-m3.encoder`.
    /// - Throws: ``IOError`` (kind `.missing` when there is no such file) and
    ///   ``ModelFileError`` when the file is not an encoder file, is truncated or corrupted
    ///   (checksum mismatch), was written in a newer format, or holds tensors of unexpected
    ///   shapes.
    /// - Complexity: one pass over the file (about 80 MB) for the checksum.
    public init(contentsOf path: String) throws {
        weights = try EncoderWeights(file: MappedFile(path: path), path: path)
    }

    /// The unit vector of one message.
    ///
    /// - Parameter text: any text; an empty one has a vector too.
    /// - Returns: ``dimension`` numbers with Euclidean norm 1.
    public func encode(_ text: String) -> [Float] {
        encode([text])[0]
    }

    /// The unit vectors of several messages, in order. Messages are batched together, so this
    /// is faster than one call per message.
    ///
    /// - Returns: one vector of ``dimension`` numbers per message.
    public func encode(_ texts: [String]) -> [[Float]] {
        var out = [[Float]]()
        out.reserveCapacity(texts.count)
        encode(texts.count, text: { texts[$0] }) { _, v in out.append(Array(v)) }
        return out
    }

    /// Encodes `count` messages, calling `body` with each message's index and vector in
    /// order, as soon as the micro-batch holding it is done (the vector's memory is valid only
    /// during the call).
    ///
    /// - Parameters:
    ///   - count: how many messages.
    ///   - text: the message at an index (asked once per index, in order).
    ///   - body: receives `(index, vector)`.
    public func encode(
        _ count: Int, text: (Int) -> String, _ body: (Int, UnsafeBufferPointer<Float>) throws -> Void
    ) rethrows {
        let w = workspace()
        try w.run(count: count, tokenize: { i in
            var t = text(i)
            return t.withUTF8 { w.pieces(of: $0) }
        }, body)
    }

    /// Encodes `count` messages given as UTF-8 bytes in batches, writing message `i`'s vector
    /// to `out + i · dimension`.
    func encode(_ count: Int, utf8: (Int) -> UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Float>) {
        let w = workspace()
        let d = Self.dimension
        w.run(count: count, tokenize: { w.pieces(of: utf8($0)) }) { i, v in
            (out + i * d).update(from: v.baseAddress!, count: d)
        }
    }

    private static let workspaces = ThreadLocalSlot<EncoderWorkspace>()

    /// This thread's scratch for this encoder's weights (allocated once per thread; a thread
    /// that switches encoders, or encodes inside another encoding's callback, allocates again).
    func workspace() -> EncoderWorkspace {
        if let w = Self.workspaces.value, w.w === weights, !w.busy { return w }
        let w = EncoderWorkspace(weights: weights)
        Self.workspaces.value = w
        return w
    }
}

extension SentenceEncoder: DenseFeatureEncoder {
    var dimension: Int { Self.dimension }

    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>) {
        encode(1, utf8: { _ in text }, into: out.baseAddress!)
    }
}
