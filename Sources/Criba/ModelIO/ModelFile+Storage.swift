/// Reading a model from a path (mapped, or streamed from a pipe) and writing one atomically.
extension ModelFile {
    /// Reads a model file.
    static func read(path: String) throws -> Model {
        guard let status = FileSystem.status(path) else {
            throw IOError(kind: .missing, path: path, message: "no such model file")
        }
        if status.kind == .directory {
            throw IOError(kind: .notAFile, path: path, message: "is a directory, not a model file")
        }
        if let model = try decodeMapped(path: path) { return model }
        let data = try readStream(path: path)
        return try decode(data, path: path)
    }

    /// The largest model a header may declare when the model is read from a pipe or device.
    static let largestStreamedModel: UInt64 = 1 << 32

    /// Reads a model that cannot be mapped (a pipe, a device): the 24-byte header first, then
    /// only the length it declares (and one byte more, to notice trailing bytes), so an endless
    /// source such as `/dev/zero` is not read until memory runs out.
    static func readStream(path: String) throws -> [UInt8] {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly)
        } catch let e as Errno {
            throw IOError(kind: e == .noSuchFile ? .missing : .failed, path: path, message: "cannot open: \(e)")
        }
        defer { try? fd.close() }
        return try readStream(fd, path: path)
    }

    /// ``readStream(path:)`` from an open descriptor.
    static func readStream(_ fd: FileDescriptor, path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        func read(_ count: Int) throws {
            do {
                try fd.read(upTo: count, appendingTo: &out)
            } catch let e as Errno {
                throw IOError(kind: .failed, path: path, message: "read error: \(e)")
            }
        }
        try read(24)
        guard out.count == 24, out.prefix(8).elementsEqual(magic) else { return out }
        let length = out.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) }
        guard length <= largestStreamedModel else {
            throw ModelFileError(
                path: path, message: "the model file's header declares \(length) bytes, more than the \(largestStreamedModel >> 30) GiB a model may have")
        }
        try read(Int(length) + 8)
        if out.count == 32 + Int(length) {
            var extra: [UInt8] = []
            try? fd.read(upTo: 1, appendingTo: &extra)
            if !extra.isEmpty {
                throw ModelFileError(path: path, message: "the model file has unexpected bytes after its end")
            }
        }
        return out
    }

    /// Decodes a regular, non-empty model file through a read-only private mapping with its
    /// pages populated up front: the numeric sections are copied once, from the page cache
    /// straight into the model's arrays, instead of being read into a buffer first. `nil`
    /// when the file cannot be mapped (the caller reads it instead).
    static func decodeMapped(path: String) throws -> Model? {
        guard let fd = try? FileDescriptor.open(path, .readOnly) else { return nil }
        defer { try? fd.close() }
        return try decodeMapped(fd, path: path)
    }

    /// ``decodeMapped(path:)`` from an open descriptor.
    static func decodeMapped(_ fd: FileDescriptor, path: String) throws -> Model? {
        guard let status = try? fd.status(), status.kind == .regular, status.size > 0,
            let region = fd.mapReadOnly(count: status.size)
        else { return nil }
        defer { region.unmap() }
        return try decode(raw: region.bytes, path: path)
    }

    /// Writes a model file atomically (temporary file in the same folder, then rename).
    static func write(_ model: Model, to path: String) throws {
        // A label the file cannot hold (one per line) would make a model that cannot be read back.
        if let problem = model.labels.lazy.compactMap(Model.labelProblem).first {
            throw DataError(file: path, line: 0, message: "cannot write the model: \(problem)")
        }
        // Diverged training (a huge learning rate, a tiny C) must not leave a model that answers
        // nothing: refuse non-finite numbers, and numbers so large that summing a message's
        // scores could overflow (`abs(x) <= limit` is false for NaN too).
        if !(model.temperature.isFinite && model.temperature > 0 && (1 / model.temperature).isFinite)
            || !Model.storable(model.bias) || !Model.storable(model.weights) || !Model.storable(model.space.idf)
        {
            throw TrainingError(
                message:
                    "cannot write the model to \(path): its weights are not finite numbers or exceed 1e20 (training diverged; lower \(SettingRole.learningRate.mention) or raise \(SettingRole.regularization.mention))",
                settings: [.learningRate, .regularization])
        }
        try FileIO.writeAtomically(encode(model), to: path)
    }
}
