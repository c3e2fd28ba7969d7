/// The sentence encoder file (`Models/use-m3.encoder`), written by `Tools/convert_use.py`.
///
/// A ``SectionFile``, the container of the model files, with the magic number "CRIBA\0EN".
/// Sections: `META` (sorted `key=value` lines), `SPMO` (the SentencePiece model, byte for
/// byte), `TABL` (the embedding table: a tensor header, then `rows × 512` bytes, row = piece
/// id, de-quantised as `q · scale[row % chunks] + offset[row % chunks]`) and one `TNSR` per
/// single-precision tensor. A tensor header is 32 bytes: the name in 24 NUL-padded ASCII
/// bytes, then `u32` rows and `u32` columns; the row-major values follow it.
enum EncoderFile {
    static let magic: [UInt8] = [0x43, 0x52, 0x49, 0x42, 0x41, 0x00, 0x45, 0x4E]
    static let version: UInt32 = 1

    static let kind = SectionFile.Kind(
        magic: magic, version: version, noun: "encoder", wrongMagic: "not a Criba sentence encoder file (wrong magic number)",
        mistakenFor: [(ModelFile.magic, "this is a Criba classifier model, not a sentence encoder file")],
        newer: { "the encoder file was written in a newer format (\($0); this build reads up to \(version)); upgrade Criba" })

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
        let file = try SectionFile.sections(of: raw, kind: kind, path: path)
        var metadataText: UnsafeRawBufferPointer?
        var sentencePiece: UnsafeRawBufferPointer?
        var table: Tensor?
        var tensors: [String: Tensor] = [:]
        for (tag, range) in file.sections {
            let offset = range.lowerBound - 16
            let body = UnsafeRawBufferPointer(rebasing: raw[range])
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
        }
        guard let metadataText else { throw fail("missing section META") }
        guard let sentencePiece else { throw fail("missing section SPMO (the SentencePiece model)") }
        guard let table else { throw fail("missing section TABL (the embedding table)") }
        var metadata: [String: String] = [:]
        for line in String(decoding: metadataText, as: UTF8.self).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { throw fail("malformed metadata line \"\(line)\"") }
            metadata[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return Contents(metadata: metadata, sentencePiece: sentencePiece, table: table, tensors: tensors, checksum: file.checksum)
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
