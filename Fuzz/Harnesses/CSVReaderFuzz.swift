// libFuzzer harness: the CSV reader on arbitrary bytes.
//
// The first byte chooses the delimiter and the encoding and a small record bound, so that
// every option and the bound are reached; the rest is the file.
import Foundation

@testable import Criba

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let choice = data[0]
    let delimiters: [CSVDelimiter] = [.auto, .comma, .semicolon, .tab]
    let encodings: [CSVEncoding] = [.auto, .utf8, .windows1252]
    let delimiter = delimiters[Int(choice & 3)]
    let encoding = encodings[Int((choice >> 2) & 3) % 3]
    let bound = choice & 0x10 != 0 ? 64 : CSVReader.defaultMaxRecordBytes
    if size == 1 { return 0 }
    // The rest of the input as an unlinked temporary file the reader owns.
    var template = Array("/tmp/criba-fuzz-csv.XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return 0 }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    var written = 0
    while written < size - 1 {
        let n = write(fd, data + 1 + written, size - 1 - written)
        if n <= 0 { close(fd); return 0 }
        written += n
    }
    lseek(fd, 0, SEEK_SET)
    do {
        let reader = try CSVReader(
            file: FileDescriptor(rawValue: fd), owned: true, name: "fuzz.csv", delimiter: delimiter, encoding: encoding,
            maxRecordBytes: bound, tee: nil)
        var lastLine = 0
        while let record = try reader.next() {
            // Lines only move forward, and a record always has a field.
            precondition(record.line > lastLine, "record lines go backwards")
            precondition(!record.fields.isEmpty, "a record without fields")
            lastLine = record.line
            for name in ["text", "label"] { _ = try? reader.column(named: name) }
        }
    } catch let e as DataError {
        precondition(e.line >= 0 && e.column >= 0, "negative position in \(e)")
    } catch is IOError {
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
