/// A labelled message.
public struct Example: Sendable, Hashable {
    /// The message text.
    public var text: String
    /// Its label.
    public var label: String

    /// Creates an example.
    public init(text: String, label: String) {
        self.text = text
        self.label = label
    }
}

/// What to do with a CSV row whose text or label is empty.
public enum EmptyFieldPolicy: String, Sendable, CaseIterable, Codable {
    /// Skip the row and report its line as a warning.
    case skip
    /// Stop with an error naming the line.
    case fail
}

/// How to read labelled CSV files.
public struct CSVOptions: Sendable {
    /// Header of the text column.
    public var textColumn = "text"
    /// Header of the label column.
    public var labelColumn = "label"
    /// Field delimiter.
    public var delimiter: CSVDelimiter = .auto
    /// Text encoding.
    public var encoding: CSVEncoding = .auto
    /// Rows with an empty text or label.
    public var emptyFields: EmptyFieldPolicy = .skip
    /// The longest record accepted, in bytes; a longer one is a ``DataError`` naming its line.
    /// Default: ``CSVReader/defaultMaxRecordBytes`` (1 MiB).
    public var maxRecordBytes = CSVReader.defaultMaxRecordBytes
    /// The encoding the data is expected in, such as the one a model was trained on
    /// (``TrainingFacts/encoding``): with ``encoding`` `.auto`, a file read as Windows-1252 is
    /// reported through `warn` only when this is not `.windows1252`.
    public var expectedEncoding: CSVEncoding? = nil

    /// Creates options with the defaults (`text`, `label`, detected delimiter and encoding,
    /// skip empty rows).
    public init() {}
}

/// Streams labelled rows from a CSV file.
///
/// Each ``forEach(label:warn:_:)`` is one pass over the file. A regular file is opened again
/// for every pass; a FIFO, a pipe named by path (`/dev/stdin`, `/dev/fd/N`, a shell's `<(…)`)
/// or another stream is opened once, and its first pass copies it into an unnamed temporary
/// file (in `$TMPDIR`) that later passes read. Standard input given as `-` is read once, without
/// a copy; a second pass over it is a ``DataError``. Copies of a value share these passes.
public struct LabelledCSV: Sendable {
    /// The path (`-` for standard input).
    public let path: String
    /// The options.
    public let options: CSVOptions
    private let input = CSVInput()

    /// Creates a reader description.
    public init(path: String, options: CSVOptions = CSVOptions()) {
        self.path = path
        self.options = options
    }

    /// The delimiter and encoding the last pass read the file with, after detection (`nil`
    /// before the first pass).
    public var format: CSVFormat? { input.format }

    /// Bytes of the file the pass under way has read so far (for progress against its size;
    /// call it from inside a pass).
    public var bytesRead: Int { input.bytesRead }

    /// Reads every row, calling `body(text, label, line)`; `warn` receives notes such as a
    /// Windows-1252 transcoding or skipped empty rows.
    ///
    /// - Throws: ``IOError``, ``DataError``, or what `body` throws.
    public func forEach(
        label needsLabel: Bool = true, warn: (String) -> Void = { _ in },
        _ body: (_ text: String, _ label: String, _ line: Int) throws -> Void
    ) throws {
        try rows(label: needsLabel, groupColumn: nil, warn: warn) { text, label, _, line in try body(text, label, line) }
    }

    /// Reads every labelled row like ``forEach(label:warn:_:)``, also passing the value of the
    /// column `groupColumn` (spaces trimmed; an empty value is a value like any other), or `""`
    /// when `groupColumn` is nil.
    ///
    /// - Throws: ``IOError``, ``DataError`` (naming the file and the header's columns when
    ///   `groupColumn` is not one of them), or what `body` throws.
    public func forEach(
        groupColumn: String?, warn: (String) -> Void = { _ in },
        _ body: (_ text: String, _ label: String, _ group: String, _ line: Int) throws -> Void
    ) throws {
        try rows(label: true, groupColumn: groupColumn, warn: warn, body)
    }

    private func rows(
        label needsLabel: Bool, groupColumn: String?, warn: (String) -> Void,
        _ body: (_ text: String, _ label: String, _ group: String, _ line: Int) throws -> Void
    ) throws {
        let reader = try input.reader(path: path, options: options)
        input.note(reader)
        if reader.encoding == .windows1252 && options.encoding == .auto && options.expectedEncoding != .windows1252 {
            warn("\(path): not valid UTF-8; reading it as Windows-1252 (use \(SettingRole.encoding.mention) to choose)")
        }
        let textIndex = try reader.column(named: options.textColumn, role: .textColumn)
        let labelIndex = needsLabel ? try reader.column(named: options.labelColumn, role: .labelColumn) : -1
        let groupIndex = try groupColumn.map { try reader.column(named: $0, role: .groupColumn) } ?? -1
        let width = reader.header.count
        var skipped: [Int] = []
        while let record = try reader.next() {
            guard record.fields.count == width else {
                throw DataError(
                    file: path, line: record.line,
                    message: "expected \(width) fields as in the header, found \(record.fields.count) (check the delimiter `\(String(UnicodeScalar(reader.delimiter)))` and quoting)")
            }
            let text = record.fields[textIndex]
            let label = needsLabel ? record.fields[labelIndex].trimmingSpaces() : ""
            if text.trimmingSpaces().isEmpty || (needsLabel && label.isEmpty) {
                let what = text.trimmingSpaces().isEmpty ? "text" : "label"
                if options.emptyFields == .fail {
                    throw DataError(
                        file: path, line: record.line,
                        message: "empty \(what) (use \(SettingRole.emptyFields.mention) skip to skip such rows with a warning)",
                        settings: [.emptyFields])
                }
                skipped.append(record.line)
                continue
            }
            if needsLabel, let problem = Model.labelProblem(label) {
                throw DataError(file: path, line: record.line, message: problem)
            }
            let group = groupIndex >= 0 ? record.fields[groupIndex].trimmingSpaces() : ""
            try body(text, label, group, record.line)
        }
        if !skipped.isEmpty {
            let shown = skipped.prefix(20).map(String.init).joined(separator: ", ")
            let more = skipped.count > 20 ? " and \(skipped.count - 20) more" : ""
            warn("\(path): skipped \(skipped.count) row(s) with an empty text or label, at line(s) \(shown)\(more)")
        }
    }

    /// Reads all rows into memory.
    ///
    /// - Throws: ``IOError`` or ``DataError``.
    public func examples(warn: (String) -> Void = { _ in }) throws -> [Example] {
        var out: [Example] = []
        try forEach(warn: warn) { text, label, _ in out.append(Example(text: text, label: label)) }
        return out
    }
}

/// How a CSV file was read: its delimiter and encoding, after detection.
public struct CSVFormat: Sendable, Equatable {
    /// The field delimiter (`.comma`, `.semicolon` or `.tab`).
    public var delimiter: CSVDelimiter
    /// The encoding (`.utf8` or `.windows1252`).
    public var encoding: CSVEncoding
}

extension Model {
    /// This model recording how `csv` was read: its text and label columns, delimiter and
    /// encoding (``TrainingFacts``), so that later commands can read files of the same kind.
    func recordingInput(of csv: LabelledCSV) -> Model {
        var m = self
        m.facts.training.textColumn = csv.options.textColumn
        m.facts.training.labelColumn = csv.options.labelColumn
        m.facts.training.delimiter = csv.format?.delimiter
        m.facts.training.encoding = csv.format?.encoding
        return m
    }
}
