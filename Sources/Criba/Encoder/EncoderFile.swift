/// The sentence encoder file (`Models/use-m3.encoder`), written by `Tools/convert_use.py`.
///
/// The container of the model files (see `ModelFile`), with its own magic number. Layout (all
/// integers little-endian):
/// ```
/// magic        8 bytes  "CRIBA\0EN"
/// version      u32      format version (readers reject newer versions)
/// reserved     u32      0
/// length       u64      payload length in bytes
/// payload      sections: u32 tag, u32 0, u64 length, bytes, zero padding to 8
/// checksum     u64      ModelFile.checksum of everything before it
/// ```
/// Sections: `META` (sorted `key=value` lines), `SPMO` (the SentencePiece model, byte for
/// byte), `TABL` (the embedding table: a tensor header, then `rows × 512` bytes, row = piece
/// id, de-quantised as `q · scale[row % chunks] + offset[row % chunks]`) and one `TNSR` per
/// single-precision tensor. A tensor header is 32 bytes: the name in 24 NUL-padded ASCII
/// bytes, then `u32` rows and `u32` columns; the row-major values follow it.
enum EncoderFile {
    static let magic: [UInt8] = [0x43, 0x52, 0x49, 0x42, 0x41, 0x00, 0x45, 0x4E]
    static let version: UInt32 = 1

    enum Tag: UInt32 {
        case metadata = 0x4154_454D  // "META"
        case sentencePiece = 0x4F4D_5053  // "SPMO"
        case table = 0x4C42_4154  // "TABL"
        case tensor = 0x5253_4E54  // "TNSR"
    }

    /// A tensor inside the mapped file.
    struct Tensor {
        var rows: Int
        var columns: Int
        var data: UnsafeRawPointer
    }

    /// The sections of a checked file; pointers into `raw`.
    struct Contents {
        var metadata: [String: String] = [:]
        var sentencePiece: UnsafeRawBufferPointer
        var table: Tensor
        var tensors: [String: Tensor]
        var checksum: UInt64
    }

    /// Checks the header and checksum of a whole encoder file and finds its sections.
    ///
    /// - Throws: ``ModelFileError`` naming `path`.
    static func parse(_ raw: UnsafeRawBufferPointer, path: String) throws -> Contents {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message: message) }
        guard raw.count >= 8, magic.indices.allSatisfy({ raw[$0] == magic[$0] }) else {
            if raw.isEmpty { throw fail("the encoder file is empty") }
            if raw.count >= 8, ModelFile.magic.indices.allSatisfy({ raw[$0] == ModelFile.magic[$0] }) {
                throw fail("this is a Criba classifier model, not a sentence encoder file")
            }
            throw fail("not a Criba sentence encoder file (wrong magic number)")
        }
        guard raw.count >= 32 else { throw fail("the encoder file is truncated (\(raw.count) bytes)") }
        let version = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        if version > Self.version {
            throw fail("the encoder file was written in a newer format (\(version); this build reads up to \(Self.version)); upgrade Criba")
        }
        if version == 0 { throw fail("invalid encoder format version 0") }
        let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard length <= UInt64(raw.count - 32) else {
            throw fail("the encoder file is truncated (\(raw.count) bytes; its header says \(length &+ 32))")
        }
        if 32 + Int(length) < raw.count {
            throw fail("the encoder file has \(raw.count - 32 - Int(length)) unexpected bytes after its end")
        }
        let end = 24 + Int(length)
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
        guard stored == ModelFile.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<end])) else {
            throw fail("the encoder file is corrupted (checksum mismatch)")
        }
        var metadataText: UnsafeRawBufferPointer?
        var sentencePiece: UnsafeRawBufferPointer?
        var table: Tensor?
        var tensors: [String: Tensor] = [:]
        var offset = 24
        while offset < end {
            guard offset + 16 <= end else { throw fail("malformed section header at byte \(offset)") }
            let tag = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let size = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            guard size <= UInt64(end - offset - 16) else { throw fail("section at byte \(offset) overruns the file") }
            let body = UnsafeRawBufferPointer(rebasing: raw[(offset + 16)..<(offset + 16 + Int(size))])
            switch Tag(rawValue: tag) {
            case .metadata: metadataText = body
            case .sentencePiece: sentencePiece = body
            case .table:
                let (name, t) = try tensor(body, elementSize: 1, at: offset, fail)
                guard name == "table" else { throw fail("unexpected table \"\(name)\" at byte \(offset)") }
                table = t
            case .tensor:
                let (name, t) = try tensor(body, elementSize: 4, at: offset, fail)
                guard tensors[name] == nil else { throw fail("tensor \"\(name)\" appears twice") }
                tensors[name] = t
            case nil: break  // Sections a later writer may add are skipped.
            }
            offset = (offset + 16 + Int(size) + 7) & ~7
        }
        guard let metadataText else { throw fail("missing section META") }
        guard let sentencePiece else { throw fail("missing section SPMO (the SentencePiece model)") }
        guard let table else { throw fail("missing section TABL (the embedding table)") }
        var metadata: [String: String] = [:]
        for line in String(decoding: metadataText, as: UTF8.self).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { throw fail("malformed metadata line \"\(line)\"") }
            metadata[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return Contents(metadata: metadata, sentencePiece: sentencePiece, table: table, tensors: tensors, checksum: stored)
    }

    private static func tensor(
        _ body: UnsafeRawBufferPointer, elementSize: Int, at offset: Int, _ fail: (String) -> ModelFileError
    ) throws -> (String, Tensor) {
        guard body.count >= 32 else { throw fail("truncated tensor header at byte \(offset)") }
        let name = String(decoding: body[0..<24].prefix(while: { $0 != 0 }), as: UTF8.self)
        let rows = Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: 24, as: UInt32.self)))
        let columns = Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: 28, as: UInt32.self)))
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, cells <= (body.count - 32) / elementSize, cells * elementSize == body.count - 32 else {
            throw fail("tensor \"\(name)\" at byte \(offset): \(rows) × \(columns) does not match its \(body.count - 32) bytes")
        }
        return (name, Tensor(rows: rows, columns: columns, data: body.baseAddress! + 32))
    }
}
