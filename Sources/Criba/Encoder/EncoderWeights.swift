/// The weights of a loaded encoder file: pointers into its memory mapping (no copy), checked
/// shapes, and the SentencePiece model. Immutable; shared by every encoding call.
final class EncoderWeights: @unchecked Sendable {
    /// An affine layer: a row-major weight matrix and its bias.
    struct Affine {
        var w, b: UnsafePointer<Float>
    }

    /// A layer norm's per-column gain and shift.
    struct Norm {
        var gain, shift: UnsafePointer<Float>
    }

    /// One convolution branch: windows of `order` pieces starting `left` pieces before the
    /// current one; two layers (`first`, `second`) with a residual connection each.
    struct Branch {
        var order, left: Int
        var first, second: Affine
    }

    static let dimension = 512
    static let cnnDimension = 256
    static let featureDimension = 1280  // the embedding and the three branch outputs
    static let hiddenDimension = 320
    static let orders = [(2, 0), (3, 1), (5, 2)]
    /// The widest window's reach on either side, times the two layers: how far a piece's
    /// features depend on its neighbours.
    static let reach = 4

    let file: MappedFile
    let pieces: SentencePieceModel
    let name: String
    let metadata: [String: String]
    let checksum: UInt64
    let epsilon: Float
    let unknown: Int32
    let begin: Int32
    let end: Int32

    let table: UnsafePointer<UInt8>
    let tableRows, chunks: Int
    /// Per-chunk de-quantisation of the table.
    let scale, offset: UnsafePointer<Float>
    let projection: Affine
    let projectionNorm: Norm
    let branches: [Branch]
    let featureNorm: Norm
    let output: Affine
    /// The feed-forward layers (`d`) and their residual projections (`p`).
    let d0, d1, d2, d3, p1, p3: UnsafePointer<Float>

    init(file: MappedFile, path: String) throws {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message: message) }
        let c = try EncoderFile.parse(file.bytes, path: path)
        self.file = file
        metadata = c.metadata
        checksum = c.checksum
        name = c.metadata["name"] ?? "encoder"
        func meta(_ key: String) throws -> String {
            guard let v = c.metadata[key] else { throw fail("missing metadata \(key)") }
            return v
        }
        func expect(_ key: String, _ value: String) throws {
            let v = try meta(key)
            guard v == value else { throw fail("unsupported \(key)=\(v) (this build reads \(value))") }
        }
        try expect("dimension", "\(Self.dimension)")
        try expect("cnn.dimension", "\(Self.cnnDimension)")
        try expect("cnn.orders", Self.orders.map { "\($0.0):\($0.1)" }.joined(separator: ","))
        guard let eps = Double(try meta("layernorm.epsilon")), eps > 0, eps < 1 else {
            throw fail("invalid layernorm.epsilon")
        }
        epsilon = Float(eps)
        guard let u = Int32(try meta("pieces.unknown")), let b = Int32(try meta("pieces.begin")),
            let e = Int32(try meta("pieces.end"))
        else { throw fail("invalid pieces.unknown, pieces.begin or pieces.end") }
        guard let ch = Int(try meta("table.chunks")), ch > 0 else { throw fail("invalid table.chunks") }
        chunks = ch

        guard c.table.columns == Self.dimension else { throw fail("the embedding table has \(c.table.columns) columns, not \(Self.dimension)") }
        table = c.table.data.assumingMemoryBound(to: UInt8.self)
        tableRows = c.table.rows

        func tensor(_ name: String, _ rows: Int, _ columns: Int) throws -> UnsafePointer<Float> {
            guard let t = c.tensors[name] else { throw fail("missing tensor \(name)") }
            guard t.rows == rows, t.columns == columns else {
                throw fail("tensor \(name) is \(t.rows) × \(t.columns), expected \(rows) × \(columns)")
            }
            return t.data.assumingMemoryBound(to: Float.self)
        }
        let dim = Self.dimension
        let cnn = Self.cnnDimension
        let hidden = Self.hiddenDimension
        /// The weight tensor `w` (`rows × columns`) and its bias `b`.
        func affine(_ w: String, _ b: String, _ rows: Int, _ columns: Int) throws -> Affine {
            Affine(w: try tensor(w, rows, columns), b: try tensor(b, 1, columns))
        }
        /// A layer norm's gain and shift, `prefix` + `ln.g` and `ln.b`.
        func norm(_ prefix: String, _ columns: Int) throws -> Norm {
            Norm(gain: try tensor(prefix + "ln.g", 1, columns), shift: try tensor(prefix + "ln.b", 1, columns))
        }
        scale = try tensor("table.scale", 1, ch)
        offset = try tensor("table.offset", 1, ch)
        projection = try affine("proj.w", "proj.b", dim, 3 * cnn)
        projectionNorm = try norm("proj.", 3 * cnn)
        branches = try Self.orders.map { n, left in
            Branch(
                order: n, left: left, first: try affine("cnn\(n).w1", "cnn\(n).b1", n * cnn, cnn),
                second: try affine("cnn\(n).w2", "cnn\(n).b2", n * cnn, cnn))
        }
        featureNorm = try norm("feat.", Self.featureDimension)
        output = try affine("out.w", "out.b", Self.featureDimension, dim)
        d0 = try tensor("dan.d0", dim, hidden)
        d1 = try tensor("dan.d1", hidden, hidden)
        d2 = try tensor("dan.d2", hidden, dim)
        d3 = try tensor("dan.d3", dim, dim)
        p1 = try tensor("dan.p1", dim, hidden)
        p3 = try tensor("dan.p3", hidden, dim)

        let model: SentencePieceModel
        do {
            model = try SentencePieceModel(serialized: c.sentencePiece)
        } catch {
            throw fail("its SentencePiece model does not load: \(error.message)")
        }
        let rows = c.table.rows
        guard model.pieceCount > 0, model.pieceCount <= rows else {
            throw fail("the SentencePiece model has \(model.pieceCount) pieces; the embedding table has \(rows) rows")
        }
        pieces = model
        guard [u, b, e].allSatisfy({ $0 >= 0 && Int($0) < model.pieceCount }) else {
            throw fail("invalid pieces.unknown, pieces.begin or pieces.end")
        }
        unknown = u
        begin = b
        end = e
    }
}
