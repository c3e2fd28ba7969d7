import Foundation
import XCTest

@testable import Criba

/// Each BLAS use in Criba against the plain-Swift loop it replaces, in the same run.
final class LinearAlgebraBenchmarks: BenchmarkCase {
    /// L-BFGS vector work on a parameter vector the size of a MASSIVE model (52k features ×
    /// 60 labels): dot products and `y += a·x`, BLAS (`sdot`, `saxpy`) against loops.
    func testLBFGSVectorOps() {
        let n = 52_000 * 60
        var rng = SplitMix64(seed: 3)
        let x = (0..<n).map { _ in Float(rng.below(1000)) / 1000 - 0.5 }
        var y = (0..<n).map { _ in Float(rng.below(1000)) / 1000 - 0.5 }
        var sink: Float = 0
        let dot = interleavedTimes([
            {
                x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                    for k in 0..<10 { sink += BLAS.dot(xp.baseAddress! + k, yp.baseAddress!, count: n - 16) }
                } }
            },
            {
                x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                    for k in 0..<10 { sink += PlainVector.dot(xp.baseAddress! + k, yp.baseAddress!, count: n - 16) }
                } }
            },
        ])
        let axpy = interleavedTimes([
            {
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                    for _ in 0..<10 { BLAS.axpy(1e-3, xp.baseAddress!, yp.baseAddress!, count: n) }
                } }
            },
            {
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                    for _ in 0..<10 { PlainVector.axpy(1e-3, xp.baseAddress!, yp.baseAddress!, count: n) }
                } }
            },
        ])
        blackHole(sink)
        blackHole(y)
        report(String(format: "dot  (%d floats ×10): BLAS sdot %.2f ms, plain Swift %.2f ms, BLAS/plain speed ", n, medianOf(dot[0]) * 1e3, medianOf(dot[1]) * 1e3) + ratio(dot[1], dot[0]))
        report(String(format: "axpy (%d floats ×10): BLAS saxpy %.2f ms, plain Swift %.2f ms, BLAS/plain speed ", n, medianOf(axpy[0]) * 1e3, medianOf(axpy[1]) * 1e3) + ratio(axpy[1], axpy[0]))
    }

    /// The SGD decay rescale `W *= s` over the whole weight matrix: `sscal` against a loop.
    func testScale() {
        let n = 52_000 * 60
        var w = [Float](repeating: 0.5, count: n)
        // Rescaling by 0.999 and back keeps the values in range over all rounds.
        let t = interleavedTimes([
            { w.withUnsafeMutableBufferPointer { for k in 0..<10 { BLAS.scale(k % 2 == 0 ? 0.999 : 1 / 0.999, $0.baseAddress!, count: n) } } },
            {
                w.withUnsafeMutableBufferPointer { p in
                    for k in 0..<10 {
                        let s: Float = k % 2 == 0 ? 0.999 : 1 / 0.999
                        for i in 0..<n { p[i] *= s }
                    }
                }
            },
        ])
        blackHole(w)
        report(String(format: "weight rescale (%d floats ×10): BLAS sscal %.2f ms, plain Swift %.2f ms, plain/BLAS ", n, medianOf(t[0]) * 1e3, medianOf(t[1]) * 1e3) + ratio(t[1], t[0]))
    }
}

/// The dense pieces of a Newton step of bias calibration (``BiasScaling``): the `C×C` product
/// `PᵀP` of the held-out probabilities and the `(C+1)×(C+1)` positive-definite solve.
final class CalibrationLinearAlgebraBenchmarks: BenchmarkCase {
    /// Softmax-like rows (positive, summing to 1), `rows × columns`.
    static func probabilities(rows: Int, columns: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var p = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            var sum = 0.0
            for j in 0..<columns {
                p[i * columns + j] = exp(Double(rng.below(8000)) / 1000 - 4)
                sum += p[i * columns + j]
            }
            for j in 0..<columns { p[i * columns + j] /= sum }
        }
        return p
    }

    /// `PᵀP` for N = 11,514 held-out messages and C = 60 labels.
    func testGram() {
        BLAS.singleThreaded
        let n = 11_514
        let c = 60
        let p = Self.probabilities(rows: n, columns: c, seed: 5)
        // One output per variant, compared after the timing.
        var out = [[Double]](repeating: [Double](repeating: 0, count: c * c), count: 3)
        func body(_ k: Int, _ f: @escaping (UnsafePointer<Double>, Int, Int, UnsafeMutablePointer<Double>) -> Void) -> () -> Void {
            {
                p.withUnsafeBufferPointer { pp in out[k].withUnsafeMutableBufferPointer { f(pp.baseAddress!, n, c, $0.baseAddress!) } }
            }
        }
        let t = interleavedTimes([
            body(0) { BLAS.gram($0, rows: $1, columns: $2, into: $3) },
            body(1) { BLAS.gramGEMM($0, rows: $1, columns: $2, into: $3) },
            body(2) { PlainDense.gram($0, rows: $1, columns: $2, into: $3) },
        ])
        for k in 1..<out.count {
            for i in 0..<(c * c) { XCTAssertEqual(out[k][i], out[0][i], accuracy: 1e-9) }
        }
        report(String(format: "PᵀP (%d×%d doubles): BLAS dsyrk %.3f ms, BLAS dgemm %.3f ms, plain Swift %.3f ms; ", n, c, medianOf(t[0]) * 1e3, medianOf(t[1]) * 1e3, medianOf(t[2]) * 1e3) + "plain/dsyrk " + ratio(t[2], t[0]) + ", plain/dgemm " + ratio(t[2], t[1]))
    }

    /// The Newton solve at C + 1 = 13 and 61 (and sizes between, for the crossover): LAPACK
    /// `dposv` against a plain-Swift Cholesky.
    func testNewtonSolve() {
        BLAS.singleThreaded
        for dim in [13, 21, 29, 37, 45, 61] {
            // A Hessian-like matrix: diag(Σp) − PᵀP + λI, well conditioned.
            let rows = 2000
            let p = Self.probabilities(rows: rows, columns: dim, seed: 9)
            var g = [Double](repeating: 0, count: dim * dim)
            p.withUnsafeBufferPointer { pp in g.withUnsafeMutableBufferPointer { PlainDense.gram(pp.baseAddress!, rows: rows, columns: dim, into: $0.baseAddress!) } }
            var h = g.map { -$0 }
            for j in 0..<dim {
                var col = 0.0
                for i in 0..<rows { col += p[i * dim + j] }
                h[j * dim + j] += col + 2
            }
            let b = (0..<dim).map { Double($0 % 7) - 3 }
            let repeats = 1000
            var sink = 0.0
            var xs = [b, b]
            func body(_ k: Int, _ solve: @escaping (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Bool) -> () -> Void {
                {
                    for _ in 0..<repeats {
                        var a = h
                        xs[k] = b
                        let ok = a.withUnsafeMutableBufferPointer { ap in xs[k].withUnsafeMutableBufferPointer { solve(ap.baseAddress!, $0.baseAddress!, dim) } }
                        sink += ok ? xs[k][0] : 1
                    }
                }
            }
            let t = interleavedTimes([
                body(0) { BLAS.solvePositiveDefinite($0, $1, n: $2) },
                body(1) { PlainDense.solvePositiveDefinite($0, $1, n: $2) },
            ])
            let (x1, x2) = (xs[0], xs[1])
            let (lapack, plain) = (medianOf(t[0]) / Double(repeats), medianOf(t[1]) / Double(repeats))
            for i in 0..<dim { XCTAssertEqual(x1[i], x2[i], accuracy: 1e-9 * max(1, abs(x1[i]))) }
            blackHole(sink)
            report(String(format: "Newton solve %d×%d (copy + solve): LAPACK dposv %.2f µs, plain-Swift Cholesky %.2f µs; plain/dposv ", dim, dim, lapack * 1e6, plain * 1e6) + ratio(t[1], t[0]))
        }
    }
}

/// Training and scoring hot loops on the project's corpus.
final class ModelBenchmarks: BenchmarkCase {
    func trainingSet() throws -> (RawFeatures, [String]) {
        var set = try TrainingSet(options: TrainingOptions())
        for (i, e) in Self.examples.enumerated() { set.add(e.text, label: e.label, line: i + 2) }
        set.sortLabels()
        return (set.raw, set.labels)
    }

    /// One evaluation of the logistic-regression objective and gradient (the L-BFGS inner loop).
    func testObjectiveAndGradient() throws {
        let (raw, labels) = try trainingSet()
        let vocabulary = raw.vocabulary(minCount: 1, idf: true)
        let space = FeatureSpace(keys: vocabulary.keys, idf: vocabulary.idf, settings: FeatureSettings())
        let matrix = raw.matrix(in: space)
        let objective = SoftmaxObjective(
            matrix: matrix, classes: labels.count, features: space.count, lambda: 1e-5,
            classWeights: [Float](repeating: 1, count: labels.count), ratios: nil)
        let theta = [Float](repeating: 0.01, count: objective.parameterCount)
        var gradient = [Float](repeating: 0, count: objective.parameterCount)
        var value = 0.0
        let t = median {
            value = theta.withUnsafeBufferPointer { tp in gradient.withUnsafeMutableBufferPointer { objective.evaluate(tp, gradient: $0) } }
        }
        blackHole(value)
        let nnz = matrix.columns.count
        report(String(format: "objective+gradient: %d messages, %d non-zeros, %d labels: %.2f ms (%.0f M multiply-adds/s)", matrix.rows, nnz, labels.count, t * 1e3, Double(2 * nnz * labels.count) / t / 1e6))
    }

    /// Classifying the corpus one message at a time: naive Bayes against the default linear
    /// SVM. The corpus is replayed every round, so after the warm-up round the per-thread
    /// memos hold every chunk and word of it: the best case of the memos, not a realistic one
    /// (``testClassifyColdAgainstWarm()`` measures messages never seen before).
    func testClassifyBatch() throws {
        let texts = Self.messages
        var nbOptions = TrainingOptions()
        nbOptions.algorithm = .naiveBayes
        nbOptions.features.weighting = .count
        nbOptions.features.idf = false
        nbOptions.features.normalize = false
        let nb = Classifier(model: try Trainer(options: nbOptions).train(on: Self.examples))
        let svm = Classifier(model: try Trainer().train(on: Self.examples))
        let utf8 = texts.map { Array($0.utf8) }
        func run(_ c: Classifier) -> () -> Void {
            {
                var best = 0
                for m in utf8 {
                    m.withUnsafeBufferPointer { b in c.withProbabilities(utf8: b) { p in best &+= p[0] > 0.5 ? 1 : 0 } }
                }
                blackHole(best)
            }
        }
        let t = interleavedTimes([run(nb), run(svm)])
        report(String(format: "classify %d messages, corpus replayed (memos warm: best case): naive Bayes %.0f msgs/s, svm (defaults) %.0f msgs/s, NB/svm speed ", texts.count, Double(texts.count) / medianOf(t[0]), Double(texts.count) / medianOf(t[1])) + ratio(t[1], t[0]))
    }

    /// Distinct messages of two real texts each (as `Benchmarks/make_workloads.py` builds),
    /// `count` per slice, no line repeated over all slices.
    static func joinedMessages(from texts: [String], slices: Int, count: Int, seed: UInt64) -> [[[UInt8]]] {
        let pool = Array(Set(texts.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }).filter { !$0.isEmpty }).sorted()
        precondition(pool.count > 1, "no messages to join")
        var rng = SplitMix64(seed: seed)
        var seen = Set<String>()
        var out: [[[UInt8]]] = []
        for _ in 0..<slices {
            var slice: [[UInt8]] = []
            while slice.count < count {
                let (i, j) = (rng.below(pool.count), rng.below(pool.count))
                let line = pool[i] + " " + pool[j]
                if i != j && seen.insert(line).inserted { slice.append(Array(line.utf8)) }
            }
            out.append(slice)
        }
        return out
    }

    /// Cold against warm classification with the default model (MASSIVE es-ES when the shared
    /// data sets are next to the repository, else the project's corpus), in alternating rounds:
    ///
    /// - cold: each round classifies a slice of distinct messages that no earlier round (nor
    ///   the warm-up) has seen, with a new ``Classifier`` on a new thread, so every per-thread
    ///   memo starts empty and fills only from the words that recur within the slice, as in a
    ///   real inbox;
    /// - warm (best case): the same one classifier, on this thread, classifies the same slice
    ///   (the warm-up round's) every round, so the memos hit on every chunk and word.
    func testClassifyColdAgainstWarm() throws {
        let massive = Self.root.deletingLastPathComponent().appendingPathComponent("shared/datasets/massive-es/train.csv").path
        let (name, examples): (String, [Example]) =
            FileManager.default.fileExists(atPath: massive)
            ? ("massive-es/train.csv", try LabelledCSV(path: massive).examples()) : ("Data/train.csv", Self.examples)
        let model = try Trainer().train(on: examples)
        let rounds = 7
        let perSlice = 20_000
        // Slice 0 is the warm-up round's; the warm body replays it.
        let slices = Self.joinedMessages(from: examples.map(\.text) + Self.messages, slices: rounds + 1, count: perSlice, seed: 21)
        var next = 0
        let cold = {
            let slice = slices[next]
            next += 1
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                let c = Classifier(model: model)
                var n = 0
                for m in slice {
                    m.withUnsafeBufferPointer { b in c.withProbabilities(utf8: b) { p in n &+= p[0] > 0.5 ? 1 : 0 } }
                }
                blackHole(n)
                done.signal()
            }
            thread.start()
            done.wait()
        }
        let warmClassifier = Classifier(model: model)
        let warm = {
            var n = 0
            for m in slices[0] {
                m.withUnsafeBufferPointer { b in warmClassifier.withProbabilities(utf8: b) { p in n &+= p[0] > 0.5 ? 1 : 0 } }
            }
            blackHole(n)
        }
        let t = interleavedTimes(rounds: rounds, [cold, warm])
        XCTAssertEqual(next, rounds + 1)
        let bytes = slices[1...].reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } / rounds
        report(String(format: "classify %@ model (%d labels), %d distinct joined messages per round (%.0f bytes each): cold (new messages, new classifier and thread each round) %.0f msgs/s, warm (the same messages replayed: best case) %.0f msgs/s, warm/cold ", name, model.labels.count, perSlice, Double(bytes) / Double(perSlice), Double(perSlice) / medianOf(t[0]), Double(perSlice) / medianOf(t[1])) + ratio(t[0], t[1]))
    }

    /// Scoring through per-word character n-gram sums (``Scorer`` with its ``WordScoreMemo``,
    /// what ``Classifier`` does) against vectorising each message and scoring it row by row, on the same model:
    /// the project's corpus (12 labels) and, when the shared data sets are next to the
    /// repository, MASSIVE es-ES (60 labels).
    func testWordScoresAgainstRowByRow() throws {
        var sets: [(String, [Example])] = [("Data/train.csv", Self.examples)]
        let massive = Self.root.deletingLastPathComponent().appendingPathComponent("shared/datasets/massive-es/train.csv").path
        if FileManager.default.fileExists(atPath: massive) {
            sets.append(("massive-es/train.csv", try LabelledCSV(path: massive).examples()))
        }
        for (name, examples) in sets {
            let model = try Trainer().train(on: examples)
            let classifier = Classifier(model: model)
            let utf8 = examples.map { Array($0.text.utf8) }
            let c = model.labels.count
            let memoised = {
                var n = 0
                for m in utf8 {
                    m.withUnsafeBufferPointer { b in classifier.withProbabilities(utf8: b) { p in n &+= p[0] > 0.5 ? 1 : 0 } }
                }
                blackHole(n)
            }
            let ws = FeatureWorkspace()
            var v = SparseVector()
            var scores = [Float](repeating: 0, count: c)
            let rowByRow = {
                var n = 0
                for m in utf8 {
                    m.withUnsafeBufferPointer { classifier.extractor.extract(bytes: $0, into: ws) }
                    model.space.vectorize(ws, into: &v)
                    scores.withUnsafeMutableBufferPointer { s in
                        model.scores(v, into: s)
                        model.softmax(s)
                        n &+= s[0] > 0.5 ? 1 : 0
                    }
                }
                blackHole(n)
            }
            let t = interleavedTimes([memoised, rowByRow])
            report(String(format: "classify %@ (%d messages replayed, %d labels, %d rows): word scores %.0f msgs/s, row by row %.0f msgs/s, word scores/row by row speed ", name, utf8.count, c, model.featureCount, Double(utf8.count) / medianOf(t[0]), Double(utf8.count) / medianOf(t[1])) + ratio(t[1], t[0]))
        }
    }

    /// The softmax kernel against the same formula in Swift with `expf`, on MASSIVE-sized
    /// score vectors (60 labels) and Data/-sized ones (12).
    func testSoftmaxKernelAgainstSwiftExpf() {
        for labels in [12, 60] {
            var rng = SplitMix64(seed: 3)
            let vectors = 20_000
            let input = (0..<(vectors * labels)).map { _ in Float(rng.next() >> 40) / Float(1 << 24) * 8 - 4 }
            var buffer = input
            func swiftSoftmax(_ s: UnsafeMutableBufferPointer<Float>) {
                var m = -Float.infinity
                for j in 0..<s.count { m = max(m, s[j]) }
                var sum: Float = 0
                for j in 0..<s.count {
                    let e = expf(s[j] - m)
                    s[j] = e
                    sum += e
                }
                let r = 1 / sum
                for j in 0..<s.count { s[j] *= r }
            }
            func run(_ f: @escaping (UnsafeMutableBufferPointer<Float>) -> Void) -> () -> Void {
                {
                    buffer = input
                    buffer.withUnsafeMutableBufferPointer { b in
                        for v in 0..<vectors { f(UnsafeMutableBufferPointer(rebasing: b[(v * labels)..<((v + 1) * labels)])) }
                    }
                    blackHole(buffer)
                }
            }
            let t = interleavedTimes([run { softmaxInPlace($0, inverseTemperature: 1) }, run(swiftSoftmax)])
            report(String(format: "softmax of %d labels: C kernel %.1f ns, Swift expf loop %.1f ns per vector; Swift/kernel ", labels, medianOf(t[0]) / Double(vectors) * 1e9, medianOf(t[1]) / Double(vectors) * 1e9) + ratio(t[1], t[0]))
        }
    }
}
