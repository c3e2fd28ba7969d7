import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file holding a copy of a stream, deleted from its directory as soon as it is
/// created (so no run, however it ends, leaves it behind).
enum Spool {
    /// Creates an unnamed temporary file in `$TMPDIR` (or `/tmp`) and returns its descriptor.
    ///
    /// - Throws: ``IOError`` naming `name` when no temporary file can be made.
    static func create(for name: String) throws -> Int32 {
        var dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        if dir.isEmpty { dir = "/tmp" }
        var template = Array((dir + "/criba-input.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw IOError(
                kind: .failed, path: name,
                message: "cannot make a temporary copy of this stream in \(dir) to read it again: \(String(cString: strerror(errno))) (set TMPDIR, or give a regular file)")
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return fd
    }

    /// Writes `count` bytes to the spool `fd`.
    ///
    /// - Throws: ``IOError`` naming `name` (for example when the disk is full).
    static func write(_ fd: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int, name: String) throws {
        var done = 0
        while done < count {
            #if canImport(Glibc)
                let n = Glibc.write(fd, bytes + done, count - done)
            #else
                let n = Darwin.write(fd, bytes + done, count - done)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(
                    kind: .failed, path: name,
                    message: "cannot copy this stream to a temporary file to read it again: \(String(cString: strerror(errno))) (set TMPDIR to a directory with room, or give a regular file)")
            }
            done += n
        }
    }
}

/// Where the passes over a ``LabelledCSV`` read from.
///
/// A regular file is opened again for every pass. A FIFO, a pipe named by path (`/dev/stdin`,
/// `/dev/fd/N`, a shell's `<(…)`) or a character device cannot be read twice: it is opened
/// once, and the first pass copies what it reads into an unnamed temporary file that later
/// passes read instead. Standard input given as `-` is read once, without a copy; a second pass
/// over it is refused.
final class CSVInput: @unchecked Sendable {
    private enum State {
        case unknown
        case file
        case stdin(read: Bool)
        case stream(source: UnsafeMutablePointer<FILE>, spool: Int32)
    }

    private let lock = NSLock()
    private var state = State.unknown

    deinit {
        if case .stream(let source, let spool) = state {
            fclose(source)
            close(spool)
        }
    }

    /// A reader over `path` for one pass.
    ///
    /// - Throws: ``IOError`` or ``DataError`` (a second pass over standard input).
    func reader(path: String, options: CSVOptions) throws -> CSVReader {
        lock.lock()
        defer { lock.unlock() }
        if case .unknown = state {
            var st = stat()
            if path == "-" {
                state = .stdin(read: false)
            } else if stat(path, &st) != 0 || CSVReader.isSeekable(st) {
                state = .file
            } else {
                guard let f = fopen(path, "rb") else {
                    throw IOError(kind: .failed, path: path, message: "cannot open: \(String(cString: strerror(errno)))")
                }
                let spool: Int32
                do { spool = try Spool.create(for: path) } catch {
                    fclose(f)
                    throw error
                }
                state = .stream(source: f, spool: spool)
                return try CSVReader(
                    file: f, owned: false, name: path, delimiter: options.delimiter, encoding: options.encoding,
                    maxRecordBytes: options.maxRecordBytes, tee: spool)
            }
        }
        switch state {
        case .unknown, .file:
            return try CSVReader(
                path: path, delimiter: options.delimiter, encoding: options.encoding, maxRecordBytes: options.maxRecordBytes)
        case .stdin(let read):
            if read {
                throw DataError(
                    file: path, line: 0,
                    message: "standard input was read already and this needs another pass over the data; give a file name (a FIFO or `/dev/stdin` is copied to a temporary file and read again)")
            }
            state = .stdin(read: true)
            return try CSVReader(
                path: path, delimiter: options.delimiter, encoding: options.encoding, maxRecordBytes: options.maxRecordBytes)
        case .stream(let source, let spool):
            // Copy what the last pass left unread, then read the copy from its start.
            var block = [UInt8](repeating: 0, count: 1 << 16)
            while feof(source) == 0 {
                let n = block.withUnsafeMutableBufferPointer { fread($0.baseAddress!, 1, $0.count, source) }
                if n == 0 {
                    if ferror(source) != 0 {
                        throw IOError(kind: .failed, path: path, message: "read error: \(String(cString: strerror(errno)))")
                    }
                    break
                }
                try block.withUnsafeBufferPointer { try Spool.write(spool, $0.baseAddress!, n, name: path) }
            }
            let copy = dup(spool)
            guard copy >= 0, lseek(copy, 0, SEEK_SET) == 0, let f = fdopen(copy, "rb") else {
                if copy >= 0 { close(copy) }
                throw IOError(kind: .failed, path: path, message: "cannot read the temporary copy of this stream: \(String(cString: strerror(errno)))")
            }
            return try CSVReader(
                file: f, owned: true, name: path, delimiter: options.delimiter, encoding: options.encoding,
                maxRecordBytes: options.maxRecordBytes, tee: -1)
        }
    }
}
