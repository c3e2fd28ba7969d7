import Foundation

/// A temporary file holding a copy of a stream, deleted from its directory as soon as it is
/// created (so no run, however it ends, leaves it behind).
enum Spool {
    /// Creates an unnamed temporary file in `$TMPDIR` (or `/tmp`) and returns its descriptor.
    ///
    /// - Throws: ``IOError`` naming `name` when no temporary file can be made.
    static func create(for name: String) throws -> FileDescriptor {
        var dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        if dir.isEmpty { dir = "/tmp" }
        do {
            let (fd, path) = try FileSystem.makeUniqueFile(template: dir + "/criba-input.XXXXXX")
            try? FileSystem.remove(path)
            return fd
        } catch {
            throw IOError(
                kind: .failed, path: name,
                message: "cannot make a temporary copy of this stream in \(dir) to read it again: \(error) (set TMPDIR, or give a regular file)")
        }
    }

    /// Writes `bytes` to the spool `fd`.
    ///
    /// - Throws: ``IOError`` naming `name` (for example when the disk is full).
    static func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, name: String) throws {
        do {
            try fd.writeAll(bytes)
        } catch {
            throw IOError(
                kind: .failed, path: name,
                message: "cannot copy this stream to a temporary file to read it again: \(error) (set TMPDIR to a directory with room, or give a regular file)")
        }
    }

    /// A new descriptor reading the spool `fd` from its start.
    ///
    /// - Throws: ``IOError`` naming `name`.
    static func reopen(_ fd: FileDescriptor, name: String) throws -> FileDescriptor {
        do {
            let copy = try fd.duplicate()
            do {
                try copy.seek(toOffset: 0)
            } catch {
                try? copy.close()
                throw error
            }
            return copy
        } catch {
            throw IOError(kind: .failed, path: name, message: "cannot read the temporary copy of this stream: \(error)")
        }
    }
}
