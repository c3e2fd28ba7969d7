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

/// Training and scoring hot loops on the project's corpus.
final class ModelBenchmarks: BenchmarkCase {
    func trainingSet() throws -> (RawFeatures, [String]) {
        var set = TrainingSet(options: TrainingOptions())
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
        report(String(format: "classify %d messages: naive Bayes %.0f msgs/s, nblr %.0f msgs/s", texts.count, Double(texts.count) / tnb, Double(texts.count) / tlr))
    }
}
