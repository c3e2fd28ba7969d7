import Foundation

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
        case stream(source: FileDescriptor, spool: FileDescriptor)
    }

    private let lock = NSLock()
    private var state = State.unknown
    private var lastFormat: CSVFormat?
    private weak var current: CSVReader?

    /// Bytes the pass under way has read (0 before the first).
    var bytesRead: Int {
        lock.lock()
        defer { lock.unlock() }
        return current?.bytesRead ?? 0
    }

    /// How the last pass read the data (`nil` before the first).
    var format: CSVFormat? {
        lock.lock()
        defer { lock.unlock() }
        return lastFormat
    }

    /// Records how `reader` reads the data.
    func note(_ reader: CSVReader) {
        lock.lock()
        defer { lock.unlock() }
        lastFormat = CSVFormat(delimiter: CSVDelimiter(byte: reader.delimiter) ?? .comma, encoding: reader.encoding)
        current = reader
    }

    deinit {
        if case .stream(let source, let spool) = state {
            try? source.close()
            try? spool.close()
        }
    }

    /// A reader over `path` for one pass.
    ///
    /// - Throws: ``IOError`` or ``DataError`` (a second pass over standard input).
    func reader(path: String, options: CSVOptions) throws -> CSVReader {
        lock.lock()
        defer { lock.unlock() }
        if case .unknown = state {
            if path == "-" {
                state = .stdin(read: false)
            } else if FileSystem.status(path).map({ $0.isSeekable }) ?? true {
                state = .file
            } else {
                let f: FileDescriptor
                do { f = try FileDescriptor.open(path, .readOnly) } catch {
                    throw IOError(kind: .failed, path: path, message: "cannot open: \(error)")
                }
                let spool: FileDescriptor
                do { spool = try Spool.create(for: path) } catch {
                    try? f.close()
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
            while true {
                let n: Int
                do {
                    n = try block.withUnsafeMutableBytes { try source.read(into: $0) }
                } catch {
                    throw IOError(kind: .failed, path: path, message: "read error: \(error)")
                }
                if n == 0 { break }
                try block.withUnsafeBytes { try Spool.write(spool, UnsafeRawBufferPointer(rebasing: $0[0..<n]), name: path) }
            }
            let f = try Spool.reopen(spool, name: path)
            return try CSVReader(
                file: f, owned: true, name: path, delimiter: options.delimiter, encoding: options.encoding,
                maxRecordBytes: options.maxRecordBytes, tee: nil)
        }
    }
}
