#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Every call the command-line tool makes into the C library and the operating system (the
// library's own go through `Sources/Criba/System/Syscalls.swift`). `BoundaryTests` checks that
// no other file of the tool imports the C library.

/// A failed system call: its `errno`.
struct SystemError: Error, CustomStringConvertible {
    var code: Int32

    /// Whether the reader of a pipe went away (`EPIPE`).
    var isBrokenPipe: Bool { code == EPIPE }

    /// The C library's message for the error. The corresponding C function is `strerror`.
    var description: String { String(cString: strerror(code)) }
}

/// The identity and kind of a file, from `stat`/`fstat`.
struct FileIdentity {
    var device: UInt64
    var inode: UInt64
    var isRegular: Bool
    var size: Int64

    /// Whether both name the same file (device and inode).
    func isSameFile(as other: FileIdentity) -> Bool { device == other.device && inode == other.inode }

    init(_ s: stat) {
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        isRegular = (s.st_mode & S_IFMT) == S_IFREG
        size = Int64(s.st_size)
    }

    /// The file at `path` (links followed); nil if it cannot be reached. The corresponding C
    /// function is `stat`.
    init?(path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        self.init(s)
    }

    /// The file open on descriptor `fd`; nil if it is not open. The corresponding C function is
    /// `fstat`.
    init?(descriptor fd: Int32) {
        var s = stat()
        guard fstat(fd, &s) == 0 else { return nil }
        self.init(s)
    }
}

private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }

enum OS {
    /// Writes every byte, writing again after an interruption (`EINTR`). The corresponding C
    /// function is `write`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(code: errno)
            }
            written += n
        }
    }

    /// Reads up to `buffer.count` bytes (0 at the end of the input), reading again after an
    /// interruption (`EINTR`). The corresponding C function is `read`.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let n = systemRead(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError(code: errno) }
        }
    }

    /// The first `byte` in the `count` bytes from `start`. The corresponding C function is
    /// `memchr`.
    @inline(__always)
    static func firstByte(_ byte: UInt8, from start: UnsafeRawPointer, count: Int) -> UnsafeRawPointer? {
        UnsafeRawPointer(memchr(start, Int32(byte), count))
    }

    /// Copies `count` bytes from `source` to `destination`; the two may overlap. The
    /// corresponding C function is `memmove`.
    static func moveBytes(to destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int) {
        _ = memmove(destination, source, count)
    }

    /// Whether `fd` is a terminal. The corresponding C function is `isatty`.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Puts SIGPIPE back to its default action (end the process), whatever the parent set. The
    /// corresponding C function is `signal`.
    static func restoreDefaultBrokenPipeSignal() { _ = signal(SIGPIPE, SIG_DFL) }

    /// The path of the running executable (`/proc/self/exe`); nil where there is none. The
    /// corresponding C function is `readlink`.
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
