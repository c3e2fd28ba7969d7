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

/// The caches of the inference path (``ChunkCache``: chunk → tokens and cells;
/// ``FeatureWorkspace``: word → features) only speed things up: a warm cache gives exactly
/// what a fresh one or none gives.
final class MemoTests: XCTestCase {
    /// Messages where a chunk's tokens depend on what came before (numbers, money words,
    /// currency signs, marks, ALL-CAPS counts) or repeat within one message.
    static let tricky = [
        "15 mil", "cuesta 15 mil colones", "le mando 15 mil mañana, 15 mil", "$ hola 20", "₡ 5000 y HOLA HOLA",
        "5 × 000", "15 000 colones", "¿hola? ¿hola? hola", "GRATIS GRATIS gratis", "HOLA", "hola hola HOLA",
        "x favor x", "mil 15 mil", "8888 8888 hola", "+506 8888-8888 decime", "decime decime DECIME",
        "$ www.premio.com 500", "ganaste.com 20 mil", "holaaaa jajaja holaaa", "q onda, xq no?", "",
    ]

    static func corpus(_ names: [String] = ["Data/train.csv", "Data/test.csv"]) throws -> [String] {
        var texts = tricky
        for name in names {
            texts += try LabelledCSV(path: repositoryRoot.appendingPathComponent(name).path).examples().map(\.text)
        }
        return texts
    }

    func testWarmChunkMemoTokenizesLikeAFreshBuffer() throws {
        let texts = try Self.corpus()
        for settings in [TokenizerSettings.spanish, .basic] {
            let tokenizer = Tokenizer(settings: settings)
            let shared = TokenBuffer()
            let cache = ChunkCache()
            for pass in 0..<2 {
                for text in texts {
                    var t = text
                    t.withUTF8 { tokenizer.tokenize(bytes: $0, into: shared, cache: cache) }
                    let fresh = tokenizer.tokens(of: text)
                    XCTAssertEqual(shared.tokens, fresh, "pass \(pass): \(text)")
                    if shared.tokens != fresh { return }
                }
            }
            XCTAssertGreaterThan(cache.memo.count, 1000, "the corpus fills the cache")
        }
    }

    func testWarmWorkspaceExtractsLikeAFreshOneAcrossSettings() throws {
        let texts = try Self.corpus(["Data/test.csv"])
        let words = FeatureSettings.ngrams(characters: nil)
        let chars = FeatureSettings.ngrams(characters: 3...4, bucketBits: 16)
        var stop = TokenizerSettings.spanish
        stop.stopwords = true
        // One workspace shared by extractors with different settings, used in turns.
        let extractors = [
            FeatureExtractor(), FeatureExtractor(features: words), FeatureExtractor(features: chars),
            FeatureExtractor(tokenizer: stop), FeatureExtractor(tokenizer: .basic, features: chars),
        ]
        let shared = FeatureWorkspace()
        for (i, text) in (texts + texts).enumerated() {
            let extractor = extractors[i % extractors.count]
            extractor.extract(text, into: shared)
            let fresh = FeatureWorkspace()
            extractor.extract(text, into: fresh)
            XCTAssertEqual(shared.keys, fresh.keys, text)
            XCTAssertEqual(shared.counts, fresh.counts, text)
            if shared.keys != fresh.keys { return }
        }
    }

    /// The word-at-a-time tail load and comparison of ``ByteMemo`` against byte-by-byte
    /// references, for every length up to 40 and every difference position.
    func testByteMemoWordLoadsMatchByteByByte() {
        var rng = SplitMix64(seed: 11)
        for n in 0...40 {
            let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            a.withUnsafeBytes { raw in
                // The hash mixes eight bytes at a time, then the tail from the last multiple of 8.
                if n % 8 != 0 {
                    let start = n - n % 8
                    var expected: UInt64 = 0
                    for k in start..<n { expected |= UInt64(a[k]) << UInt64(8 * (k - start)) }
                    XCTAssertEqual(loadTail(raw.baseAddress!, from: start, count: n), expected, "n \(n)")
                }
            }
            a.withUnsafeBufferPointer { pa in
                guard let base = pa.baseAddress else { return }
                a.map { $0 }.withUnsafeBufferPointer { copy in
                    XCTAssertTrue(bytesEqual(base, copy.baseAddress, count: n), "n \(n)")
                }
                for d in 0..<n {
                    var b = a
                    b[d] ^= 0x40
                    b.withUnsafeBufferPointer { pb in
                        XCTAssertFalse(bytesEqual(base, pb.baseAddress, count: n), "n \(n) differs at \(d)")
                    }
                }
            }
        }
    }

    func testByteMemoStaysBoundedAndFindsWhatItHolds() {
        let memo = ByteMemo(limit: 4)
        memo.reset(tag: 7)
        var stored: [String: UInt32] = [:]
        for k in 0..<10 {
            let key = "clave\(k)"
            Array(key.utf8).withUnsafeBufferPointer { buf in
                let h = ByteMemo.hash(buf)
                XCTAssertEqual(memo.find(buf, hash: h), -1)
                memo.startOverIfFull()
                let start = memo.begin()
                memo.words.append(UInt32(k))
                memo.bytes.append(contentsOf: buf)
                XCTAssertGreaterThanOrEqual(memo.commit(buf, hash: h, wordStart: start.wordStart, byteStart: start.byteStart), 0)
            }
            stored[key] = UInt32(k)
            XCTAssertLessThanOrEqual(memo.count, 4)
        }
        XCTAssertEqual(memo.tag, 7, "starting over keeps the settings tag")
        var found = 0
        for (key, value) in stored {
            Array(key.utf8).withUnsafeBufferPointer { buf in
                let slot = memo.find(buf, hash: ByteMemo.hash(buf))
                if slot >= 0 {
                    found += 1
                    XCTAssertEqual(Array(memo.words(of: slot)), [value])
                    XCTAssertEqual(String(decoding: memo.bytes(of: slot), as: UTF8.self), key)
                }
            }
        }
        XCTAssertEqual(found, memo.count)
        XCTAssertGreaterThan(found, 0)
    }

    /// Regression: when the chunk memo started over in the middle of a message, tokens
    /// replayed earlier in that message kept feature cells into the old entries; the next
    /// entry was stored over them, so "perro" got the features of "hola" (and a later replay
    /// of the overwritten entry could read garbage). Memos now fill up within a message and
    /// start over only before the next one.
    func testMemoStartingOverMidMessageKeepsFeatures() {
        let extractor = FeatureExtractor()
        let tiny = FeatureWorkspace(memoLimit: 2)
        for text in ["hola", "adios", "hola perro", "perro hola", "hola perro gato"] {
            extractor.extract(text, into: tiny)
            let fresh = FeatureWorkspace()
            extractor.extract(text, into: fresh)
            XCTAssertEqual(tiny.keys, fresh.keys, text)
            XCTAssertEqual(tiny.counts, fresh.counts, text)
        }
    }

    /// Regression: the word memo's settings tag kept 8 bits of the n-gram lengths, so
    /// extractors with character n-grams up to 256 and up to 257 (unvalidated settings) shared
    /// the features of a 256-byte word.
    func testWordMemoTellsLongNgramSettingsApart() {
        var upTo256 = FeatureSettings()
        upTo256.charNgramMin = 250
        upTo256.charNgramMax = 256
        var upTo257 = upTo256
        upTo257.charNgramMax = 257
        let word = String(repeating: "ab", count: 128)
        let shared = FeatureWorkspace()
        for features in [upTo256, upTo257, upTo256] {
            let extractor = FeatureExtractor(features: features)
            extractor.extract(word, into: shared)
            let fresh = FeatureWorkspace()
            extractor.extract(word, into: fresh)
            XCTAssertEqual(shared.keys, fresh.keys, "n-grams up to \(features.charNgramMax)")
            XCTAssertEqual(shared.counts, fresh.counts, "n-grams up to \(features.charNgramMax)")
        }
    }

    /// The same with the default memo: it fills up at 32768 chunks.
    func testDefaultMemoStartingOverMidMessageKeepsFeatures() {
        let extractor = FeatureExtractor(features: FeatureSettings.wordCounts)
        let warm = FeatureWorkspace()
        extractor.extract("hola", into: warm)
        // Distinct letter-only chunks fill the memo.
        var batch: [String] = []
        for k in 0..<((1 << 15) - 1) {
            var n = k
            var word = "w"
            repeat {
                word.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(n % 26))))
                n /= 26
            } while n > 0
            batch.append(word)
            if batch.count == 64 {
                extractor.extract(batch.joined(separator: " "), into: warm)
                batch.removeAll()
            }
        }
        extractor.extract(batch.joined(separator: " "), into: warm)
        XCTAssertEqual(warm.chunks.memo.count, 1 << 15, "the memo is full")
        for text in ["hola perro", "perro hola gato"] {
            extractor.extract(text, into: warm)
            let fresh = FeatureWorkspace()
            extractor.extract(text, into: fresh)
            XCTAssertEqual(warm.keys, fresh.keys, text)
            XCTAssertEqual(warm.counts, fresh.counts, text)
        }
    }

    // MARK: Randomized differential test

    /// Fragments whose tokens depend on context or on rare scanner paths.
    static let fragments: [String] = [
        "15", "mil", "15 mil", "15mil", "15k", "20usd", "8pm", "5 dolares", "20 rojos", "mil", "colones", "dolares",
        "lucas", "palos", "$", "$5", "$ 5", "₡", "₡5000", "€", "£", "€20", "5€", "15 000", "15.000", "2,5", "10:30",
        "8888 8888", "8888-8888", "+506", "+506 8888 8888", "12345678", "¿", "?", "¿hola?", "¿¿", "??", "!!", "¡",
        "¡hola!", "hola?", "?hola", "!", "¿?", "HOLA", "GRATIS", "GRATIS!!", "Hola", "hola", "HOLA", "OK", "SI", "ÁRBOL",
        "ÑANDÚ", "Ñandú", "ñ", "x", "q", "xq", "tmb", "pq", "k", "xfa", "decime", "querés", "sos", "poné", "hacé",
        "decíselo", "mirá", "pedí", "jajaja", "jsjs", "hahaha", "JAJAJA", "holaaaa", "carrrro", "sííí", "www.premio.com",
        "https://x.com/a?b=1", "http://bit.ly/Ab", "ganaste.com", "(premio.net)", "premio.com?", "ana@correo.com",
        "ANA@Correo.COM", "g@nar", "gan@ste", "G.R.A.T.I.S", "g-r-a-t-i-s", "G*R*A*T*I*S", "g_r_a", "a.b", "gan4ste", "h0la",
        "pr3mio", "4sd", "a1", "😀", "👍🏽", "❤️", "🇨🇷", "☎", "n\u{303}", "N\u{303}", "e\u{301}", "pone\u{301}",
        "u\u{308}", "a\u{300}", "a\u{200B}b", "\u{200B}hola", "ho\u{00AD}la", "\u{FEFF}", "\u{2060}", "e\u{0301}\u{0301}",
        "×", "÷", "ß", "ǅ", "Ĳ", "ﬁ", "ℌ", "α", "ДА", "日本", "…", "—", "\"", "(", ")", "<", ">", ":", ";", ",", ".", "-", "*",
        "_", "@", "+", "/", "#", "'", "a", "el", "de", "no", "que", "precio", "cuanto", "cuesta",
        String(repeating: "a", count: 47), String(repeating: "ab", count: 24), String(repeating: "b", count: 49),
        String(repeating: "xy", count: 150), String(repeating: "ñ", count: 30), String(repeating: "Á", count: 26),
        String(repeating: "jaja", count: 12), "a" + String(repeating: "?", count: 60),
    ]

    /// Separators between fragments (nothing glues two fragments into one chunk).
    static let separators: [String] = [" ", " ", " ", "", "  ", "\t", "\n", "\u{00A0}", "\u{2028}", "\u{3000}", " \r\n"]

    /// A random message as bytes: fragments (often repeated), random bytes and random scalars.
    static func randomMessage(_ rng: inout SplitMix64, pool: [[UInt8]]) -> [UInt8] {
        let seps = separators.map { Array($0.utf8) }
        var out: [UInt8] = []
        // Mostly short messages; some long ones, so a tiny memo starts over inside a message.
        let parts = rng.next() % 8 == 0 ? Int(rng.next() % 120) : Int(rng.next() % 9)
        for p in 0..<parts {
            if p > 0 || rng.next() % 4 == 0 { out += seps[Int(rng.next() % UInt64(seps.count))] }
            switch rng.next() % 16 {
            case 0:
                // Random bytes, including invalid UTF-8 and truncated sequences.
                let lead: [UInt8] = [0xC3, 0xE2, 0xF0, 0xFF, 0x80, 0xBF, 0xC0, 0xED, 0xF4]
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    out.append(rng.next() % 2 == 0 ? lead[Int(rng.next() % UInt64(lead.count))] : UInt8(truncatingIfNeeded: rng.next()))
                }
            case 1:
                // A random scalar (any plane), or a combining / invisible / emoji scalar.
                let ranges: [ClosedRange<UInt32>] = [
                    0x20...0x7E, 0xA0...0x17F, 0x300...0x36F, 0x2000...0x206F, 0x20A0...0x20CF, 0x1F300...0x1FAFF,
                    0xFE00...0xFE0F, 0x1F3FB...0x1F3FF, 0xE0000...0xE007F, 0x0...0x10FFFF,
                ]
                let r = ranges[Int(rng.next() % UInt64(ranges.count))]
                if let scalar = Unicode.Scalar(r.lowerBound + UInt32(rng.next() % UInt64(r.upperBound - r.lowerBound + 1))) {
                    out += Array(String(Character(scalar)).utf8)
                }
            default:
                // Fragments repeat, so warm memos get hits.
                out += pool[Int(rng.next() % UInt64(pool.count))]
            }
        }
        return out
    }

    static var settingsVariants: [TokenizerSettings] {
        var noPlaceholders = TokenizerSettings.spanish
        noPlaceholders.placeholders = false
        var keepAccents = TokenizerSettings.spanish
        keepAccents.foldAccents = false
        var plain = TokenizerSettings.spanish
        plain.deobfuscate = false
        plain.chatAbbreviations = false
        plain.voseo = false
        var stop = TokenizerSettings.spanish
        stop.stopwords = true
        stop.stemming = false
        return [.spanish, .basic, noPlaceholders, keepAccents, plain, stop]
    }

    /// The pool: fragments, a few whole corpus-like messages, and glued pairs.
    static func fragmentPool(_ rng: inout SplitMix64) -> [[UInt8]] {
        var pool = fragments.map { Array($0.utf8) } + tricky.map { Array($0.utf8) }
        for _ in 0..<60 {
            let a = fragments[Int(rng.next() % UInt64(fragments.count))]
            let b = fragments[Int(rng.next() % UInt64(fragments.count))]
            pool.append(Array((a + b).utf8))
        }
        return pool
    }

    func testRandomMessagesTokenizeLikeWithoutCache() {
        var rng = SplitMix64(seed: 0xC21B_A5EE)
        let pool = Self.fragmentPool(&rng)
        let variants = Self.settingsVariants
        // Warm caches: the default one, a tiny one that starts over every few chunks, and one
        // whose word budget runs out first.
        let warm = [ChunkCache(), ChunkCache(limit: 3), ChunkCache(limit: 50, wordLimit: 40)]
        let buffer = TokenBuffer()
        let reference = TokenBuffer()
        for round in 0..<6000 {
            let message = Self.randomMessage(&rng, pool: pool)
            // Settings change in runs, so memos warm up and then meet other settings.
            let tokenizer = Tokenizer(settings: variants[(round / 300) % variants.count])
            message.withUnsafeBufferPointer { bytes in
                tokenizer.tokenize(bytes: bytes, into: reference)
                let expected = reference.tokens
                tokenizer.tokenize(bytes: bytes, into: buffer, cache: ChunkCache())
                XCTAssertEqual(buffer.tokens, expected, "fresh cache, round \(round): \(Self.show(message))")
                for (k, cache) in warm.enumerated() {
                    tokenizer.tokenize(bytes: bytes, into: buffer, cache: cache)
                    XCTAssertEqual(buffer.tokens, expected, "warm cache \(k), round \(round): \(Self.show(message))")
                }
            }
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        XCTAssertGreaterThan(warm[0].memo.count, 100, "the messages fill the cache")
    }

    func testRandomMessagesExtractLikeAMemoFreeWorkspace() {
        var rng = SplitMix64(seed: 0x5EED_F00D)
        let pool = Self.fragmentPool(&rng)
        let words = FeatureSettings.ngrams(characters: nil)
        let chars = FeatureSettings.ngrams(characters: 1...8, bucketBits: 12)
        let trigrams = FeatureSettings.ngrams(words: 3, characters: 3...3)
        var extractors: [FeatureExtractor] = []
        for settings in Self.settingsVariants {
            for features in [FeatureSettings(), words, chars, trigrams] {
                extractors.append(FeatureExtractor(tokenizer: settings, features: features))
            }
        }
        let warm = [
            FeatureWorkspace(), FeatureWorkspace(memoLimit: 3), FeatureWorkspace(memoLimit: 40, memoWordLimit: 200),
        ]
        let reference = FeatureWorkspace(memoLimit: 0)
        for round in 0..<3000 {
            let message = Self.randomMessage(&rng, pool: pool)
            // Mostly long runs of one extractor, sometimes a switch every message.
            let extractor = round % 1000 < 900
                ? extractors[(round / 150) % extractors.count] : extractors[Int(rng.next() % UInt64(extractors.count))]
            message.withUnsafeBufferPointer { bytes in
                extractor.extract(bytes: bytes, into: reference)
                let fresh = FeatureWorkspace()
                extractor.extract(bytes: bytes, into: fresh)
                XCTAssertEqual(fresh.keys, reference.keys, "fresh workspace, round \(round): \(Self.show(message))")
                XCTAssertEqual(fresh.counts, reference.counts, "fresh workspace, round \(round): \(Self.show(message))")
                for (k, ws) in warm.enumerated() {
                    if round % 7 == 3 {
                        // The workspace's token buffer used by a bare tokenizer in between.
                        let other = Tokenizer(settings: Self.settingsVariants[round % Self.settingsVariants.count])
                        other.tokenize(bytes: bytes, into: ws.tokens)
                    }
                    extractor.extract(bytes: bytes, into: ws)
                    XCTAssertEqual(ws.tokens.tokens, reference.tokens.tokens, "warm workspace \(k), round \(round): \(Self.show(message))")
                    XCTAssertEqual(ws.keys, reference.keys, "warm workspace \(k), round \(round): \(Self.show(message))")
                    XCTAssertEqual(ws.counts, reference.counts, "warm workspace \(k), round \(round): \(Self.show(message))")
                }
            }
            if testRun?.failureCount ?? 0 > 0 { return }
        }
    }

    /// A message for failure output: valid UTF-8 as text, other bytes escaped.
    static func show(_ bytes: [UInt8]) -> String {
        var s = ""
        var i = 0
        while i < bytes.count {
            var end = i + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 && end - i < 4 { end += 1 }
            if let piece = String(validating: bytes[i..<end], as: UTF8.self) {
                s += piece.unicodeScalars.map { $0.value < 0x20 || (0x7F...0xA0).contains($0.value) || (0x200B...0x206F).contains($0.value) || (0xFE00...0xFEFF).contains($0.value) || (0x300...0x36F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
            } else {
                s += bytes[i..<end].map { "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            }
            i = end
        }
        return "\"" + s + "\""
    }
}
