#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a model file could not be read: empty, truncated, corrupted (checksum mismatch), not a
/// Criba model, written by a newer Criba, or trained with different tokenizer word tables.
/// The command-line tool exits with status 65 for it.
public struct ModelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The path, or `<bytes>` for in-memory data.
    public var path: String
    /// What is wrong.
    public var message: String

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// The binary model file.
///
/// Layout (all integers little-endian):
/// ```
/// magic        8 bytes  "CRIBA\0MD"
/// version      u32      format version (readers reject newer versions)
/// reserved     u32      0
/// length       u64      payload length in bytes
/// payload      sections: u32 tag, u32 0, u64 length, bytes, zero padding to 8
/// checksum     u64      ModelFile.checksum of everything before it
/// ```
/// Sections hold the metadata (sorted `key=value` lines: every tokenizer and feature
/// setting, the algorithm, training facts), the labels, and little-endian IEEE arrays. The
/// same model always serialises to the same bytes.
enum ModelFile {
    static let magic: [UInt8] = [0x43, 0x52, 0x49, 0x42, 0x41, 0x00, 0x4D, 0x44]
    static let version: UInt32 = 1

    enum Tag: UInt32 {
        case metadata = 0x4154_454D  // "META"
        case labels = 0x4C42_414C  // "LABL"
        case keys = 0x5359_454B  // "KEYS"
        case idf = 0x2046_4449  // "IDF "
        case weights = 0x5448_4757  // "WGHT"
        case bias = 0x5341_4942  // "BIAS"
        case featureCounts = 0x4346_424E  // "NBFC"
        case classCounts = 0x4343_424E  // "NBCC"
    }

    /// 64-bit checksum: words folded with multiply-rotate, then a final avalanche.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for w in 0..<words {
            let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self))
            h = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
            h = (h << 31) | (h >> 33)
        }
        for k in (words * 8)..<bytes.count {
            h = (h ^ UInt64(bytes[k])) &* 0x100_0000_01B3
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    // MARK: Writing

    struct Writer {
        var bytes: [UInt8] = []

        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

        mutating func section(_ tag: Tag, _ body: [UInt8]) {
            u32(tag.rawValue)
            u32(0)
            u64(UInt64(body.count))
            bytes.append(contentsOf: body)
            while bytes.count % 8 != 0 { bytes.append(0) }
        }

        mutating func section<T: FixedWidthInteger>(_ tag: Tag, integers: [T]) {
            var body = [UInt8]()
            body.reserveCapacity(integers.count * MemoryLayout<T>.size)
            for v in integers { withUnsafeBytes(of: v.littleEndian) { body.append(contentsOf: $0) } }
            section(tag, body)
        }

        mutating func section(_ tag: Tag, floats: [Float]) {
            section(tag, integers: floats.map { $0.bitPattern })
        }

        mutating func section(_ tag: Tag, doubles: [Double]) {
            section(tag, integers: doubles.map { $0.bitPattern })
        }
    }

    static func encode(_ model: Model) -> [UInt8] {
        var payload = Writer()
        let meta = model.metadataLines().joined(separator: "\n")
        payload.section(.metadata, Array(meta.utf8))
        payload.section(.labels, Array(model.labels.joined(separator: "\n").utf8))
        payload.section(.keys, integers: model.space.keys)
        if !model.space.idf.isEmpty { payload.section(.idf, floats: model.space.idf) }
        payload.section(.weights, floats: model.weights)
        payload.section(.bias, floats: model.bias)
        if let nb = model.counts {
            payload.section(.featureCounts, doubles: nb.featureCounts)
            payload.section(.classCounts, doubles: nb.classCounts)
        }
        var file = Writer()
        file.bytes.append(contentsOf: magic)
        file.u32(version)
        file.u32(0)
        file.u64(UInt64(payload.bytes.count))
        file.bytes.append(contentsOf: payload.bytes)
        let sum = file.bytes.withUnsafeBytes { checksum($0) }
        file.u64(sum)
        return file.bytes
    }

    // MARK: Reading

    static func decode(_ data: [UInt8], path: String) throws -> Model {
        try data.withUnsafeBytes { try decode(raw: $0, path: path) }
    }

    /// Decodes a model from the bytes of a whole model file.
    static func decode(raw: UnsafeRawBufferPointer, path: String) throws -> Model {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: path, message: message) }
        guard raw.count >= 8, magic.indices.allSatisfy({ raw[$0] == magic[$0] }) else {
            if raw.isEmpty { throw fail("the model file is empty") }
            throw fail("not a Criba model (wrong magic number)")
        }
        guard raw.count >= 24 else { throw fail("the model file is truncated (\(raw.count) bytes)") }
        let version = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        if version > Self.version {
            throw fail(
                "the model was written by a newer Criba (model format \(version); this build reads up to \(Self.version)); upgrade Criba or retrain the model")
        }
        if version == 0 { throw fail("invalid model format version 0") }
        let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        if length > UInt64(raw.count) || 32 + Int(length) > raw.count {
            throw fail("the model file is truncated (\(raw.count) bytes; its header says \(length &+ 32))")
        }
        if 32 + Int(length) < raw.count {
            throw fail("the model file has \(raw.count - 32 - Int(length)) unexpected bytes after its end")
        }
        let end = 24 + Int(length)
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
        let actual = checksum(UnsafeRawBufferPointer(rebasing: raw[0..<end]))
        guard stored == actual else { throw fail("the model file is corrupted (checksum mismatch)") }
        var sections: [UInt32: Range<Int>] = [:]
        var offset = 24
        while offset < end {
            guard offset + 16 <= end else { throw fail("malformed section header at byte \(offset)") }
            let tag = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let size = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            guard size <= UInt64(end - offset - 16) else { throw fail("section at byte \(offset) overruns the file") }
            let start = offset + 16
            sections[tag] = start..<(start + Int(size))
            offset = start + Int(size)
            offset = (offset + 7) & ~7
        }
        func bytes(_ tag: Tag) throws -> UnsafeRawBufferPointer {
            guard let r = sections[tag.rawValue] else { throw fail("missing section \(tag)") }
            return UnsafeRawBufferPointer(rebasing: raw[r])
        }
        func optionalBytes(_ tag: Tag) -> UnsafeRawBufferPointer? {
            sections[tag.rawValue].map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
        }
        /// A numeric section as an array: one copy on a little-endian host (the file's byte
        /// order), else element `i` from `load(i)`.
        func section<T>(_ b: UnsafeRawBufferPointer, size: Int, _ load: (Int) -> T) throws -> [T] {
            guard b.count % size == 0 else { throw fail("a numeric section has a length that is not a multiple of \(size)") }
            return [T](unsafeUninitializedCapacity: b.count / size) { out, n in
                n = b.count / size
                guard n > 0 else { return }
                adviseHugePages(UnsafeMutableRawPointer(out.baseAddress!), byteCount: b.count)
                if 1.littleEndian == 1 {
                    UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: b.baseAddress!, byteCount: b.count)
                } else {
                    for i in 0..<n { out[i] = load(i) }
                }
            }
        }
        func array<T: FixedWidthInteger>(_ b: UnsafeRawBufferPointer, _: T.Type) throws -> [T] {
            let size = MemoryLayout<T>.size
            return try section(b, size: size) { T(littleEndian: b.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
        /// A section of little-endian IEEE 754 single-precision values.
        func floats(_ b: UnsafeRawBufferPointer) throws -> [Float] {
            try section(b, size: 4) { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        let metaText = String(decoding: try bytes(.metadata), as: UTF8.self)
        let labelText = String(decoding: try bytes(.labels), as: UTF8.self)
        let labels = labelText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keys = try array(try bytes(.keys), UInt32.self)
        let idf = try optionalBytes(.idf).map { try floats($0) } ?? []
        let weights = try floats(try bytes(.weights))
        let bias = try floats(try bytes(.bias))
        var counts: NaiveBayesCounts? = nil
        if let fc = optionalBytes(.featureCounts), let cc = optionalBytes(.classCounts) {
            counts = NaiveBayesCounts(
                featureCounts: try array(fc, UInt64.self).map(Double.init(bitPattern:)),
                classCounts: try array(cc, UInt64.self).map(Double.init(bitPattern:)))
        }
        do {
            return try Model(
                metadataText: metaText, labels: labels, keys: keys, idf: idf, weights: weights, bias: bias,
                counts: counts)
        } catch let error as ModelFileError {
            throw ModelFileError(path: path, message: error.message)
        }
    }

    /// Reads a model file.
    static func read(path: String) throws -> Model {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw IOError(kind: .missing, path: path, message: "no such model file")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw IOError(kind: .notAFile, path: path, message: "is a directory, not a model file")
        }
        if let model = try decodeMapped(path: path) { return model }
        let data = try readStream(path: path)
        return try decode(data, path: path)
    }

    /// The largest model a header may declare when the model is read from a pipe or device.
    static let largestStreamedModel: UInt64 = 1 << 32

    /// Reads a model that cannot be mapped (a pipe, a device): the 24-byte header first, then
    /// only the length it declares (and one byte more, to notice trailing bytes), so an endless
    /// source such as `/dev/zero` is not read until memory runs out.
    static func readStream(path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            let e = errno
            throw IOError(kind: e == ENOENT ? .missing : .failed, path: path, message: "cannot open: \(String(cString: strerror(e)))")
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        func read(_ count: Int) throws {
            var left = count
            var chunk = [UInt8](repeating: 0, count: min(count, 1 << 20))
            while left > 0 {
                let want = min(left, chunk.count)
                let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, want, f) }
                out.append(contentsOf: chunk[0..<n])
                left -= n
                if n < want {
                    if ferror(f) != 0 {
                        throw IOError(kind: .failed, path: path, message: "read error: \(String(cString: strerror(errno)))")
                    }
                    return
                }
            }
        }
        try read(24)
        guard out.count == 24, out.prefix(8).elementsEqual(magic) else { return out }
        let length = out.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) }
        guard length <= largestStreamedModel else {
            throw ModelFileError(
                path: path, message: "the model file's header declares \(length) bytes, more than the \(largestStreamedModel >> 30) GiB a model may have")
        }
        try read(Int(length) + 8)
        if out.count == 32 + Int(length) && fgetc(f) != EOF {
            throw ModelFileError(path: path, message: "the model file has unexpected bytes after its end")
        }
        return out
    }

    /// Decodes a regular, non-empty model file through a read-only private mapping with its
    /// pages populated up front: the numeric sections are copied once, from the page cache
    /// straight into the model's arrays, instead of being read into a buffer first. `nil`
    /// when the file cannot be mapped (the caller reads it instead).
    static func decodeMapped(path: String) throws -> Model? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let size = Int(st.st_size)
        #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
        #else
            let flags = MAP_PRIVATE
        #endif
        guard let base = mmap(nil, size, PROT_READ, flags, fd, 0), base != MAP_FAILED else { return nil }
        defer { munmap(base, size) }
        return try decode(raw: UnsafeRawBufferPointer(start: base, count: size), path: path)
    }

    /// Writes a model file atomically (temporary file in the same folder, then rename).
    static func write(_ model: Model, to path: String) throws {
        // A label the file cannot hold (one per line) would make a model that cannot be read back.
        if let problem = model.labels.lazy.compactMap(Model.labelProblem).first {
            throw DataError(file: path, line: 0, message: "cannot write the model: \(problem)")
        }
        // Diverged training (a huge learning rate, a tiny C) must not leave a model that answers
        // nothing: refuse non-finite numbers, and numbers so large that summing a message's
        // scores could overflow (`abs(x) <= limit` is false for NaN too).
        if !(model.temperature.isFinite && model.temperature > 0 && (1 / model.temperature).isFinite)
            || !Model.storable(model.bias) || !Model.storable(model.weights) || !Model.storable(model.space.idf)
        {
            throw TrainingError(
                message: "cannot write the model to \(path): its weights are not finite numbers or exceed 1e20 (training diverged; lower --learning-rate or raise --c)")
        }
        try FileIO.writeAtomically(encode(model), to: path)
    }
}

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
