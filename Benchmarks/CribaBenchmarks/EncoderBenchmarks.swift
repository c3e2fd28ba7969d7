import Foundation
import XCTest

@testable import Criba

/// The sentence encoder's forward pass against plain `cblas_sgemm` calls on the same shapes
/// (the floor set by BLAS), in alternating rounds.
final class EncoderBenchmarks: BenchmarkCase {
    /// The matrix products of one micro-batch of `pieces` pieces from `messages` messages:
    /// `(m, n, k)` each.
    static func shapes(pieces t: Int, messages s: Int) -> [(Int, Int, Int)] {
        var out = [(t, 768, 512)]
        for n in [2, 3, 5] { out += [(t, 256, n * 256), (t, 256, n * 256)] }
        out += [(s, 512, 1280), (s, 320, 512), (s, 320, 512), (s, 320, 320), (s, 512, 320), (s, 512, 320), (s, 512, 512)]
        return out
    }

    /// 1,000 of the project's messages: the encoder's `encode(_:)` (tokenization, embedding
    /// rows, all products, layer norms, pooling) against the bare products it makes.
    func testEncoderAgainstPlainSGEMM() throws {
        let encoder = try SentenceEncoder(contentsOf: Self.root.appendingPathComponent("Models/use-m3.encoder").path)
        let texts = Array(Self.messages.prefix(1000))
        // The micro-batches `encode` makes, from the same tokenization.
        let workspace = EncoderWorkspace(weights: encoder.weights)
        var batches: [(pieces: Int, messages: Int)] = []
        var t = 0
        var s = 0
        for var text in texts {
            let n = text.withUTF8 { workspace.pieces(of: $0) }
            precondition(n <= SentenceEncoder.tokenBudget, "benchmark messages fit one micro-batch")
            if t + n > SentenceEncoder.tokenBudget {
                batches.append((t, s))
                t = 0
                s = 0
            }
            t += n
            s += 1
        }
        batches.append((t, s))
        let shapes = batches.flatMap { Self.shapes(pieces: $0.pieces, messages: $0.messages) }
        let flops = shapes.reduce(0.0) { $0 + 2 * Double($1.0 * $1.1 * $1.2) }
        let pieces = batches.reduce(0) { $0 + $1.pieces }

        let budget = SentenceEncoder.tokenBudget
        let a = [Float](repeating: 0.01, count: budget * 1280)
        let b = [Float](repeating: 0.02, count: 1280 * 768)
        var c = [Float](repeating: 0, count: budget * 768)
        BLAS.singleThreaded
        var sink: Float = 0
        let times = interleavedMedians(rounds: 7, [
            { blackHole(encoder.encode(texts)) },
            {
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    for (m, n, k) in shapes {
                        BLAS.gemm(m: m, n: n, k: k, ap.baseAddress!, lda: k, bp.baseAddress!, ldb: n, cp.baseAddress!, ldc: n, beta: 0)
                    }
                } } }
                sink += c[0]
            },
        ])
        blackHole(sink)
        let (encode, gemm) = (times[0], times[1])
        report(String(format: "encoder: %d messages (%d pieces, %d micro-batches) in %.1f ms: %.0f messages/s", texts.count, pieces, batches.count, encode * 1e3, Double(texts.count) / encode))
        report(String(format: "encoder products %.2f GFLOP: %.1f GFLOP/s in the encoder, %.1f GFLOP/s as bare sgemm calls on the same shapes (%.1f ms); encoder/sgemm %.0f%%", flops / 1e9, flops / encode / 1e9, flops / gemm / 1e9, gemm * 1e3, 100 * gemm / encode))
    }
}
