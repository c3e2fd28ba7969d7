/// Whole-file reads and atomic writes.
enum FileIO {
    /// The whole file at `path`; an `IOError` once it passes `limit` bytes (a device such as
    /// `/dev/zero` never ends).
    static func readAll(path: String, limit: Int = 1 << 26) throws -> [UInt8] {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly)
        } catch let e as Errno {
            throw IOError(kind: e == .noSuchFile ? .missing : .failed, path: path, message: "cannot open: \(e)")
        }
        defer { try? fd.close() }
        // One read into an array of the file's size; a file that grows meanwhile is read on
        // in chunks, and one that shrinks ends where the read does.
        let status = try? fd.status()
        let expected = status?.kind == .regular ? status!.size : 0
        let tooLarge = IOError(kind: .failed, path: path, message: "larger than \(limit >> 20) MiB; not a file this option reads")
        if expected > limit { throw tooLarge }
        var out: [UInt8] = []
        do {
            out.reserveCapacity(expected)
            try fd.read(upTo: expected, appendingTo: &out)
            if out.count < expected { return out }
            while true {
                let before = out.count
                try fd.read(upTo: 1 << 16, appendingTo: &out)
                if out.count > limit { throw tooLarge }
                if out.count - before < 1 << 16 { break }
            }
        } catch let e as Errno {
            throw IOError(kind: .failed, path: path, message: "read error: \(e)")
        }
        return out
    }

    /// Writes `bytes` to a temporary file next to `path`, syncs it, then renames it over
    /// `path`, so readers see the old file or the new one, never a partial one.
    ///
    /// A symbolic link is written through: the file it points to is replaced, the link
    /// stays. A path that is not a regular file (a pipe, `/dev/stdout`, a terminal, another
    /// device) cannot be replaced by a rename, so it is written directly.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        var target = path
        var hops = 0
        while true {
            if let fd = try openDescriptor(named: target, shownAs: path) {
                // `-o /dev/stdout >> log`: write where the shell's redirection points, as
                // `cat` would; following the link and renaming would replace `log`.
                return try writeAll(bytes, to: fd, path: path)
            }
            if let status = FileSystem.status(target) {
                switch status.kind {
                case .directory:
                    throw IOError(kind: .failed, path: path, message: "is a directory; give a file path for the output")
                case .regular:
                    break
                default:
                    return try writeDirectly(bytes, to: path)
                }
            }
            guard FileSystem.linkStatus(target)?.kind == .symbolicLink, let dest = FileSystem.destination(ofLink: target) else { break }
            hops += 1
            if hops > 40 {
                throw IOError(kind: .failed, path: path, message: "too many levels of symbolic links")
            }
            if dest.hasPrefix("/") {
                target = dest
            } else {
                let slash = target.lastIndex(of: "/")
                target = slash.map { String(target[...$0]) + dest } ?? dest
            }
        }
        try replace(target, with: bytes, reportingAs: path)
    }

    /// The descriptor a path such as `/dev/stdout`, `/dev/fd/3` or `/proc/self/fd/3` names
    /// (`nil` for any other path). A descriptor that is closed or open only for reading is an
    /// error naming `shownPath`: writing there would fail, or reach a file this process opened
    /// for input under a number the caller had closed.
    static func openDescriptor(named path: String, shownAs shownPath: String) throws -> FileDescriptor? {
        guard let fd = descriptorNumber(named: path) else { return nil }
        guard let mode = fd.accessMode() else {
            throw IOError(kind: .failed, path: shownPath, message: "descriptor \(fd.rawValue) is not open")
        }
        guard mode != .readOnly else {
            throw IOError(kind: .failed, path: shownPath, message: "descriptor \(fd.rawValue) is not open for writing")
        }
        return fd
    }

    /// The descriptor a path such as `/dev/stdout`, `/dev/fd/3` or `/proc/self/fd/3` names,
    /// or `nil` for any other path.
    static func descriptorNumber(named path: String) -> FileDescriptor? {
        let number: Substring
        switch path {
        case "/dev/stdout": number = "1"
        case "/dev/stderr": number = "2"
        default:
            let prefixes = ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/", "/proc/\(CurrentProcess.id)/fd/"]
            guard let prefix = prefixes.first(where: path.hasPrefix) else { return nil }
            number = path.dropFirst(prefix.count)
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let fd = Int32(number) else { return nil }
        return FileDescriptor(rawValue: fd)
    }

    /// Writes `bytes` into an existing file that is not a regular one (no rename possible).
    private static func writeDirectly(_ bytes: [UInt8], to path: String) throws {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .writeOnly, truncate: true)
        } catch let e as Errno {
            throw IOError(kind: .failed, path: path, message: "cannot open for writing: \(e)")
        }
        try writeAll(bytes, to: fd, path: path)
        do {
            try fd.close()
        } catch let e as Errno {
            throw IOError(kind: .failed, path: path, message: "write failed: \(e)")
        }
    }

    /// Writes every byte of `bytes` to `fd`, which it closes if the write fails.
    private static func writeAll(_ bytes: [UInt8], to fd: FileDescriptor, path: String) throws {
        do {
            try bytes.withUnsafeBytes { try fd.writeAll($0) }
        } catch {
            try? fd.close()
            if let e = error as? Errno { throw IOError(kind: .failed, path: path, message: "write failed: \(e)") }
            throw error
        }
    }

    /// The temporary file, sync and rename of ``writeAtomically(_:to:)`` for the regular file
    /// (or new name) `path`; errors name `shownPath`, the path the caller gave.
    ///
    /// The temporary file `.NAME.tmp.XXXXXX` is locked (`flock`) while it is written and removed
    /// if SIGINT, SIGTERM or SIGHUP arrives; one left by a process killed outright (`kill -9`,
    /// a power loss) is unlocked, and the next write of `path` removes it. After the rename the
    /// folder is synced too, so the new name survives a power loss.
    private static func replace(_ path: String, with bytes: [UInt8], reportingAs shownPath: String) throws {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let folder = dir.isEmpty ? "/" : dir
        removeStaleTemporaryFiles(in: folder, of: base)
        // Registered before it exists (see makeRegisteredFile), so a signal never leaves it.
        let (fd, tmp, cleanup): (FileDescriptor, String, Int?)
        do {
            (fd, tmp, cleanup) = try TemporaryFileCleanup.makeRegisteredFile(template: "\(folder)/\(temporaryPrefix(of: base))XXXXXX")
        } catch let e as Errno {
            throw IOError(kind: .failed, path: shownPath, message: "cannot create a file in \(dir): \(e)")
        }
        _ = try? fd.lock(wait: false)
        var ok = false
        defer {
            if !ok { try? FileSystem.remove(tmp) }
            TemporaryFileCleanup.unregister(cleanup)
        }
        try writeAll(bytes, to: fd, path: shownPath)
        do {
            try fd.sync()
            try fd.close()
        } catch let e as Errno {
            throw IOError(kind: .failed, path: shownPath, message: "write failed: \(e)")
        }
        // A replaced file keeps its permissions (a private model stays private); a new one is 644.
        try? FileSystem.setPermissions(tmp, FileSystem.status(path)?.permissions ?? 0o644)
        do {
            try FileSystem.rename(tmp, to: path)
        } catch let e as Errno {
            throw IOError(kind: .failed, path: shownPath, message: "cannot rename into place: \(e)")
        }
        ok = true
        if let directory = try? FileDescriptor.open(folder, .readOnly, directory: true) {
            try? directory.sync()
            try? directory.close()
        }
    }

    /// The name of a temporary file for `base`, without its six random characters.
    static func temporaryPrefix(of base: String) -> String { ".\(base).tmp." }

    /// Removes the temporary files of earlier writes of `base` in `folder` that no process
    /// holds locked any more (their writer was killed before it could remove them). A file
    /// still locked belongs to a write in progress and stays.
    static func removeStaleTemporaryFiles(in folder: String, of base: String) {
        let prefix = temporaryPrefix(of: base)
        guard let names = FileSystem.entries(ofDirectory: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.utf8.count == prefix.utf8.count + 6 {
            let path = "\(folder)/\(name)"
            guard FileSystem.linkStatus(path)?.kind == .regular, let fd = try? FileDescriptor.open(path, .readOnly) else { continue }
            defer { try? fd.close() }
            guard (try? fd.lock(wait: false)) == true else { continue }
            // Still the file just locked (not one created since under the same name).
            if let now = FileSystem.linkStatus(path), let locked = try? fd.status(), now.isSameFile(as: locked) {
                try? FileSystem.remove(path)
            }
        }
    }

    /// Runs `body` holding an exclusive advisory lock (`flock`) on the regular file at `path`,
    /// waiting while another process holds it. A file replaced by a rename while this process
    /// waited is locked again under its new identity. When `path` names no regular file, there
    /// is nothing to lock and `body` runs at once.
    static func withExclusiveLock<R>(on path: String, _ body: () throws -> R) throws -> R {
        while true {
            guard FileSystem.status(path)?.kind == .regular, let fd = try? FileDescriptor.open(path, .readOnly) else {
                return try body()
            }
            defer { try? fd.close() }
            do {
                try fd.lock()
            } catch let e as Errno {
                throw IOError(kind: .failed, path: path, message: "cannot lock: \(e)")
            }
            if let now = FileSystem.status(path), let locked = try? fd.status(), now.isSameFile(as: locked) {
                defer { fd.unlock() }
                return try body()
            }
            fd.unlock()
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over `path`. A failure leaves any previous file intact.
///
/// - Throws: ``IOError``.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    try FileIO.writeAtomically(bytes, to: path)
}
