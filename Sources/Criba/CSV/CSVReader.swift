/// Text encodings accepted for CSV input.
public enum CSVEncoding: String, Sendable, CaseIterable, Codable {
    /// UTF-8, or Windows-1252 when the start of the file does not read as UTF-8 (see
    /// ``CSVReader`` for the rule).
    case auto
    /// UTF-8 (a BOM is allowed and skipped).
    case utf8 = "utf-8"
    /// Windows-1252 (Excel in Spanish), transcoded to UTF-8 while reading.
    case windows1252 = "windows-1252"
}

/// Field delimiters accepted for CSV input.
public enum CSVDelimiter: String, Sendable, CaseIterable, Codable {
    /// Detected from the header line: the most frequent of `,`, `;` and tab outside quotes.
    case auto
    case comma
    case semicolon
    case tab

    var byte: UInt8? {
        switch self {
        case .auto: return nil
        case .comma: return UInt8(ascii: ",")
        case .semicolon: return UInt8(ascii: ";")
        case .tab: return 0x09
        }
    }

    /// The delimiter written `byte` (`,`, `;` or tab).
    init?(byte: UInt8) {
        guard let d = Self.allCases.first(where: { $0.byte == byte }) else { return nil }
        self = d
    }
}

/// A problem in input data, naming the file, line and column: malformed CSV, invalid UTF-8,
/// a missing column, an empty field, or a message that cannot be learned or unlearned.
/// The command-line tool exits with status 65 for it.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (as given by the user), or `-` for standard input.
    public var file: String
    /// 1-based line, or 0 when the problem is about the whole file.
    public var line: Int
    /// 1-based column in bytes, or 0 when not applicable.
    public var column: Int
    /// What is wrong, and how to fix it.
    public var message: String
    /// The settings the message mentions (by ``SettingRole/mention``).
    public var settings: [SettingRole]

    /// Creates an error.
    public init(file: String, line: Int, column: Int = 0, message: String, settings: [SettingRole] = []) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.settings = settings
    }

    /// `file:line:column: message` (line and column left out when 0).
    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if column > 0 { place += ":\(column)" }
        return "\(place): \(message)"
    }
}

/// An I/O failure (missing file, unreadable file, failed write).
///
/// The command-line tool exits with status 66 for ``Kind-swift.enum/missing`` and
/// ``Kind-swift.enum/notAFile`` inputs, and 74 for ``Kind-swift.enum/failed``.
public struct IOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The input does not exist.
        case missing
        /// The input is a directory or another non-file.
        case notAFile
        /// Reading or writing failed.
        case failed
    }

    /// The kind.
    public var kind: Kind
    /// The path involved.
    public var path: String
    /// The explanation.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// One CSV record.
public struct CSVRecord: Sendable {
    /// The fields, decoded as UTF-8.
    public var fields: [String]
    /// 1-based line where the record starts.
    public var line: Int
}

/// A streaming RFC 4180 CSV reader: quoted fields with delimiters, doubled quotes and
/// newlines; `,`, `;` or tab delimiters; UTF-8 with or without BOM, or Windows-1252; LF or
/// CRLF. Memory stays bounded by the longest record, whatever the file size.
public final class CSVReader {
    /// The name used in messages.
    public let name: String
    /// The delimiter in use (after detection).
    public private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    /// The encoding in use (after detection).
    public private(set) var encoding: CSVEncoding
    /// The header fields.
    public private(set) var header: [String] = []
    /// Whether the file starts with a UTF-8 byte-order mark.
    public private(set) var hadByteOrderMark = false
    /// Whether the file starts with an Excel `sep=X` line (read as the delimiter, not a header).
    public private(set) var hadSeparatorLine = false
    /// Whether the header line ends with CR LF (Windows line ends).
    public private(set) var usesCRLF = false
    /// Bytes of the input read into records so far (for progress against the file's size).
    public var bytesRead: Int { consumed }

    private let file: FileDescriptor
    private let ownsFile: Bool
    /// Whether the input is a pipe, FIFO, terminal or other stream (read without waiting for a
    /// full block, so that lines typed or piped in are handled as they come).
    private let isStream: Bool
    /// A descriptor every byte read is also written to (the spool of a stream that may be read
    /// again), or `nil`.
    private let tee: FileDescriptor?
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var eof = false
    private var line = 1
    private var lineStart = 0  // bytes consumed before the current line (for columns)
    private var consumed = 0   // total bytes consumed

    private static let blockSize = 1 << 20

    /// The longest record accepted by default, in bytes: 1 MiB.
    public static let defaultMaxRecordBytes = 1 << 20

    /// The longest record accepted, in bytes (delimiters, quotes and the line breaks of quoted
    /// fields included; the line end of the record not).
    public let maxRecordBytes: Int

    /// Opens `path` (`-` means standard input) and reads its header.
    ///
    /// - Parameters:
    ///   - path: The file, or `-` for standard input.
    ///   - delimiter: The field delimiter, or `.auto` to detect it from the header line.
    ///   - encoding: The text encoding, or `.auto` (see ``CSVEncoding/auto``).
    ///   - maxRecordBytes: The longest record accepted, in bytes (at least 1); a longer one is
    ///     a ``DataError`` naming the line where it starts, so memory stays bounded whatever
    ///     the input (`/dev/zero` included). Default: ``defaultMaxRecordBytes``.
    /// - Throws: ``IOError`` if the file is missing or unreadable; ``DataError`` if the file is
    ///   empty, not text, UTF-16, or its header is malformed.
    public convenience init(
        path: String, delimiter: CSVDelimiter = .auto, encoding: CSVEncoding = .auto,
        maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes
    ) throws {
        let file: FileDescriptor
        if path == "-" {
            file = .standardInput
        } else {
            guard let status = FileSystem.status(path) else {
                throw IOError(kind: .missing, path: path, message: "no such file")
            }
            if status.kind == .directory {
                throw IOError(kind: .notAFile, path: path, message: "is a directory, not a CSV file")
            }
            do {
                file = try FileDescriptor.open(path, .readOnly)
            } catch {
                throw IOError(kind: .failed, path: path, message: "cannot open: \(error)")
            }
        }
        try self.init(
            file: file, owned: path != "-", name: path, delimiter: delimiter, encoding: encoding,
            maxRecordBytes: maxRecordBytes, tee: nil)
    }

    /// Reads from an open descriptor named `name` in messages; `owned` closes it with the
    /// reader; every byte read is also written to `tee` when given.
    init(
        file: FileDescriptor, owned: Bool, name: String, delimiter: CSVDelimiter,
        encoding: CSVEncoding, maxRecordBytes: Int, tee: FileDescriptor?
    ) throws {
        self.name = name
        self.file = file
        ownsFile = owned
        self.tee = tee
        self.maxRecordBytes = max(1, maxRecordBytes)
        isStream = (try? file.status()).map { !$0.isSeekable } ?? false
        self.encoding = encoding
        buffer = [UInt8](repeating: 0, count: Self.blockSize)
        try fill()
        if filled == 0 {
            throw DataError(file: name, line: 0, message: "the file is empty (expected a header line such as `text,label`)")
        }
        if filled >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)) {
            let order = buffer[0] == 0xFF ? "FF FE, little-endian" : "FE FF, big-endian"
            throw DataError(
                file: name, line: 1, column: 1,
                message: "the file is UTF-16 (byte-order mark \(order)), which Criba does not read; convert it to UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 in.csv > out.csv`")
        }
        // BOM
        if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            position = 3
            consumed = 3
            lineStart = 3
            if self.encoding == .auto { self.encoding = .utf8 }
            hadByteOrderMark = true
        }
        if self.encoding == .auto {
            self.encoding = Self.looksLikeUTF8(buffer[position..<filled], complete: eof) ? .utf8 : .windows1252
        }
        // Excel writes (and reads) a first line `sep=;` naming the delimiter.
        let separator = separatorLine()
        if let (d, length) = separator {
            hadSeparatorLine = true
            position += length
            consumed += length
            lineStart = consumed
            line += 1
            if delimiter.byte == nil { self.delimiter = d }
        }
        if let d = delimiter.byte {
            self.delimiter = d
        } else if separator == nil {
            self.delimiter = detectDelimiter()
        }
        usesCRLF = headerEndsWithCRLF()
        guard let h = try next() else {
            throw DataError(file: name, line: 0, message: "the file is empty (expected a header line such as `text,label`)")
        }
        header = h.fields.map { $0.trimmingSpaces() }
    }

    deinit {
        if ownsFile { try? file.close() }
    }

    /// Index of a header column, or a ``DataError`` naming the columns that exist and the
    /// setting that chooses the column (`role`, when given).
    public func column(named name: String, role: SettingRole? = nil) throws -> Int {
        let option = role?.mention ?? "the text or label column setting"
        let settings = role.map { [$0] } ?? [.textColumn, .labelColumn]
        if let i = header.firstIndex(of: name) {
            let n = header.lazy.filter { $0 == name }.count
            if n > 1 {
                throw DataError(
                    file: self.name, line: 1,
                    message: "the header names the column `\(name)` \(n) times; rename the extra ones or choose another column with \(option)",
                    settings: settings)
            }
            return i
        }
        let folded = name.lowercased()
        if let i = header.firstIndex(where: { $0.lowercased() == folded }) {
            let matches = header.filter { $0.lowercased() == folded }
            if matches.count > 1 {
                let shown = matches.map { "`\($0)`" }.joined(separator: ", ")
                throw DataError(
                    file: self.name, line: 1,
                    message: "no column is named exactly `\(name)` and \(matches.count) differ only in case (\(shown)); name one exactly with \(option)",
                    settings: settings)
            }
            return i
        }
        let shown = header.map { "`\($0)`" }.joined(separator: ", ")
        throw DataError(
            file: self.name, line: 1,
            message: "no column named `\(name)` in the header (columns: \(shown)); choose one with \(option)", settings: settings)
    }

    private func fill() throws {
        if position > 0 {
            let remaining = filled - position
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    moveBytes(to: b.baseAddress!, from: b.baseAddress! + position, count: remaining)
                }
            }
            filled = remaining
            position = 0
        }
        if filled == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        while !eof && filled < buffer.count {
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { b in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: b[filled...]))
                }
            } catch {
                throw IOError(kind: .failed, path: name, message: "read error: \(error)")
            }
            if n == 0 { eof = true }
            if n > 0, let tee {
                try buffer.withUnsafeBytes { b in
                    try Spool.write(tee, UnsafeRawBufferPointer(rebasing: b[filled..<(filled + n)]), name: name)
                }
            }
            filled += n
            if n > 0 && isStream { break }
        }
    }

    /// Whether a sample from the start of a file reads as UTF-8 rather than Windows-1252: it
    /// has no invalid sequence, or the valid multi-byte sequences outweigh the invalid ones.
    ///
    /// Spanish UTF-8 writes its accents, `ñ`, `¿` and `¡` as C2/C3 pairs, which in
    /// Windows-1252 would be `Â`/`Ã` before a symbol: these count 4 each, as do sequences of
    /// 3 or 4 bytes. Other valid pairs count 1, since Windows-1252 forms them by itself
    /// (`AQUÍ…` is CD 85). A sample is UTF-8 when that weight exceeds 4 per invalid sequence,
    /// so a UTF-8 file with a stray bad byte is read as UTF-8 and the byte is an error naming
    /// its line and column, instead of the whole file being transcoded into mojibake.
    static func looksLikeUTF8(_ bytes: ArraySlice<UInt8>, complete: Bool) -> Bool {
        return bytes.withUnsafeBufferPointer { p -> Bool in
            var k = 0
            let n = p.count
            var valid = 0
            var invalid = 0
            while k < n {
                if p[k] < 0x80 { k += 1; continue }
                let d = decodeUTF8(p, k)
                if d.scalar == Decoded.invalid {
                    // A sequence cut by the end of the sample is not evidence either way.
                    if !complete && n - k < 4 { break }
                    invalid += 1
                    k += 1
                    continue
                }
                valid += d.length > 2 || p[k] == 0xC2 || p[k] == 0xC3 ? 4 : 1
                k += d.length
            }
            return invalid == 0 || valid > 4 * invalid
        }
    }

    /// The delimiter named by a `sep=X` first line at `position` (X one byte, then CR LF, LF or
    /// the end of the file), with the line's length in bytes.
    private func separatorLine() -> (UInt8, Int)? {
        let prefix = Array("sep=".utf8)
        guard filled - position >= 5 else { return nil }
        for k in 0..<4 where buffer[position + k] | (k < 3 ? 0x20 : 0) != prefix[k] { return nil }
        let d = buffer[position + 4]
        guard d != 0x0A && d != 0x0D && d != 0x22 && d < 0x80 else { return nil }
        var length = 5
        if position + length < filled && buffer[position + length] == 0x0D { length += 1 }
        if position + length < filled {
            guard buffer[position + length] == 0x0A else { return nil }
            length += 1
        } else if !eof {
            return nil
        }
        return (d, length)
    }

    /// Whether the first line ending at `position` or later (outside quotes) is CR LF.
    private func headerEndsWithCRLF() -> Bool {
        var quoted = false
        var k = position
        while k < filled {
            let b = buffer[k]
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && b == 0x0A { return k > position && buffer[k - 1] == 0x0D }
            k += 1
        }
        return false
    }

    private func detectDelimiter() -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var quoted = false
        var k = position
        while k < filled {
            let b = buffer[k]
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted {
                if b == 0x0A { break }
                if counts[b] != nil { counts[b]! += 1 }
            }
            k += 1
        }
        let best = counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!
        return best.value == 0 ? UInt8(ascii: ",") : best.key
    }

    private func dataError(_ message: String, line: Int? = nil, column: Int? = nil) -> DataError {
        DataError(file: name, line: line ?? self.line, column: column ?? (consumed - lineStart + 1), message: message)
    }

    @inline(__always)
    private func peek() throws -> UInt8? {
        if position == filled {
            if eof { return nil }
            try fill()
            if position == filled { return nil }
        }
        return buffer[position]
    }

    @inline(__always)
    private func advance() {
        position += 1
        consumed += 1
    }

    /// Reads the next record, or `nil` at the end of the file. A blank line is skipped.
    ///
    /// - Throws: ``DataError`` for an unbalanced quote, text after a closing quote, or
    ///   invalid UTF-8; ``IOError`` if reading fails.
    public func next() throws -> CSVRecord? {
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldStartLine = line
        var fieldStartColumn = consumed - lineStart + 1
        var recordLine = line
        var inQuotes = false
        var wasQuoted = false
        var quoteLine = 0
        var quoteColumn = 0
        var sawAny = false
        var recordStart = consumed
        func finishField() throws {
            fields.append(try decode(field, line: fieldStartLine, column: fieldStartColumn + (wasQuoted ? 1 : 0)))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while true {
            if consumed - recordStart > maxRecordBytes {
                throw DataError(
                    file: name, line: recordLine,
                    message: "the record starting on this line is longer than \(maxRecordBytes) bytes, the maximum (raise it with \(SettingRole.maxRecordBytes.mention) if such long messages are expected; a quote that never closes also makes one record of the rest of the file)",
                    settings: [.maxRecordBytes])
            }
            guard let b = try peek() else {
                if inQuotes {
                    throw dataError(
                        "unbalanced quote: the quoted field opened here never closes (a `\"` inside a field must be written `\"\"`)",
                        line: quoteLine, column: quoteColumn)
                }
                if !sawAny { return nil }
                try finishField()
                return CSVRecord(fields: fields, line: recordLine)
            }
            sawAny = true
            if inQuotes {
                advance()
                if b == UInt8(ascii: "\"") {
                    if try peek() == UInt8(ascii: "\"") {
                        advance()
                        field.append(b)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == 0x0A {
                        line += 1
                        lineStart = consumed
                    }
                    field.append(b)
                }
                continue
            }
            if b == delimiter {
                advance()
                try finishField()
                fieldStartLine = line
                fieldStartColumn = consumed - lineStart + 1
                continue
            }
            if b == 0x0A || b == 0x0D {
                advance()
                if b == 0x0D, try peek() == 0x0A { advance() }
                line += 1
                lineStart = consumed
                if fields.isEmpty && field.isEmpty && !wasQuoted {
                    // A blank line is skipped.
                    sawAny = false
                    fieldStartLine = line
                    fieldStartColumn = 1
                    recordLine = line
                    recordStart = consumed
                    continue
                }
                try finishField()
                return CSVRecord(fields: fields, line: recordLine)
            }
            if b == UInt8(ascii: "\"") {
                if field.isEmpty && !wasQuoted {
                    quoteLine = line
                    quoteColumn = consumed - lineStart + 1
                    advance()
                    inQuotes = true
                    wasQuoted = true
                    continue
                }
                if wasQuoted {
                    throw dataError("unexpected `\"` after a closing quote (a `\"` inside a field must be written `\"\"`)")
                }
                // A stray quote inside an unquoted field is kept as text.
            } else if wasQuoted && b != 0x20 {
                throw dataError("unexpected character after a closing quote; expected the delimiter or the end of the line")
            }
            advance()
            if !(wasQuoted && b == 0x20) { field.append(b) }
        }
    }

    private func decode(_ bytes: [UInt8], line: Int, column startColumn: Int) throws -> String {
        if encoding == .windows1252 {
            return Windows1252.decode(bytes)
        }
        // Validate UTF-8 and report the first bad byte.
        var k = 0
        var column = startColumn
        var l = line
        let n = bytes.count
        var ok = true
        bytes.withUnsafeBufferPointer { p in
            while k < n {
                let b = p[k]
                if b < 0x80 {
                    if b == 0x0A {
                        l += 1
                        column = 1
                    } else {
                        column += 1
                    }
                    k += 1
                    continue
                }
                let d = decodeUTF8(p, k)
                if d.scalar == Decoded.invalid {
                    ok = false
                    return
                }
                k += d.length
                column += d.length
            }
        }
        if ok { return String(decoding: bytes, as: UTF8.self) }
        throw DataError(
            file: name, line: l, column: column,
            message: "invalid UTF-8 (byte 0x\(String(bytes[k], radix: 16, uppercase: true))) in a field; if the file was saved by Excel as Windows-1252, rerun with \(SettingRole.encoding.mention) windows-1252 or convert it with `iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv`",
            settings: [.encoding]
        )
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
