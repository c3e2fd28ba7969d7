/// Reading a model from a path (mapped, or streamed from a pipe) and writing one atomically.
extension ModelFile {
    /// Reads a model file: mapped when it is a regular file, else read as a stream (a pipe, a
    /// device), always from the one descriptor opened: a named pipe opened twice would wait
    /// forever for a second writer.
    static func read(path: String) throws -> Model {
        guard let status = FileSystem.status(path) else {
            throw IOError(kind: .missing, path: path, message: "no such model file")
        }
        if status.kind == .directory {
            throw IOError(kind: .notAFile, path: path, message: "is a directory, not a model file")
        }
        let fd = try open(path)
        defer { try? fd.close() }
        if let model = try decodeMapped(fd, path: path) { return model }
        return try decode(readStream(fd, path: path), path: path)
    }

    /// Opens the model file `path` for reading; an ``IOError`` (missing or failed) otherwise.
    static func open(_ path: String) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, .readOnly)
        } catch let e as Errno {
            throw IOError(kind: e == .noSuchFile ? .missing : .failed, path: path, message: "cannot open: \(e)")
        }
    }

    /// The largest model a header may declare when the model is read from a pipe or device.
    static let largestStreamedModel: UInt64 = 1 << 32

    /// Reads a model that cannot be mapped (a pipe, a device) from `fd`: the 24-byte header
    /// first, then only the length it declares (and one byte more, to notice trailing bytes),
    /// so an endless source such as `/dev/zero` is not read until memory runs out.
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

    /// Decodes a regular, non-empty model file open at `fd` through a read-only private
    /// mapping with its pages populated up front: the numeric sections are copied once, from
    /// the page cache straight into the model's arrays, instead of being read into a buffer
    /// first. `nil` when the file cannot be mapped (the caller reads it instead).
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

extension Model {
    /// Runs `body` holding an exclusive advisory lock (`flock`) on the model file at `path`,
    /// so that writers of one model file take turns: read the model inside `body`, update it
    /// and write it back, and no concurrent update through this function is lost. Waits while
    /// another process holds the lock. Readers need no lock (a model file is always replaced
    /// whole by a rename).
    ///
    /// When `path` names no regular file yet, there is nothing to lock and `body` runs at once.
    ///
    /// - Throws: ``IOError`` if the lock cannot be taken; whatever `body` throws.
    public static func withExclusiveLock<R>(onFile path: String, _ body: () throws -> R) throws -> R {
        try FileIO.withExclusiveLock(on: path, body)
    }
}
