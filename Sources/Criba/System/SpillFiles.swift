import Foundation

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
