import Foundation

extension StreamedVectors {
    /// SGD epochs in a uniformly random order with bounded memory: each epoch reads the file
    /// once, dealing every message (label and text) to one of `files` temporary files chosen
    /// by a generator seeded with `seed`, then reads the files back one at a time, shuffles
    /// each file's messages with the same generator, and steps through them. Random files
    /// followed by a random order within each give every order of the messages the same
    /// chance, as in memory; memory holds one file's vectors.
    ///
    /// The files are unlinked as soon as they are open, so nothing is left behind, even if
    /// the process is killed.
    ///
    /// - Throws: ``IOError`` when a temporary file cannot be written or read, or what reading
    ///   the CSV file throws.
    func runSpilled(_ state: inout SGDState, files: Int, epochs: Int, seed: UInt64, progress: (Int) -> Void) throws {
        var rng = SplitMix64(seed: seed)
        let spill = try SpillFiles(count: files)
        let ws = FeatureWorkspace()
        var v = SparseVector()
        var block = FeatureMatrix()
        var order: [Int] = []
        for epoch in 0..<epochs {
            try stream.csv.forEach { text, label, _ in
                try spill.append(text: text, label: stream.index[label]!, to: Int(rng.next() % UInt64(files)))
            }
            for f in 0..<files {
                let data = try spill.takeAll(f)
                block = FeatureMatrix()
                data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                    var at = 0
                    while at + 8 <= raw.count {
                        let label = raw.loadUnaligned(fromByteOffset: at, as: Int32.self)
                        let length = Int(raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
                        let text = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[(at + 8)..<(at + 8 + length)])
                        stream.extractor.extract(bytes: text, into: ws)
                        space.vectorize(ws, into: &v)
                        block.append(v, label: label)
                        at += 8 + length
                    }
                }
                order = Array(0..<block.rows)
                rng.shuffle(&order)
                block.columns.withUnsafeBufferPointer { cols in
                    block.values.withUnsafeBufferPointer { vals in
                        for i in order {
                            let r = block.offsets[i]..<block.offsets[i + 1]
                            state.step(
                                columns: UnsafeBufferPointer(rebasing: cols[r]), values: UnsafeBufferPointer(rebasing: vals[r]),
                                label: Int(block.labels[i]))
                        }
                    }
                }
            }
            progress(epoch + 1)
        }
    }
}

/// Temporary files that messages are dealt into, written through a buffer each and read back
/// whole. They are unlinked once open.
final class SpillFiles {
    private var handles: [FileHandle] = []
    private var buffers: [Data] = []
    private static let bufferLimit = 1 << 20

    init(count: Int) throws {
        let directory = FileManager.default.temporaryDirectory.path
        for _ in 0..<count {
            let path = directory + "/criba-shuffle-\(UUID().uuidString)"
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let handle = FileHandle(forUpdatingAtPath: path)
            else {
                throw IOError(
                    kind: .failed, path: path,
                    message: "cannot create a temporary file for streamed training (set TMPDIR to a writable directory)")
            }
            try? FileManager.default.removeItem(atPath: path)
            handles.append(handle)
            buffers.append(Data())
        }
    }

    deinit {
        for h in handles { try? h.close() }
    }

    /// Appends one message (label index, text length, UTF-8 text) to file `f`.
    func append(text: String, label: Int32, to f: Int) throws {
        var label = label.littleEndian
        var text = text
        text.withUTF8 { bytes in
            var length = UInt32(bytes.count).littleEndian
            withUnsafeBytes(of: &label) { buffers[f].append(contentsOf: $0) }
            withUnsafeBytes(of: &length) { buffers[f].append(contentsOf: $0) }
            buffers[f].append(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: bytes.count)
        }
        if buffers[f].count >= Self.bufferLimit { try flush(f) }
    }

    private func flush(_ f: Int) throws {
        do {
            try handles[f].write(contentsOf: buffers[f])
        } catch {
            throw IOError(
                kind: .failed, path: FileManager.default.temporaryDirectory.path,
                message: "cannot write a temporary file for streamed training: \(error.localizedDescription)")
        }
        buffers[f].removeAll(keepingCapacity: true)
    }

    /// Everything written to file `f` since it was last taken; the file is emptied.
    func takeAll(_ f: Int) throws -> Data {
        try flush(f)
        do {
            try handles[f].seek(toOffset: 0)
            let data = try handles[f].readToEnd() ?? Data()
            try handles[f].truncate(atOffset: 0)
            return data
        } catch {
            throw IOError(
                kind: .failed, path: FileManager.default.temporaryDirectory.path,
                message: "cannot read a temporary file for streamed training: \(error.localizedDescription)")
        }
    }
}
