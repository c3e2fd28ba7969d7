#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// Creates an error.
    public init(file: String, line: Int, column: Int = 0, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
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

    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var eof = false
    private var line = 1
    private var lineStart = 0  // bytes consumed before the current line (for columns)
    private var consumed = 0   // total bytes consumed

    private static let blockSize = 1 << 20

    /// Opens `path` (`-` means standard input) and reads its header.
    ///
    /// - Throws: ``IOError`` if the file is missing or unreadable; ``DataError`` if the file is
    ///   empty, not text, or its header is malformed.
    public init(path: String, delimiter: CSVDelimiter = .auto, encoding: CSVEncoding = .auto) throws {
        name = path
        if path == "-" {
            file = stdin
            ownsFile = false
        } else {
            var st = stat()
            if stat(path, &st) != 0 {
                throw IOError(kind: .missing, path: path, message: "no such file")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                throw IOError(kind: .notAFile, path: path, message: "is a directory, not a CSV file")
            }
            guard let f = fopen(path, "rb") else {
                throw IOError(kind: .failed, path: path, message: "cannot open: \(String(cString: strerror(errno)))")
            }
            file = f
            ownsFile = true
        }
        self.encoding = encoding
        buffer = [UInt8](repeating: 0, count: Self.blockSize)
        try fill()
        if filled == 0 {
            throw DataError(file: name, line: 0, message: "the file is empty (expected a header line such as `text,label`)")
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
        if ownsFile { fclose(file) }
    }

    /// Index of a header column, or a ``DataError`` naming the columns that exist.
    public func column(named name: String) throws -> Int {
        try column(named: name, option: "--text-column/--label-column")
    }

    /// Index of a header column, or a ``DataError`` naming the columns that exist and the
    /// option that chooses the column.
    public func column(named name: String, option: String) throws -> Int {
        if let i = header.firstIndex(of: name) {
            let n = header.lazy.filter { $0 == name }.count
            if n > 1 {
                throw DataError(
                    file: self.name, line: 1,
                    message: "the header names the column `\(name)` \(n) times; rename the extra ones or choose another column with \(option)")
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
                    message: "no column is named exactly `\(name)` and \(matches.count) differ only in case (\(shown)); name one exactly with \(option)")
            }
            return i
        }
        let shown = header.map { "`\($0)`" }.joined(separator: ", ")
        throw DataError(
            file: self.name, line: 1,
            message: "no column named `\(name)` in the header (columns: \(shown)); choose one with \(option)")
    }

    private func fill() throws {
        if position > 0 {
            let remaining = filled - position
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + position, remaining)
                }
            }
            filled = remaining
            position = 0
        }
        if filled == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        while !eof && filled < buffer.count {
            let n = buffer.withUnsafeMutableBufferPointer { b in
                fread(b.baseAddress! + filled, 1, b.count - filled, file)
            }
            if n == 0 {
                if ferror(file) != 0 {
                    throw IOError(kind: .failed, path: name, message: "read error: \(String(cString: strerror(errno)))")
                }
                eof = true
            }
            filled += n
            if n > 0 && name == "-" { break }
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
        func finishField() throws {
            fields.append(try decode(field, line: fieldStartLine, column: fieldStartColumn + (wasQuoted ? 1 : 0)))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while true {
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
            message: "invalid UTF-8 (byte 0x\(String(bytes[k], radix: 16, uppercase: true))) in a field; if the file was saved by Excel as Windows-1252, rerun with --encoding windows-1252 or convert it with `iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv`"
        )
    }
}

/// Windows-1252 to and from UTF-8.
public enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// The Windows-1252 bytes of `text`, or nil when a character has no Windows-1252 byte.
    public static func encode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 || (0xA0...0xFF).contains(v) {
                out.append(UInt8(v))
            } else if let k = high.firstIndex(of: v), v != 0xFFFD {
                out.append(UInt8(0x80 + k))
            } else {
                return nil
            }
        }
        return out
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values past
    /// U+10FFFF).
    public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = 0
        let n = bytes.count
        while k < n {
            let b = bytes[k]
            if b < 0x80 {
                k += 1
                continue
            }
            func continuation(_ i: Int) -> Bool { i < n && bytes[i] & 0xC0 == 0x80 }
            if b >= 0xC2 && b <= 0xDF {
                guard continuation(k + 1) else { return false }
                k += 2
            } else if b >= 0xE0 && b <= 0xEF {
                guard continuation(k + 1), continuation(k + 2) else { return false }
                let b1 = bytes[k + 1]
                if (b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0) { return false }
                k += 3
            } else if b >= 0xF0 && b <= 0xF4 {
                guard continuation(k + 1), continuation(k + 2), continuation(k + 3) else { return false }
                let b1 = bytes[k + 1]
                if (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90) { return false }
                k += 4
            } else {
                return false
            }
        }
        return true
    }

    /// The UTF-8 bytes of Windows-1252 `bytes`, appended to `out`.
    public static func appendUTF8(of bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            if b < 0x80 {
                out.append(b)
                continue
            }
            let v: UInt32 = (0x80..<0xA0).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
            if v < 0x800 {
                out.append(UInt8(0xC0 | (v >> 6)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (v >> 12)))
                out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            }
        }
    }

    static func decode(_ bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes {
            let v: UInt32 = (0x80..<0xA0).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
            s.append(Unicode.Scalar(v)!)
        }
        return String(s)
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
