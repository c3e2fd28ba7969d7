import XCTest

@testable import Criba

/// The scorer takes character n-grams through per-word sums (``WordScoreMemo``) reached from
/// the chunk cache; these tests compare it with vectorising each message and scoring the
/// sparse vector, with caches of every size.
final class WordScoreTests: XCTestCase {
    /// Messages whose words share n-grams (`la casa`, `papa papa`), repeat words, have long
    /// words, unknown words, placeholders and nothing known at all.
    static let messages: [String] = [
        "hola, cuánto cuesta la casa de la playa?",
        "papa papa papa, la papaya",
        "jajaja sí sí sí sí",
        "GANASTE UN IPHONE ingresá a http://premio.example.com ya ya ya",
        "quiero saber el precio del envío a San José, ¿cuánto sale el envío?",
        "xyzzy qwrtp",
        "",
        "!!! ??? 👍👍",
        String(repeating: "a", count: 300) + " " + String(repeating: "ab", count: 200) + " la la",
        "decime si tenés la talla M, la M, la m",
        "ana ana ana banana anana",
    ]

    static func reference(_ model: Model, _ text: String) -> [Float] {
        let extractor = FeatureExtractor(tokenizer: model.tokenizerSettings, features: model.featureSettings)
        let ws = FeatureWorkspace(memoLimit: 0)
        extractor.extract(text, into: ws)
        var v = SparseVector()
        model.space.vectorize(ws, into: &v)
        var s = [Float](repeating: 0, count: model.labels.count)
        s.withUnsafeMutableBufferPointer { model.scores(v, into: $0) }
        return s
    }

    static func fast(_ scorer: Scorer, _ text: String, cache: InferenceCache, listing: Bool = false) -> [Float] {
        var s = [Float](repeating: 0, count: scorer.model.labels.count)
        var t = text
        t.withUTF8 { bytes in
            s.withUnsafeMutableBufferPointer { scorer.scores(of: bytes, cache: cache, into: $0, listing: listing) }
        }
        return s
    }

    func assertAgrees(_ model: Model, _ texts: [String], memoLimit: Int, file: StaticString = #filePath, line: UInt = #line) {
        let scorer = Scorer(model: model)
        let cache = InferenceCache(classes: model.labels.count, memoLimit: memoLimit)
        // Twice: the second pass replays the memoised entries.
        for text in texts + texts {
            let want = Self.reference(model, text)
            let got = Self.fast(scorer, text, cache: cache)
            for j in want.indices {
                let tolerance = 1e-4 * max(1, abs(want[j]))
                if abs(want[j] - got[j]) > tolerance {
                    XCTFail("`\(text)` label \(model.labels[j]): \(got[j]) vs \(want[j]) (memo \(memoLimit))", file: file, line: line)
                    return
                }
            }
        }
    }

    func train(_ features: FeatureSettings, algorithm: Algorithm = .linearSVM) throws -> Model {
        var o = TrainingOptions()
        o.algorithm = algorithm
        o.features = features
        o.epochs = 3
        let rows = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/train.csv").path).examples()
        return try Trainer(options: o).train(on: Array(rows.prefix(600)))
    }

    func testAgreesWithVectorisedScoringForEveryWeighting() throws {
        let data = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/test.csv").path).examples()
        let texts = Self.messages + data.prefix(120).map(\.text)
        for weighting in FeatureSettings.Weighting.allCases {
            for (idf, normalize) in [(true, true), (false, true), (true, false), (false, false)] {
                var f = FeatureSettings()
                f.weighting = weighting
                f.idf = idf
                f.normalize = normalize
                f.bucketBits = 18
                let model = try train(f)
                // A memo that keeps every word, one that starts over every few words, and none.
                for limit in [1 << 15, 7, 0] { assertAgrees(model, texts, memoLimit: limit) }
            }
        }
    }

    func testAgreesForOtherNgramRangesAndNaiveBayes() throws {
        var f = FeatureSettings()
        f.charNgramMin = 1
        f.charNgramMax = 3
        assertAgrees(try train(f), Self.messages, memoLimit: 1 << 15)
        var words = FeatureSettings()
        words.charNgramMax = 0
        assertAgrees(try train(words), Self.messages, memoLimit: 1 << 15)
        var counts = FeatureSettings()
        counts.weighting = .count
        counts.idf = false
        counts.normalize = false
        assertAgrees(try train(counts, algorithm: .naiveBayes), Self.messages, memoLimit: 1 << 15)
    }

    /// Explain lists the features from the same pass that scores: the same rows with the same
    /// float values as vectorising the message, whatever the caches hold.
    func testListedFeaturesAreTheVectorisedOnes() throws {
        let data = try LabelledCSV(path: repositoryRoot.appendingPathComponent("Data/test.csv").path).examples()
        let texts = Self.messages + data.prefix(80).map(\.text)
        var f = FeatureSettings()
        f.bucketBits = 18
        var counts = FeatureSettings()
        counts.weighting = .count
        counts.idf = false
        for features in [f, counts, FeatureSettings.wordCounts] {
            let model = try train(features)
            let scorer = Scorer(model: model)
            for limit in [1 << 15, 5, 0] {
                let cache = InferenceCache(classes: model.labels.count, memoLimit: limit)
                for text in texts + texts {
                    _ = Self.fast(scorer, text, cache: cache, listing: true)
                    let ws = FeatureWorkspace(memoLimit: 0)
                    scorer.extractor.extract(text, into: ws)
                    var v = SparseVector()
                    model.space.vectorize(ws, into: &v)
                    let want = Dictionary(uniqueKeysWithValues: zip(v.rows, v.values.map(\.bitPattern)))
                    let got = Dictionary(uniqueKeysWithValues: zip(cache.vector.rows, cache.vector.values.map(\.bitPattern)))
                    XCTAssertEqual(got, want, "`\(text)` (cache \(limit))")
                    if got != want { return }
                }
            }
        }
    }

    /// A dense block adds `blockWeight · W · e` to the n-gram scores and nothing else.
    func testDenseBlockAddsItsProductToTheScores() throws {
        struct Lengths: DenseFeatureEncoder {
            var dimension: Int { 3 }
            func encode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>) {
                out[0] = Float(text.count)
                out[1] = Float(text.filter { $0 == 0x20 }.count)
                out[2] = 1
            }
        }
        var f = FeatureSettings()
        f.bucketBits = 18
        let model = try train(f)
        let c = model.labels.count
        let weights = (0..<(c * 3)).map { Float($0 % 7) - 3 }
        let block = DenseFeatureBlock(encoder: Lengths(), weights: weights, labels: c, blockWeight: 0.5)
        let plain = Scorer(model: model)
        let dense = Scorer(model: model, denseBlocks: [block])
        let cache = InferenceCache(classes: c)
        for text in Self.messages {
            let base = Self.fast(plain, text, cache: cache)
            let got = Self.fast(dense, text, cache: cache)
            let e: [Float] = [Float(text.utf8.count), Float(text.utf8.filter { $0 == 0x20 }.count), 1]
            for j in 0..<c {
                let product = (0..<3).reduce(Float(0)) { $0 + weights[j * 3 + $1] * e[$1] }
                XCTAssertEqual(got[j], base[j] + 0.5 * product, accuracy: 1e-3 * max(1, abs(got[j])), "`\(text)` label \(j)")
            }
        }
    }

    /// Memos belong to one classifier: two models used in turn on one thread never mix.
    func testClassifiersOnOneThreadKeepTheirOwnMemos() throws {
        var f = FeatureSettings()
        f.bucketBits = 18
        let a = try train(f)
        f.charNgramMin = 3
        let b = try train(f, algorithm: .logisticRegression)
        let ca = Classifier(model: a)
        let cb = Classifier(model: b)
        for text in Self.messages + Self.messages {
            for (model, classifier) in [(a, ca), (b, cb)] {
                let p = classifier.classify(text)
                var want = Self.reference(model, text)
                want.withUnsafeMutableBufferPointer { model.softmax($0) }
                let best = want.indices.max { want[$0] < want[$1] }!
                XCTAssertEqual(Double(p.probability), Double(want[best]), accuracy: 1e-4, text)
            }
        }
    }

    /// Row counts stay exact across messages, including where the per-message epoch wraps,
    /// a row met more than 255 times, and a reset that makes room for more rows.
    func testRowCounterCountsEachMessageOnItsOwn() {
        let counter = RowCounter()
        var rng = SplitMix64(seed: 11)
        for message in 0..<12 {
            // Message 3 makes the table grow (epoch 1 again); message 4 is stamped 0xFF and
            // message 5 wraps back to 1, meeting message 3's rows.
            if message == 4 { counter.epoch = 0xFE }
            let n = message == 8 ? 5000 : 40
            // Messages 0, 3, 5 and 10 share their rows; the others draw from rows of their own,
            // so a count left by an earlier message would show.
            let pool = UInt32(message % 5 == 0 || message == 3 ? 0 : 100 * message)
            var rows = (0..<n).map { _ in pool + UInt32(rng.next() % (message == 8 ? 4000 : 30)) }
            if message == 6 { rows += Array(repeating: 7, count: 700) }
            counter.reset(rows: message < 3 ? 1200 : 6000)
            var want: [UInt32: Int] = [:]
            for r in rows {
                let second = counter.add(r)
                want[r, default: 0] += 1
                XCTAssertEqual(second, want[r] == 2, "message \(message)")
            }
            var got: [Int: Int] = [:]
            for k in 0..<counter.repeats.count {
                let (row, count) = counter.repeated(k)
                XCTAssertNil(got[row], "message \(message): row \(row) listed twice")
                got[row] = count
            }
            XCTAssertEqual(got, Dictionary(uniqueKeysWithValues: want.filter { $0.value >= 2 }.map { (Int($0.key), $0.value) }), "message \(message)")
        }
    }

    /// Merged keys and counts stay exact across messages: first-seen order, repeated keys,
    /// a table that grows, and the stamp wrapping to 0 (which must clear the table, or the
    /// slots of the message stamped 1 long ago would read as this message's).
    func testSparseAccumulatorMergesEachMessageOnItsOwn() {
        let accumulator = SparseAccumulator()
        let keys = RawBuffer<FeatureKey>()
        let counts = RawBuffer<Float>()
        var rng = SplitMix64(seed: 5)
        for message in 0..<10 {
            // Message 0 is stamped 1; message 4 is stamped UInt32.max, message 5 wraps to 1.
            if message == 4 { accumulator.stamp = UInt32.max - 1 }
            let n = message == 7 ? 3000 : 60
            // Messages 0 and 5 draw the same keys, so a slot left by message 0 would show.
            let pool = UInt32(message == 0 || message == 5 ? 0 : 1000 * message)
            let drawn = (0..<n).map { _ in pool + UInt32(rng.next() % (message == 7 ? 2500 : 40)) }
            var adder = accumulator.start(expected: n, keys: keys, counts: counts)
            for key in drawn { adder.add(key) }
            accumulator.finish(adder, keys: keys, counts: counts)
            var order: [FeatureKey] = []
            var want: [FeatureKey: Float] = [:]
            for key in drawn {
                if want[key] == nil { order.append(key) }
                want[key, default: 0] += 1
            }
            XCTAssertEqual(keys.array, order, "message \(message)")
            XCTAssertEqual(counts.array, order.map { want[$0]! }, "message \(message)")
        }
    }
}
