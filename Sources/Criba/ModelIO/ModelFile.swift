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

/// The binary model file.
///
/// Layout (all integers little-endian):
/// ```
/// magic        8 bytes  "CRIBA\0MD"
/// version      u32      format version (readers reject newer versions)
/// reserved     u32      0
/// length       u64      payload length in bytes
/// payload      sections: u32 tag, u32 0, u64 length, bytes, zero padding to 8
/// checksum     u64      ModelFile.checksum of everything before it
/// ```
/// Sections hold the metadata (sorted `key=value` lines: every tokenizer and feature
/// setting, the algorithm, training facts), the labels, and little-endian IEEE arrays. The
/// same model always serialises to the same bytes.
enum ModelFile {
    static let magic: [UInt8] = [0x43, 0x52, 0x49, 0x42, 0x41, 0x00, 0x4D, 0x44]
    static let version: UInt32 = 1

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

    /// 64-bit checksum: words folded with multiply-rotate, then a final avalanche.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for w in 0..<words {
            let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self))
            h = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
            h = (h << 31) | (h >> 33)
        }
        for k in (words * 8)..<bytes.count {
            h = (h ^ UInt64(bytes[k])) &* 0x100_0000_01B3
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    // MARK: Writing

    struct Writer {
        var bytes: [UInt8] = []

        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

        mutating func section(_ tag: Tag, _ body: [UInt8]) {
            u32(tag.rawValue)
            u32(0)
            u64(UInt64(body.count))
            bytes.append(contentsOf: body)
            while bytes.count % 8 != 0 { bytes.append(0) }
        }

        mutating func section<T: FixedWidthInteger>(_ tag: Tag, integers: [T]) {
            var body = [UInt8]()
            body.reserveCapacity(integers.count * MemoryLayout<T>.size)
            for v in integers { withUnsafeBytes(of: v.littleEndian) { body.append(contentsOf: $0) } }
            section(tag, body)
        }

        mutating func section(_ tag: Tag, floats: [Float]) {
            section(tag, integers: floats.map { $0.bitPattern })
        }

        mutating func section(_ tag: Tag, doubles: [Double]) {
            section(tag, integers: doubles.map { $0.bitPattern })
        }
    }

    static func encode(_ model: Model) -> [UInt8] {
        var payload = Writer()
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
        var file = Writer()
        file.bytes.append(contentsOf: magic)
        file.u32(version)
        file.u32(0)
        file.u64(UInt64(payload.bytes.count))
        file.bytes.append(contentsOf: payload.bytes)
        let sum = file.bytes.withUnsafeBytes { checksum($0) }
        file.u64(sum)
        return file.bytes
    }

    // MARK: Reading

    static func decode(_ data: [UInt8], path: String) throws -> Model {
        try data.withUnsafeBytes { try decode(raw: $0, path: path) }
    }

    /// Decodes a model from the bytes of a whole model file.
    static func decode(raw: UnsafeRawBufferPointer, path: String) throws -> Model {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message: message) }
        guard raw.count >= 8, magic.indices.allSatisfy({ raw[$0] == magic[$0] }) else {
            if raw.isEmpty { throw fail("the model file is empty") }
            throw fail("not a Criba model (wrong magic number)")
        }
        guard raw.count >= 24 else { throw fail("the model file is truncated (\(raw.count) bytes)") }
        let version = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        if version > Self.version {
            throw fail(
                "the model was written by a newer Criba (model format \(version); this build reads up to \(Self.version)); upgrade Criba or retrain the model")
        }
        if version == 0 { throw fail("invalid model format version 0") }
        let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        if length > UInt64(raw.count) || 32 + Int(length) > raw.count {
            throw fail("the model file is truncated (\(raw.count) bytes; its header says \(length &+ 32))")
        }
        if 32 + Int(length) < raw.count {
            throw fail("the model file has \(raw.count - 32 - Int(length)) unexpected bytes after its end")
        }
        let end = 24 + Int(length)
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
        let actual = checksum(UnsafeRawBufferPointer(rebasing: raw[0..<end]))
        guard stored == actual else { throw fail("the model file is corrupted (checksum mismatch)") }
        var sections: [UInt32: Range<Int>] = [:]
        var offset = 24
        while offset < end {
            guard offset + 16 <= end else { throw fail("malformed section header at byte \(offset)") }
            let tag = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let size = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            guard size <= UInt64(end - offset - 16) else { throw fail("section at byte \(offset) overruns the file") }
            let start = offset + 16
            sections[tag] = start..<(start + Int(size))
            offset = start + Int(size)
            offset = (offset + 7) & ~7
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
