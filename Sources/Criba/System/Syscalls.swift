#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The library's only door to the C library of the operating system: every file, memory-map,
// lock, signal, thread-local and dynamic-symbol call goes through the wrappers here, each
// naming the C function it calls. Calls interrupted by a signal (`EINTR`) are retried.

// Names for the C functions whose Swift wrappers reuse their names.
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func systemRename(_ a: String, _ b: String) -> Int32 { rename(a, b) }

/// An error number set by a failed system call.
struct Errno: Error, Equatable, CustomStringConvertible {
    /// The `errno` value.
    var rawValue: Int32

    /// The calling thread's `errno`.
    static var current: Errno { Errno(rawValue: errno) }

    /// The system's message for the number. The corresponding C function is `strerror`.
    var description: String { String(cString: strerror(rawValue)) }

    static let noSuchFile = Errno(rawValue: ENOENT)
    static let interrupted = Errno(rawValue: EINTR)
    static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
}

/// What `stat` tells about a file.
struct FileStatus: Equatable {
    /// The kind of file.
    enum Kind: Equatable {
        case regular, directory, symbolicLink, pipe, other
    }

    var kind: Kind
    /// Size in bytes (regular files).
    var size: Int
    /// Device and inode: equal for two names of one file.
    var device: UInt64
    var inode: UInt64
    /// Permission bits (`st_mode & 0o7777`).
    var permissions: UInt32
    /// Last modification, in seconds since 1970.
    var modified: Int
    /// Whether the file can be read again from the start: regular files, directories and
    /// block devices; not pipes, FIFOs, sockets or character devices (terminals, `/dev/zero`).
    var isSeekable: Bool

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .pipe
        default: kind = .other
        }
        size = Int(st.st_size)
        let format = st.st_mode & S_IFMT
        isSeekable = format == S_IFREG || format == S_IFDIR || format == S_IFBLK
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        permissions = UInt32(st.st_mode & 0o7777)
        #if os(Linux)
            modified = Int(st.st_mtim.tv_sec)
        #else
            modified = Int(st.st_mtimespec.tv_sec)
        #endif
    }

    /// Whether `other` is the same file (same device and inode).
    func isSameFile(as other: FileStatus) -> Bool { device == other.device && inode == other.inode }
}

/// An open file descriptor. Not closed automatically: call ``close()``.
struct FileDescriptor: Sendable {
    var rawValue: Int32

    static let standardInput = FileDescriptor(rawValue: 0)
    static let standardOutput = FileDescriptor(rawValue: 1)
    static let standardError = FileDescriptor(rawValue: 2)

    /// How a descriptor may be used.
    enum AccessMode: Equatable {
        case readOnly, writeOnly, readWrite
    }

    /// Opens `path` (close-on-exec). The corresponding C function is `open`.
    ///
    /// - Parameters:
    ///   - truncate: Empty an existing file (`O_TRUNC`).
    ///   - directory: Fail unless `path` is a directory (`O_DIRECTORY`).
    static func open(_ path: String, _ mode: AccessMode, truncate: Bool = false, directory: Bool = false) throws -> FileDescriptor {
        var flags: Int32
        switch mode {
        case .readOnly: flags = O_RDONLY
        case .writeOnly: flags = O_WRONLY
        case .readWrite: flags = O_RDWR
        }
        flags |= O_CLOEXEC
        if truncate { flags |= O_TRUNC }
        if directory { flags |= O_DIRECTORY }
        while true {
            let fd = systemOpen(path, flags)
            if fd >= 0 { return FileDescriptor(rawValue: fd) }
            if errno != EINTR { throw Errno.current }
        }
    }

    /// Closes the descriptor. The corresponding C function is `close`.
    func close() throws {
        if systemClose(rawValue) != 0 { throw Errno.current }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file. The corresponding C
    /// function is `read`.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = systemRead(rawValue, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw Errno.current }
        }
    }

    /// Appends to `out` until `count` bytes were added or the file ended.
    func read(upTo count: Int, appendingTo out: inout [UInt8]) throws {
        var left = count
        var chunk = [UInt8](repeating: 0, count: min(max(count, 1), 1 << 20))
        while left > 0 {
            let want = min(left, chunk.count)
            let n = try chunk.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
            if n == 0 { return }
            out.append(contentsOf: chunk[0..<n])
            left -= n
        }
    }

    /// Writes every byte. The corresponding C function is `write`.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < bytes.count {
            let n = systemWrite(rawValue, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw Errno.current
            }
            written += n
        }
    }

    /// A second descriptor for the same open file (sharing its offset), close-on-exec. The
    /// corresponding C function is `fcntl` (`F_DUPFD_CLOEXEC`).
    func duplicate() throws -> FileDescriptor {
        let fd = fcntl(rawValue, F_DUPFD_CLOEXEC, 0)
        if fd < 0 { throw Errno.current }
        return FileDescriptor(rawValue: fd)
    }

    /// Moves the file offset to `offset` bytes from the start. The corresponding C function is
    /// `lseek`.
    func seek(toOffset offset: Int) throws {
        if lseek(rawValue, off_t(offset), SEEK_SET) < 0 { throw Errno.current }
    }

    /// Flushes the file's data and metadata to the device. The corresponding C function is
    /// `fsync`.
    func sync() throws {
        if fsync(rawValue) != 0 { throw Errno.current }
    }

    /// The file's status. The corresponding C function is `fstat`.
    func status() throws -> FileStatus {
        var st = stat()
        if fstat(rawValue, &st) != 0 { throw Errno.current }
        return FileStatus(st)
    }

    /// How the descriptor was opened, or `nil` when it is not open. The corresponding C
    /// function is `fcntl` (`F_GETFL`).
    func accessMode() -> AccessMode? {
        let flags = fcntl(rawValue, F_GETFL)
        guard flags >= 0 else { return nil }
        switch flags & O_ACCMODE {
        case O_WRONLY: return .writeOnly
        case O_RDWR: return .readWrite
        default: return .readOnly
        }
    }

    /// Takes an advisory lock on the open file, waiting for other holders unless
    /// `wait` is false (then `false` when another process holds it). Released by ``unlock()``
    /// or when every descriptor of this open file is closed. The corresponding C function is
    /// `flock`.
    @discardableResult
    func lock(exclusive: Bool = true, wait: Bool = true) throws -> Bool {
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
        while true {
            if flock(rawValue, operation) == 0 { return true }
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw Errno.current
        }
    }

    /// Releases an advisory lock. The corresponding C function is `flock` (`LOCK_UN`).
    func unlock() {
        _ = flock(rawValue, LOCK_UN)
    }

    /// Whether the descriptor is a terminal. The corresponding C function is `isatty`.
    var isTerminal: Bool { isatty(rawValue) == 1 }

    /// A read-only private mapping of the first `count` bytes of the file, with its pages
    /// read in up front where the system can (`MAP_POPULATE` on Linux); `nil` when the file
    /// cannot be mapped. The corresponding C function is `mmap`.
    func mapReadOnly(count: Int) -> MappedRegion? {
        #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
        #else
            let flags = MAP_PRIVATE
        #endif
        guard count > 0, let base = mmap(nil, count, PROT_READ, flags, rawValue, 0), base != MAP_FAILED else { return nil }
        return MappedRegion(base: UnsafeRawPointer(base), count: count)
    }
}

/// Memory mapped by ``FileDescriptor/mapReadOnly(count:)``; call ``unmap()`` when done.
struct MappedRegion {
    let base: UnsafeRawPointer
    let count: Int

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Removes the mapping. The corresponding C function is `munmap`.
    func unmap() {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }
}

/// Calls on paths.
enum FileSystem {
    /// The status of the file `path` names, following symbolic links; `nil` when there is
    /// none. The corresponding C function is `stat`.
    static func status(_ path: String) -> FileStatus? {
        var st = stat()
        return stat(path, &st) == 0 ? FileStatus(st) : nil
    }

    /// The status of `path` itself (a symbolic link is not followed). The corresponding C
    /// function is `lstat`.
    static func linkStatus(_ path: String) -> FileStatus? {
        var st = stat()
        return lstat(path, &st) == 0 ? FileStatus(st) : nil
    }

    /// What the symbolic link `path` points to, as written in the link. The corresponding C
    /// function is `readlink`.
    static func destination(ofLink path: String) -> String? {
        var link = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &link, link.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: link[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Renames `source` to `destination`, replacing it atomically. The corresponding C
    /// function is `rename`.
    static func rename(_ source: String, to destination: String) throws {
        if systemRename(source, destination) != 0 { throw Errno.current }
    }

    /// Removes the name `path`. The corresponding C function is `unlink`.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 { throw Errno.current }
    }

    /// Sets the permission bits of `path`. The corresponding C function is `chmod`.
    static func setPermissions(_ path: String, _ permissions: UInt32) throws {
        if chmod(path, mode_t(permissions)) != 0 { throw Errno.current }
    }

    /// Creates a new file from `template`, whose last six characters are `XXXXXX`, open for
    /// reading and writing with mode 0600; returns it and its name. The corresponding C
    /// function is `mkstemp`.
    static func makeUniqueFile(template: String) throws -> (FileDescriptor, String) {
        var name = Array(template.utf8CString)
        let fd = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw Errno.current }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let path = String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (FileDescriptor(rawValue: fd), path)
    }

    /// The names in directory `path` (without `.` and `..`); `nil` when it cannot be read.
    /// The corresponding C functions are `opendir`, `readdir` and `closedir`.
    static func entries(ofDirectory path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// Copies `count` bytes from `source` to `destination`; the regions may overlap. The
/// corresponding C function is `memmove`.
@inline(__always)
func moveBytes(to destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int) {
    _ = memmove(destination, source, count)
}

/// The running process.
enum CurrentProcess {
    /// The process id. The corresponding C function is `getpid`.
    static var id: Int32 { getpid() }
    /// The physical memory of the machine, in bytes (0 when unknown). The corresponding C
    /// function is `sysconf`.
    static var physicalMemory: UInt64 {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? UInt64(pages).multipliedReportingOverflow(by: UInt64(size)).partialValue : 0
    }
}

/// Asks the kernel for transparent huge pages for the 2 MiB-aligned part of a large buffer
/// not yet written (a model's weight matrix): scoring reads its rows at random, and 2 MiB pages
/// spare it TLB misses. Only advice; no effect on results, nothing elsewhere than on Linux.
/// The corresponding C function is `madvise`.
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

/// A function of a shared library loaded in the process, by name; `nil` when none is. The
/// corresponding C function is `dlsym`.
func loadedSymbol(named name: String) -> UnsafeMutableRawPointer? {
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
}

/// A per-thread slot holding a retained object, released when its thread exits. The
/// corresponding C functions are `pthread_key_create`, `pthread_getspecific` and
/// `pthread_setspecific`.
final class ThreadLocalSlot<Value: AnyObject>: @unchecked Sendable {
    private var key = pthread_key_t()

    init() {
        pthread_key_create(&key) { pointer in
            #if canImport(Glibc)
                if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
            #else
                Unmanaged<AnyObject>.fromOpaque(pointer).release()
            #endif
        }
    }

    /// This thread's value.
    var value: Value? {
        get {
            guard let p = pthread_getspecific(key) else { return nil }
            return Unmanaged<Value>.fromOpaque(p).takeUnretainedValue()
        }
        set {
            if let old = pthread_getspecific(key) { Unmanaged<AnyObject>.fromOpaque(old).release() }
            pthread_setspecific(key, newValue.map { Unmanaged<Value>.passRetained($0).toOpaque() })
        }
    }
}

/// Temporary files that a SIGINT, SIGTERM or SIGHUP must not leave behind: the handler
/// removes every registered path, then lets the signal end the process as it would have.
/// The handler is installed only for signals whose disposition is the default one (a host
/// program's own handler, or an ignored signal, stays as it is). The corresponding C
/// functions are `signal`, `unlink` and `raise`.
enum TemporaryFileCleanup {
    static let capacity = 64
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    private static let lock = ThreadLock()
    nonisolated(unsafe) private static var installed = false

    /// Creates a new file from `template` (ending in `XXXXXX`, as for
    /// ``FileSystem/makeUniqueFile(template:)``) already registered: the handlers are installed
    /// and the name's buffer is in its slot before `mkstemp` writes the name into it, so there is
    /// no moment when the file exists and a signal, on any thread, would leave it behind.
    /// Returns the file, its name and the token for ``unregister(_:)``.
    static func makeRegisteredFile(template: String) throws -> (FileDescriptor, String, Int?) {
        let buffer = strdup(template)!
        guard let token = register(buffer: buffer) else {
            free(buffer)
            let (fd, name) = try FileSystem.makeUniqueFile(template: template)
            return (fd, name, nil)
        }
        let fd = mkstemp(buffer)
        if fd < 0 {
            let e = Errno.current
            unregister(token)
            throw e
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (FileDescriptor(rawValue: fd), String(cString: buffer), token)
    }

    /// Registers `path`; returns the token for ``unregister(_:)`` (`nil` when every slot is
    /// taken: the file is then only removed by the caller, or by the next write).
    static func register(_ path: String) -> Int? {
        let buffer = strdup(path)!
        let token = register(buffer: buffer)
        if token == nil { free(buffer) }
        return token
    }

    /// Puts `buffer` (owned from now on, freed by ``unregister(_:)``) in a free slot.
    private static func register(buffer: UnsafeMutablePointer<CChar>) -> Int? {
        lock.withLock {
            if !installed {
                installed = true
                let handler: @convention(c) (Int32) -> Void = { number in
                    for k in 0..<TemporaryFileCleanup.capacity {
                        if let p = TemporaryFileCleanup.slots[k] { unlink(p) }
                    }
                    _ = signal(number, SIG_DFL)
                    _ = raise(number)
                }
                for number in [SIGINT, SIGTERM, SIGHUP] {
                    let old = signal(number, handler)
                    if old != nil { _ = signal(number, old) }
                }
            }
            for k in 0..<capacity where slots[k] == nil {
                slots[k] = buffer
                return k
            }
            return nil
        }
    }

    /// Forgets a registered path (after it was renamed or removed).
    static func unregister(_ token: Int?) {
        guard let token else { return }
        lock.withLock {
            let p = slots[token]
            slots[token] = nil
            free(p)
        }
    }
}

/// A mutual-exclusion lock. The corresponding C functions are `pthread_mutex_lock` and
/// `pthread_mutex_unlock`.
final class ThreadLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
