/// The container of Criba's binary files: the model files (``ModelFile``) and the sentence
/// encoder file (``EncoderFile``), which differ only in their magic number and sections.
///
/// Layout (all integers little-endian):
/// ```
/// magic        8 bytes  one per kind of file
/// version      u32      format version (readers reject newer versions)
/// reserved     u32      0
/// length       u64      payload length in bytes
/// payload      sections: u32 tag, u32 0, u64 length, bytes, zero padding to 8
/// checksum     u64      SectionFile.checksum of everything before it
/// ```
enum SectionFile {
    /// One kind of file: its magic number, the newest format version this build reads, and
    /// how its errors name it.
    struct Kind: Sendable {
        var magic: [UInt8]
        var version: UInt32
        /// `model` or `encoder`, in "the model file is empty", "invalid model format version 0".
        var noun: String
        /// The error for a file with another magic number.
        var wrongMagic: String
        /// Other Criba files this kind can be mistaken for: their magic number and the error.
        var mistakenFor: [(magic: [UInt8], message: String)] = []
        /// The error for a file of a newer format version.
        var newer: @Sendable (_ version: UInt32) -> String

        /// Whether `raw` begins with `magic`.
        static func starts(_ raw: UnsafeRawBufferPointer, with magic: [UInt8]) -> Bool {
            raw.count >= magic.count && magic.indices.allSatisfy { raw[$0] == magic[$0] }
        }
    }

    /// A checked file: its sections in file order, as byte ranges of the file, and its checksum.
    struct Contents {
        var sections: [(tag: UInt32, range: Range<Int>)]
        var checksum: UInt64
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

    /// Builds a payload of sections tagged with `Tag` values.
    struct Writer<Tag: RawRepresentable> where Tag.RawValue == UInt32 {
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

    /// The whole file of `kind` holding `payload`: header, payload, checksum.
    static func file<Tag>(_ kind: Kind, payload: Writer<Tag>) -> [UInt8] {
        var file = Writer<Tag>()
        file.bytes.append(contentsOf: kind.magic)
        file.u32(kind.version)
        file.u32(0)
        file.u64(UInt64(payload.bytes.count))
        file.bytes.append(contentsOf: payload.bytes)
        let sum = file.bytes.withUnsafeBytes { checksum($0) }
        file.u64(sum)
        return file.bytes
    }

    // MARK: Reading

    /// Checks the magic number, version, length and checksum of a whole file of `kind` and
    /// finds its sections (tags not known to the caller included, to be skipped).
    ///
    /// - Throws: ``ModelFileError`` naming `path`.
    static func sections(of raw: UnsafeRawBufferPointer, kind: Kind, path: String) throws -> Contents {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message: message) }
        let noun = kind.noun
        guard Kind.starts(raw, with: kind.magic) else {
            if raw.isEmpty { throw fail("the \(noun) file is empty") }
            if let other = kind.mistakenFor.first(where: { Kind.starts(raw, with: $0.magic) }) { throw fail(other.message) }
            throw fail(kind.wrongMagic)
        }
        guard raw.count >= 24 else { throw fail("the \(noun) file is truncated (\(raw.count) bytes)") }
        let version = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        if version > kind.version { throw fail(kind.newer(version)) }
        if version == 0 { throw fail("invalid \(noun) format version 0") }
        let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard raw.count >= 32, length <= UInt64(raw.count - 32) else {
            throw fail("the \(noun) file is truncated (\(raw.count) bytes; its header says \(length &+ 32))")
        }
        if 32 + Int(length) < raw.count {
            throw fail("the \(noun) file has \(raw.count - 32 - Int(length)) unexpected bytes after its end")
        }
        let end = 24 + Int(length)
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
        guard stored == checksum(UnsafeRawBufferPointer(rebasing: raw[0..<end])) else {
            throw fail("the \(noun) file is corrupted (checksum mismatch)")
        }
        var sections: [(tag: UInt32, range: Range<Int>)] = []
        var offset = 24
        while offset < end {
            guard offset + 16 <= end else { throw fail("malformed section header at byte \(offset)") }
            let tag = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let size = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            guard size <= UInt64(end - offset - 16) else { throw fail("section at byte \(offset) overruns the file") }
            let start = offset + 16
            sections.append((tag, start..<(start + Int(size))))
            offset = (start + Int(size) + 7) & ~7
        }
        return Contents(sections: sections, checksum: stored)
    }
}
