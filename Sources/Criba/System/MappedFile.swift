/// A read-only view of a whole file: a private memory mapping, or (for a pipe or device) an
/// aligned copy read into memory. Unmapped or freed when released.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let region: MappedRegion?

    /// The largest file read when it cannot be mapped.
    static let largestStreamed = 1 << 30

    /// Maps or reads `path`.
    ///
    /// - Throws: ``IOError`` (`.missing` when there is no such file, `.notAFile` for a
    ///   directory, `.failed` otherwise).
    init(path: String) throws {
        guard let status = FileSystem.status(path) else {
            throw IOError(kind: .missing, path: path, message: "no such encoder file")
        }
        if status.kind == .directory {
            throw IOError(kind: .notAFile, path: path, message: "is a directory, not an encoder file")
        }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly)
        } catch {
            throw IOError(kind: .failed, path: path, message: "cannot open: \(error)")
        }
        defer { try? fd.close() }
        if let st = try? fd.status(), st.kind == .regular, st.size > 0, let region = fd.mapReadOnly(count: st.size) {
            bytes = region.bytes
            self.region = region
            return
        }
        // Not mappable: read it whole (bounded, so an endless device ends with an error).
        var capacity = 1 << 20
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        var count = 0
        while true {
            if count == capacity {
                guard capacity < Self.largestStreamed else {
                    buffer.deallocate()
                    throw ModelFileError(path: path, message: "larger than \(Self.largestStreamed >> 30) GiB; not an encoder file")
                }
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
                bigger.copyMemory(from: buffer, byteCount: count)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n: Int
            do {
                n = try fd.read(into: UnsafeMutableRawBufferPointer(start: buffer + count, count: capacity - count))
            } catch {
                buffer.deallocate()
                throw IOError(kind: .failed, path: path, message: "read error: \(error)")
            }
            if n == 0 { break }
            count += n
        }
        bytes = UnsafeRawBufferPointer(start: buffer, count: count)
        region = nil
    }

    deinit {
        if let region {
            region.unmap()
        } else if let base = bytes.baseAddress {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }
}
