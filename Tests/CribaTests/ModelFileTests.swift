import XCTest

@testable import Criba

final class ModelFileTests: XCTestCase {
    static let examples: [Example] = {
        var out: [Example] = []
        let precio = ["cuánto cuesta el queque", "precio del kilo de carne", "a cómo está la talla M", "cuánto sale el envío no, el producto"]
        let saludo = ["hola buenas", "buenos días", "upe, buenas tardes", "hola 👋"]
        let spam = ["GANASTE UN IPHONE ingresá a premio.example.com", "su cuenta fue bloqueada, verifique en bcr-alerta.top", "préstamo inmediato sin fiador 8000-0000", "gana dinero desde casa!!!"]
        for t in precio { out.append(Example(text: t, label: "precio")) }
        for t in saludo { out.append(Example(text: t, label: "saludo")) }
        for t in spam { out.append(Example(text: t, label: "spam")) }
        return out
    }()

    func trained(_ algorithm: Algorithm, seed: UInt64 = 1) throws -> Model {
        var o = TrainingOptions()
        o.algorithm = algorithm
        o.seed = seed
        if algorithm.isCountBased {
            o.features.weighting = .count
            o.features.idf = false
            o.features.normalize = false
        }
        return try Trainer(options: o).train(on: Self.examples)
    }

    func testRoundTripGivesIdenticalPredictions() throws {
        let dir = try temporaryDirectory(self)
        for algorithm in Algorithm.allCases {
            let model = try trained(algorithm)
            let path = dir.appendingPathComponent("\(algorithm.rawValue).criba").path
            try model.write(toFile: path)
            let loaded = try Model(contentsOfFile: path)
            XCTAssertEqual(loaded.serialized(), model.serialized(), "\(algorithm)")
            let a = Classifier(model: model)
            let b = Classifier(model: loaded)
            for t in ["hola", "cuánto cuesta?", "ganaste un premio", "algo nuevo"] {
                XCTAssertEqual(a.classify(t), b.classify(t), "\(algorithm) \(t)")
            }
        }
    }

    func testSameDataAndSeedGiveIdenticalBytes() throws {
        for algorithm in Algorithm.allCases {
            XCTAssertEqual(try trained(algorithm).serialized(), try trained(algorithm).serialized(), "\(algorithm)")
        }
        XCTAssertNotEqual(try trained(.logisticRegression, seed: 1).serialized(), try trained(.logisticRegression, seed: 2).serialized())
    }

    func testMetadataStoresEverySetting() throws {
        let text = String(decoding: try trained(.nbLogisticRegression).serialized(), as: UTF8.self)
        for key in ["tokenizer.voseo=true", "tokenizer.stemming=true", "features.char_ngram_max=5", "features.bucket_bits=22", "algorithm=nblr", "info.seed=1"] {
            XCTAssertTrue(text.contains(key), key)
        }
    }

    func testTruncatedCorruptedNewerAndForeignFilesAreRejected() throws {
        let bytes = try trained(.naiveBayes).serialized()
        func message(_ b: [UInt8]) -> String {
            do {
                _ = try Model(bytes: b)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(message(Array(bytes.prefix(bytes.count / 2))).contains("truncated"))
        XCTAssertTrue(message(Array(bytes.prefix(10))).contains("truncated"))
        XCTAssertTrue(message([]).contains("empty"))
        var corrupted = bytes
        corrupted[bytes.count / 2] ^= 0x40
        XCTAssertTrue(message(corrupted).contains("corrupted"))
        var newer = bytes
        newer[8] = 99
        XCTAssertTrue(message(newer).contains("newer"))
        XCTAssertTrue(message(Array("text,label\nhola,saludo\n".utf8)).contains("not a Criba model"))
        XCTAssertTrue(message(bytes + [0]).contains("unexpected bytes"))
    }

    /// A file whose checksum matches can still hold numbers no training writes, or labels the
    /// answers cannot carry: loading refuses them instead of answering NaN.
    func testLoadingRefusesNumbersAndLabelsTheWriterWouldRefuse() throws {
        let good = try trained(.logisticRegression)
        func message(_ m: Model) -> String {
            do {
                _ = try Model(bytes: m.serialized())
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message(good), "loaded")
        for bad: Float in [.nan, .infinity, -.infinity, 3e38] {
            var m = good
            m.bias[1] = bad
            XCTAssertTrue(message(m).contains("not finite or exceed 1e20"), "bias \(bad)")
            m = good
            m.weights[m.weights.count / 2] = bad
            XCTAssertTrue(message(m).contains("not finite or exceed 1e20"), "weight \(bad)")
        }
        var cold = good
        cold.temperature = 1e-40
        XCTAssertTrue(message(cold).contains("invalid temperature"))
        let tab = Model(
            algorithm: good.algorithm, tokenizerSettings: good.tokenizerSettings, featureSettings: good.featureSettings,
            labels: ["precio", "sal\tudo", "spam"], keys: good.space.keys, idf: good.space.idf, weights: good.weights,
            bias: good.bias, counts: nil)
        XCTAssertTrue(message(tab).contains("a tab"), message(tab))
        XCTAssertTrue(Model.storable([1, -2, 0.5, 1e20, -1e20, 0, -0.0]))
        XCTAssertTrue(Model.storable([]))
        for bad: Float in [.nan, -.nan, .infinity, -.infinity, 1.0000001e20, -3e38] {
            XCTAssertFalse(Model.storable([1, bad, 2]), "\(bad)")
        }
    }

    /// A model named by a device or pipe is read only as far as its header says: `/dev/zero`
    /// is not a model, and reading it must not go on until memory runs out.
    func testAnEndlessDeviceIsNotReadForever() throws {
        XCTAssertThrowsError(try Model(contentsOfFile: "/dev/zero")) { error in
            XCTAssertTrue("\(error)".contains("not a Criba model"), "\(error)")
        }
        XCTAssertThrowsError(try UnsurePolicy.readLabelThresholds(path: "/dev/zero", labels: ["a", "b"])) { error in
            XCTAssertTrue("\(error)".contains("larger than"), "\(error)")
        }
    }

    func testWriteIsAtomicAndRefusesDirectories() throws {
        let dir = try temporaryDirectory(self)
        let model = try trained(.naiveBayes)
        XCTAssertThrowsError(try model.write(toFile: dir.path)) { error in
            XCTAssertEqual((error as? IOError)?.kind, .failed)
        }
        let path = dir.appendingPathComponent("m.criba").path
        try model.write(toFile: path)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(names, ["m.criba"], "no temporary files left behind")
        XCTAssertThrowsError(try Model(contentsOfFile: dir.path))
    }

    /// A symbolic link is written through (the link stays, its file gets the bytes), and a
    /// path that is not a regular file (here a FIFO) is written into, not replaced by a rename.
    func testWriteGoesThroughLinksAndIntoPipes() throws {
        let dir = try temporaryDirectory(self)
        let real = dir.appendingPathComponent("real.csv").path
        let link = dir.appendingPathComponent("link.csv").path
        let dangling = dir.appendingPathComponent("dangling.csv").path
        try "old\n".write(toFile: real, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("real.csv", link), 0)
        XCTAssertEqual(symlink("later.csv", dangling), 0)
        try writeFileAtomically(Array("new\n".utf8), to: link)
        try writeFileAtomically(Array("made\n".utf8), to: dangling)
        var st = stat()
        XCTAssertEqual(lstat(link, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "the link itself stays a link")
        XCTAssertEqual(lstat(dangling, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK)
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "new\n")
        // A replaced file keeps its permissions.
        XCTAssertEqual(chmod(real, 0o600), 0)
        try writeFileAtomically(Array("newer\n".utf8), to: real)
        XCTAssertEqual(stat(real, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("later.csv").path, encoding: .utf8), "made\n")

        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Held open for reading and writing, so the writer's open does not wait for a reader.
        let fd = open(fifo, O_RDWR | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        try writeFileAtomically(Array("through the pipe\n".utf8), to: fifo)
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        XCTAssertEqual(n, 17)
        XCTAssertEqual(String(decoding: buffer.prefix(max(n, 0)), as: UTF8.self), "through the pipe\n")
        XCTAssertEqual(stat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the FIFO was not replaced by a regular file")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["dangling.csv", "later.csv", "link.csv", "pipe", "real.csv"], "no temporary files left behind")
    }

    /// `criba train … -o /dev/stdout >> log`: the output goes where the descriptor points,
    /// after what is already there, instead of replacing the file the descriptor names.
    func testWriteToADescriptorPathAppendsToItsFile() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("log.txt").path
        try "earlier\n".write(toFile: log, atomically: false, encoding: .utf8)
        var before = stat()
        XCTAssertEqual(stat(log, &before), 0)
        let fd = open(log, O_WRONLY | O_APPEND)
        XCTAssertGreaterThan(fd, 2)
        defer { close(fd) }
        let link = dir.appendingPathComponent("out").path
        XCTAssertEqual(symlink("/dev/fd/\(fd)", link), 0)
        try writeFileAtomically(Array("one\n".utf8), to: "/dev/fd/\(fd)")
        try writeFileAtomically(Array("two\n".utf8), to: "/proc/self/fd/\(fd)")
        try writeFileAtomically(Array("three\n".utf8), to: link)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "earlier\none\ntwo\nthree\n")
        var after = stat()
        XCTAssertEqual(stat(log, &after), 0)
        XCTAssertEqual(after.st_ino, before.st_ino, "the file was written into, not replaced")
        XCTAssertNil(try FileIO.openDescriptor(named: "/dev/fd/1x", shownAs: "x"), "not a descriptor path")
        XCTAssertThrowsError(try writeFileAtomically(Array("x".utf8), to: "/dev/fd/999999")) { error in
            XCTAssertTrue("\(error)".contains("descriptor 999999 is not open"), "\(error)")
        }
        let input = open(log, O_RDONLY)
        defer { close(input) }
        XCTAssertThrowsError(try writeFileAtomically(Array("x".utf8), to: "/dev/fd/\(input)")) { error in
            XCTAssertTrue("\(error)".contains("is not open for writing"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "earlier\none\ntwo\nthree\n")
    }
}
