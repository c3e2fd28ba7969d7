import XCTest

@testable import Criba

final class NaiveBayesTests: XCTestCase {
    /// Multinomial NB with α = 1 on word counts, checked against probabilities computed by hand:
    /// saludo counts hola 2, buenas 2, precio 0 (total 4); precio counts hola 1, precio 2 (total 3);
    /// F = 3, priors 1/2 each.
    func testProbabilitiesMatchHandComputation() throws {
        let model = try handComputedNaiveBayes()
        XCTAssertEqual(model.labels, ["precio", "saludo"])
        let c = Classifier(model: model)
        // P(precio | hola precio) = (1/2·1/3·1/2) / (1/2·1/3·1/2 + 1/2·3/7·1/7) = 98/134
        let p1 = c.classify("hola precio")
        XCTAssertEqual(p1.label, "precio")
        XCTAssertEqual(Double(p1.probability), 98.0 / 134.0, accuracy: 1e-5)
        // P(saludo | hola hola desconocido) = (1/2·(3/7)²) / (1/2·(3/7)² + 1/2·(1/3)²) = 81/130
        let p2 = c.classify("hola hola desconocido")
        XCTAssertEqual(p2.label, "saludo")
        XCTAssertEqual(Double(p2.probability), 81.0 / 130.0, accuracy: 1e-5)
        // A message with no known feature gets the priors.
        XCTAssertEqual(Double(c.classify("nada conocido").probability), 0.5, accuracy: 1e-6)
    }

    func testLabelWithOneExampleIsRejectedWithItsLine() {
        XCTAssertThrowsError(
            try Trainer().train(on: [
                Example(text: "a", label: "x"), Example(text: "b", label: "x"), Example(text: "c", label: "solo"),
            ])
        ) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(":3:") && message.contains("`solo`"), message)
        }
    }

    func testSingleLabelIsRejected() {
        XCTAssertThrowsError(try Trainer().train(on: [Example(text: "a", label: "x"), Example(text: "b", label: "x")])) { error in
            XCTAssertTrue(error is TrainingError, "\(error)")
            XCTAssertTrue("\(error)".contains("only one label (`x`)"), "\(error)")
        }
    }
}

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

final class HashTests: XCTestCase {
    /// FNV-1a 64 values computed independently (Python) and pinned: persisted models depend on them.
    func testGoldenHashes() {
        XCTAssertEqual(FeatureHash.hash("niño", namespace: .word), 0x37c8_99c7_80c1_3c1a)
        XCTAssertEqual(FeatureHash.hash("¡GRATIS!", namespace: .word), 0xfefe_e5d2_0e6d_464c)
        XCTAssertEqual(FeatureHash.hash("gratis", namespace: .word), 0xc262_fa89_e71a_dffc)
        XCTAssertEqual(FeatureHash.hash("hola", namespace: .word), 0xc985_2178_680d_ec4a)
    }

    func testNamedFeaturesMatchExtractedKeys() {
        let e = FeatureExtractor()
        let ws = FeatureWorkspace()
        for text in ["Holaaa, decime cuánto sale el envío a Heredia 🙏", "G.R.A.T.I.S ingresá a premio.example.com", "₡15 000 el kilo?"] {
            e.extract(text, into: ws)
            let named = e.namedFeatures(text)
            XCTAssertEqual(Set(named.map(\.key)), Set(ws.keys), text)
            XCTAssertEqual(named.map(\.count).reduce(0, +), Int(ws.counts.reduce(0, +)), text)
        }
    }
}

final class PredictionExplanationTests: XCTestCase {
    func testPredictionCarriesItsExplanationWhenAsked() throws {
        var o = TrainingOptions()
        o.algorithm = .logisticRegression
        let classifier = Classifier(model: try Trainer(options: o).train(on: ModelFileTests.examples))
        let plain = classifier.classify("cuánto cuesta el queque?")
        XCTAssertNil(plain.explanation)
        let explained = classifier.classify("cuánto cuesta el queque?", explainingTop: 3)
        XCTAssertEqual(explained.label, plain.label)
        XCTAssertEqual(explained.explanation?.label, plain.topLabel)
        XCTAssertEqual(explained.explanation?.features.count, 3)
        let weights = explained.explanation!.features.map { $0.weight }
        XCTAssertEqual(weights, weights.sorted(by: >))
    }
}

final class ThresholdTests: XCTestCase {
    func testWilsonLowerBoundMatchesHandComputation() {
        // 95 right of 100 at z = 1.96: (p + z²/2n − z·sqrt((p(1−p) + z²/4n)/n)) / (1 + z²/n) = 0.888248…
        XCTAssertEqual(Evaluation.wilsonLowerBound(right: 95, of: 100, z: 1.96), 0.888248, accuracy: 1e-6)
        XCTAssertEqual(Evaluation.wilsonLowerBound(right: 95, of: 100, z: 0), 0.95, accuracy: 1e-12)
    }

    func testCalibratedModelStoresHeldOutThresholds() throws {
        let path = repositoryRoot.appendingPathComponent("Models/default.criba").path
        let model = try Model(contentsOfFile: path)
        var stored = 0
        for target in Trainer.heldOutTargets {
            if let value = model.info["calibration.threshold_for_\(String(format: "%.2f", target))"] {
                let fields = value.split(separator: " ")
                XCTAssertEqual(fields.count, 5, value)
                XCTAssertNotNil(Float(String(fields[0])), value)
                // The held-out accuracy at the stored threshold reaches the target.
                XCTAssertGreaterThanOrEqual(Double(String(fields[4]))!, target, value)
                stored += 1
            }
        }
        XCTAssertEqual(stored, Trainer.heldOutTargets.count)
    }
}
