import Foundation

/// What a model file says about itself beyond the model: its format version, size and checksum,
/// and every metadata entry as written.
public struct ModelFileSummary: Sendable, Equatable {
    /// The file's format version.
    public var formatVersion: UInt32
    /// The file's size in bytes.
    public var byteCount: Int
    /// The checksum stored at the end of the file (checked when the model was read).
    public var checksum: UInt64
}

extension Model {
    /// Every entry of the model's metadata section as the file stores it (`algorithm`,
    /// `temperature`, `tokenizer.…`, `features.…`, `info.…`), sorted by key.
    public var metadataEntries: [(key: String, value: String)] {
        let text = ModelFile.metadataText(of: self)
        let entries = (try? ModelFile.metadataEntries(text)) ?? [:]
        return entries.keys.sorted().map { ($0, entries[$0]!) }
    }

    /// Training examples per label, in ``labels`` order: a naive Bayes model's counts, or the
    /// counts other models record (``TrainingFacts/labelCounts``); nil when the model records
    /// none (models written before it did) or not one per label.
    public var labelExampleCounts: [Double]? {
        if let counts { return counts.classCounts.map { Double($0) } }
        guard let n = facts.training.labelCounts, n.count == labels.count else { return nil }
        return n.map { Double($0) }
    }

    /// The format version, size and checksum of the model file at `path`, a regular file
    /// holding a valid model (read it with ``init(contentsOfFile:)`` first); nil for a pipe or
    /// device, which cannot be read a second time.
    public static func fileSummary(ofFile path: String) throws -> ModelFileSummary? {
        guard FileSystem.status(path)?.kind == .regular else { return nil }
        let fd = try ModelFile.open(path)
        defer { try? fd.close() }
        return try fileSummary(ofBytes: ModelFile.readStream(fd, path: path), path: path)
    }

    /// The summary of this model as this build writes it.
    public var serializedSummary: ModelFileSummary {
        // A model always serialises to bytes that read back.
        try! Model.fileSummary(ofBytes: serialized(), path: "<model>")
    }

    static func fileSummary(ofBytes bytes: [UInt8], path: String) throws -> ModelFileSummary {
        guard bytes.count >= 32, Array(bytes.prefix(8)) == ModelFile.magic else {
            throw ModelFileError(path: path, message: "not a Criba model file")
        }
        func word<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        return ModelFileSummary(formatVersion: word(8, UInt32.self), byteCount: bytes.count, checksum: word(bytes.count - 8, UInt64.self))
    }
}
