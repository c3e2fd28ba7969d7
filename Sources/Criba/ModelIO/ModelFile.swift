/// Why a model file could not be read: empty, truncated, corrupted (checksum mismatch), not a
/// Criba model, written by a newer Criba, or trained with different tokenizer word tables.
/// The command-line tool exits with status 65 for it.
public struct ModelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The path, or `<bytes>` for in-memory data.
    public var path: String
    /// What is wrong.
    public var message: String

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// The binary model file: a ``SectionFile`` with the magic number "CRIBA\0MD".
///
/// Sections hold the metadata (sorted `key=value` lines: every tokenizer and feature
/// setting, the algorithm, training facts), the labels, and little-endian IEEE arrays. The
/// same model always serialises to the same bytes.
enum ModelFile {
    static let magic: [UInt8] = [0x43, 0x52, 0x49, 0x42, 0x41, 0x00, 0x4D, 0x44]
    static let version: UInt32 = 1

    static let kind = SectionFile.Kind(
        magic: magic, version: version, noun: "model", wrongMagic: "not a Criba model (wrong magic number)",
        newer: {
            "the model was written by a newer Criba (model format \($0); this build reads up to \(version)); upgrade Criba or retrain the model"
        })

    enum Tag: UInt32 {
        case metadata = 0x4154_454D  // "META"
        case labels = 0x4C42_414C  // "LABL"
        case keys = 0x5359_454B  // "KEYS"
        case idf = 0x2046_4449  // "IDF "
        case weights = 0x5448_4757  // "WGHT"
        case bias = 0x5341_4942  // "BIAS"
        case featureCounts = 0x4346_424E  // "NBFC"
        case classCounts = 0x4343_424E  // "NBCC"
    }

    // MARK: Writing

    static func encode(_ model: Model) -> [UInt8] {
        var payload = SectionFile.Writer<Tag>()
        payload.section(.metadata, Array(metadataText(of: model).utf8))
        payload.section(.labels, Array(model.labels.joined(separator: "\n").utf8))
        payload.section(.keys, integers: model.space.keys)
        if !model.space.idf.isEmpty { payload.section(.idf, floats: model.space.idf) }
        payload.section(.weights, floats: model.weights)
        payload.section(.bias, floats: model.bias)
        if let nb = model.counts {
            payload.section(.featureCounts, doubles: nb.featureCounts)
            payload.section(.classCounts, doubles: nb.classCounts)
        }
        return SectionFile.file(kind, payload: payload)
    }

    // MARK: Reading

    static func decode(_ data: [UInt8], path: String) throws -> Model {
        try data.withUnsafeBytes { try decode(raw: $0, path: path) }
    }

    /// Decodes a model from the bytes of a whole model file.
    static func decode(raw: UnsafeRawBufferPointer, path: String) throws -> Model {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message: message) }
        var sections: [UInt32: Range<Int>] = [:]
        for section in try SectionFile.sections(of: raw, kind: kind, path: path).sections {
            sections[section.tag] = section.range
        }
        func bytes(_ tag: Tag) throws -> UnsafeRawBufferPointer {
            guard let r = sections[tag.rawValue] else { throw fail("missing section \(tag)") }
            return UnsafeRawBufferPointer(rebasing: raw[r])
        }
        func optionalBytes(_ tag: Tag) -> UnsafeRawBufferPointer? {
            sections[tag.rawValue].map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
        }
        /// A numeric section as an array: one copy on a little-endian host (the file's byte
        /// order), else element `i` from `load(i)`.
        func section<T>(_ b: UnsafeRawBufferPointer, size: Int, _ load: (Int) -> T) throws -> [T] {
            guard b.count % size == 0 else { throw fail("a numeric section has a length that is not a multiple of \(size)") }
            return [T](unsafeUninitializedCapacity: b.count / size) { out, n in
                n = b.count / size
                guard n > 0 else { return }
                adviseHugePages(UnsafeMutableRawPointer(out.baseAddress!), byteCount: b.count)
                if 1.littleEndian == 1 {
                    UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: b.baseAddress!, byteCount: b.count)
                } else {
                    for i in 0..<n { out[i] = load(i) }
                }
            }
        }
        func array<T: FixedWidthInteger>(_ b: UnsafeRawBufferPointer, _: T.Type) throws -> [T] {
            let size = MemoryLayout<T>.size
            return try section(b, size: size) { T(littleEndian: b.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
        /// A section of little-endian IEEE 754 single-precision values.
        func floats(_ b: UnsafeRawBufferPointer) throws -> [Float] {
            try section(b, size: 4) { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        let metaText = String(decoding: try bytes(.metadata), as: UTF8.self)
        let labelText = String(decoding: try bytes(.labels), as: UTF8.self)
        let labels = labelText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keys = try array(try bytes(.keys), UInt32.self)
        let idf = try optionalBytes(.idf).map { try floats($0) } ?? []
        let weights = try floats(try bytes(.weights))
        let bias = try floats(try bytes(.bias))
        var counts: NaiveBayesCounts? = nil
        if let fc = optionalBytes(.featureCounts), let cc = optionalBytes(.classCounts) {
            counts = NaiveBayesCounts(
                featureCounts: try array(fc, UInt64.self).map(Double.init(bitPattern:)),
                classCounts: try array(cc, UInt64.self).map(Double.init(bitPattern:)))
        }
        do {
            return try model(
                metadataText: metaText, labels: labels, keys: keys, idf: idf, weights: weights, bias: bias,
                counts: counts)
        } catch let error as ModelFileError {
            throw ModelFileError(path: path, message: error.message)
        }
    }
}
