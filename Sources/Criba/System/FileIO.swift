#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads and atomic writes.
enum FileIO {
    /// The whole file at `path`; an `IOError` once it passes `limit` bytes (a device such as
    /// `/dev/zero` never ends).
    static func readAll(path: String, limit: Int = 1 << 26) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            let e = errno
            throw IOError(kind: e == ENOENT ? .missing : .failed, path: path, message: "cannot open: \(String(cString: strerror(e)))")
        }
        defer { fclose(f) }
        // One read into an array of the file's size; a file that grows meanwhile is read on
        // in chunks, and one that shrinks ends where the read does.
        var st = stat()
        let expected = fstat(fileno(f), &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
        let tooLarge = IOError(kind: .failed, path: path, message: "larger than \(limit >> 20) MiB; not a file this option reads")
        if expected > limit { throw tooLarge }
        var out = [UInt8](unsafeUninitializedCapacity: expected) { buffer, n in
            n = expected > 0 ? fread(buffer.baseAddress, 1, expected, f) : 0
        }
        if ferror(f) != 0 {
            throw IOError(kind: .failed, path: path, message: "read error: \(String(cString: strerror(errno)))")
        }
        if out.count < expected { return out }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if out.count > limit { throw tooLarge }
            if n < chunk.count {
                if ferror(f) != 0 {
                    throw IOError(kind: .failed, path: path, message: "read error: \(String(cString: strerror(errno)))")
                }
                break
            }
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
                return try writeAll(bytes, to: fd, path: path, closing: false)
            }
            var st = stat()
            if stat(target, &st) == 0 {
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    throw IOError(kind: .failed, path: path, message: "is a directory; give a file path for the output")
                case S_IFREG:
                    break
                default:
                    return try writeDirectly(bytes, to: path)
                }
            }
            var lst = stat()
            guard lstat(target, &lst) == 0 && (lst.st_mode & S_IFMT) == S_IFLNK else { break }
            var link = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(target, &link, link.count - 1)
            guard n > 0 else { break }
            hops += 1
            if hops > 40 {
                throw IOError(kind: .failed, path: path, message: "too many levels of symbolic links")
            }
            let dest = String(decoding: link[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
    static func openDescriptor(named path: String, shownAs shownPath: String) throws -> Int32? {
        let number: Substring
        switch path {
        case "/dev/stdout": number = "1"
        case "/dev/stderr": number = "2"
        default:
            let prefixes = ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/", "/proc/\(getpid())/fd/"]
            guard let prefix = prefixes.first(where: path.hasPrefix) else { return nil }
            number = path.dropFirst(prefix.count)
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let fd = Int32(number) else { return nil }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else {
            throw IOError(kind: .failed, path: shownPath, message: "descriptor \(fd) is not open")
        }
        guard flags & O_ACCMODE == O_WRONLY || flags & O_ACCMODE == O_RDWR else {
            throw IOError(kind: .failed, path: shownPath, message: "descriptor \(fd) is not open for writing")
        }
        return fd
    }

    /// Writes `bytes` into an existing file that is not a regular one (no rename possible).
    private static func writeDirectly(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_TRUNC)
        if fd < 0 {
            throw IOError(kind: .failed, path: path, message: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        try writeAll(bytes, to: fd, path: path)
        if close(fd) != 0 {
            throw IOError(kind: .failed, path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String, closing: Bool = true) throws {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                if closing { close(fd) }
                throw IOError(kind: .failed, path: path, message: "write failed: \(message)")
            }
            written += n
        }
    }

    /// The temporary file, sync and rename of ``writeAtomically(_:to:)`` for the regular file
    /// (or new name) `path`; errors name `shownPath`, the path the caller gave.
    private static func replace(_ path: String, with bytes: [UInt8], reportingAs shownPath: String) throws {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw IOError(kind: .failed, path: shownPath, message: "cannot create a file in \(dir): \(String(cString: strerror(errno)))")
        }
        let tmp = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        try writeAll(bytes, to: fd, path: shownPath)
        if fsync(fd) != 0 || close(fd) != 0 {
            throw IOError(kind: .failed, path: shownPath, message: "write failed: \(String(cString: strerror(errno)))")
        }
        // A replaced file keeps its permissions (a private model stays private); a new one is 644.
        var old = stat()
        chmod(tmp, stat(path, &old) == 0 ? old.st_mode & 0o7777 : 0o644)
        if rename(tmp, path) != 0 {
            throw IOError(kind: .failed, path: shownPath, message: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
        ok = true
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over `path`. A failure leaves any previous file intact.
///
/// - Throws: ``IOError``.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    try FileIO.writeAtomically(bytes, to: path)
}

/// Asks the kernel for transparent huge pages for the 2 MiB-aligned part of a large buffer
/// not yet written (a model's weight matrix): scoring reads its rows at random, and 2 MiB pages
/// spare it TLB misses. Only advice; no effect on results, nothing elsewhere than on Linux.
func adviseHugePages(_ start: UnsafeMutableRawPointer, byteCount: Int) {
    #if os(Linux)
        let huge = 1 << 21
        guard byteCount >= 2 * huge else { return }
        let first = (Int(bitPattern: start) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: start) + byteCount) & ~(huge - 1)
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, end - first, MADV_HUGEPAGE)
    #endif
}
