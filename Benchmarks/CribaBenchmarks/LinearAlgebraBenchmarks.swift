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
        let dotBLAS = median {
            x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                for k in 0..<10 { sink += BLAS.dot(xp.baseAddress! + k, yp.baseAddress!, count: n - 16) }
            } }
        }
        let dotPlain = median {
            x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                for k in 0..<10 { sink += PlainVector.dot(xp.baseAddress! + k, yp.baseAddress!, count: n - 16) }
            } }
        }
        let axpyBLAS = median {
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                for _ in 0..<10 { BLAS.axpy(1e-3, xp.baseAddress!, yp.baseAddress!, count: n) }
            } }
        }
        let axpyPlain = median {
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                for _ in 0..<10 { PlainVector.axpy(1e-3, xp.baseAddress!, yp.baseAddress!, count: n) }
            } }
        }
        blackHole(sink)
        blackHole(y)
        report(String(format: "dot  (%d floats ×10): BLAS sdot %.2f ms, plain Swift %.2f ms, BLAS/plain speed %.2fx", n, dotBLAS * 1e3, dotPlain * 1e3, dotPlain / dotBLAS))
        report(String(format: "axpy (%d floats ×10): BLAS saxpy %.2f ms, plain Swift %.2f ms, BLAS/plain speed %.2fx", n, axpyBLAS * 1e3, axpyPlain * 1e3, axpyPlain / axpyBLAS))
    }

    /// The SGD decay rescale `W *= s` over the whole weight matrix: `sscal` against a loop.
    func testScale() {
        let n = 52_000 * 60
        var w = [Float](repeating: 0.5, count: n)
        let blas = median { w.withUnsafeMutableBufferPointer { for _ in 0..<10 { BLAS.scale(0.999, $0.baseAddress!, count: n) } } }
        let plain = median { w.withUnsafeMutableBufferPointer { p in for _ in 0..<10 { for i in 0..<n { p[i] *= 0.999 } } } }
        blackHole(w)
        report(String(format: "weight rescale (%d floats ×10): BLAS sscal %.2f ms, plain Swift %.2f ms, ratio %.2fx", n, blas * 1e3, plain * 1e3, plain / blas))
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
        var out = [Double](repeating: 0, count: c * c)
        var check = [[Double]]()
        func time(_ f: (UnsafePointer<Double>, Int, Int, UnsafeMutablePointer<Double>) -> Void) -> Double {
            let t = median {
                p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { f(pp.baseAddress!, n, c, $0.baseAddress!) } }
            }
            check.append(out)
            return t
        }
        let syrk = time { BLAS.gram($0, rows: $1, columns: $2, into: $3) }
        let gemm = time { BLAS.gramGEMM($0, rows: $1, columns: $2, into: $3) }
        let plain = time { PlainDense.gram($0, rows: $1, columns: $2, into: $3) }
        for k in 1..<check.count {
            for i in 0..<(c * c) { XCTAssertEqual(check[k][i], check[0][i], accuracy: 1e-9) }
        }
        report(String(format: "PᵀP (%d×%d doubles): BLAS dsyrk %.3f ms, BLAS dgemm %.3f ms, plain Swift %.3f ms; plain/dsyrk %.2fx, plain/dgemm %.2fx", n, c, syrk * 1e3, gemm * 1e3, plain * 1e3, plain / syrk, plain / gemm))
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
            func time(_ solve: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Bool) -> (Double, [Double]) {
                var x = b
                let t = median {
                    for _ in 0..<repeats {
                        var a = h
                        x = b
                        let ok = a.withUnsafeMutableBufferPointer { ap in x.withUnsafeMutableBufferPointer { solve(ap.baseAddress!, $0.baseAddress!, dim) } }
                        sink += ok ? x[0] : 1
                    }
                }
                return (t / Double(repeats), x)
            }
            let (lapack, x1) = time { BLAS.solvePositiveDefinite($0, $1, n: $2) }
            let (plain, x2) = time { PlainDense.solvePositiveDefinite($0, $1, n: $2) }
            for i in 0..<dim { XCTAssertEqual(x1[i], x2[i], accuracy: 1e-9 * max(1, abs(x1[i]))) }
            blackHole(sink)
            report(String(format: "Newton solve %d×%d (copy + solve): LAPACK dposv %.2f µs, plain-Swift Cholesky %.2f µs; plain/dposv %.2fx", dim, dim, lapack * 1e6, plain * 1e6, plain / lapack))
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

    /// Classifying the corpus one message at a time: naive Bayes against logistic regression.
    func testClassifyBatch() throws {
        let texts = Self.messages
        var nbOptions = TrainingOptions()
        nbOptions.algorithm = .naiveBayes
        nbOptions.features.weighting = .count
        nbOptions.features.idf = false
        nbOptions.features.normalize = false
        let nb = Classifier(model: try Trainer(options: nbOptions).train(on: Self.examples))
        let lr = Classifier(model: try Trainer().train(on: Self.examples))
        let utf8 = texts.map { Array($0.utf8) }
        func run(_ c: Classifier) -> Double {
            median {
                var best = 0
                for m in utf8 {
                    m.withUnsafeBufferPointer { b in c.withProbabilities(utf8: b) { p in best &+= p[0] > 0.5 ? 1 : 0 } }
                }
                blackHole(best)
            }
        }
        let tnb = run(nb)
        let tlr = run(lr)
        report(String(format: "classify %d messages: naive Bayes %.0f msgs/s, svm (defaults) %.0f msgs/s", texts.count, Double(texts.count) / tnb, Double(texts.count) / tlr))
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
            let memoised = median {
                var n = 0
                for m in utf8 {
                    m.withUnsafeBufferPointer { b in classifier.withProbabilities(utf8: b) { p in n &+= p[0] > 0.5 ? 1 : 0 } }
                }
                blackHole(n)
            }
            let ws = FeatureWorkspace()
            var v = SparseVector()
            var scores = [Float](repeating: 0, count: c)
            let rowByRow = median {
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
            report(String(format: "classify %@ (%d messages, %d labels, %d rows): word scores %.0f msgs/s, row by row %.0f msgs/s (%.2fx)", name, utf8.count, c, model.featureCount, Double(utf8.count) / memoised, Double(utf8.count) / rowByRow, rowByRow / memoised))
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
            func run(_ f: (UnsafeMutableBufferPointer<Float>) -> Void) -> Double {
                median {
                    buffer = input
                    buffer.withUnsafeMutableBufferPointer { b in
                        for v in 0..<vectors { f(UnsafeMutableBufferPointer(rebasing: b[(v * labels)..<((v + 1) * labels)])) }
                    }
                    blackHole(buffer)
                }
            }
            let kernel = run { softmaxInPlace($0, inverseTemperature: 1) }
            let plain = run(swiftSoftmax)
            report(String(format: "softmax of %d labels: C kernel %.1f ns, Swift expf loop %.1f ns per vector (%.2fx)", labels, kernel / Double(vectors) * 1e9, plain / Double(vectors) * 1e9, plain / kernel))
        }
    }
}
