import Foundation
import XCTest

@testable import Criba

/// Tokenize + featurize throughput on the project's own messages, against a straightforward
/// `String`/`Character` tokenizer measured in the same run.
final class TokenizerBenchmarks: BenchmarkCase {
    /// A plain Swift baseline: lower-case, fold accents, split on non-letters, hash words.
    static func characterBaseline(_ text: String) -> Int {
        var count = 0
        var word = ""
        func flush() {
            if !word.isEmpty {
                count &+= FeatureHash.hash(word, namespace: .word).hashValue & 1
                word.removeAll(keepingCapacity: true)
            }
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                let folded = String(ch).folding(options: .diacriticInsensitive, locale: nil)
                word += ch == "ñ" ? "ñ" : folded
            } else {
                flush()
            }
        }
        flush()
        return count
    }

    func testTokenizeAndFeaturizeThroughput() throws {
        let messages = Self.messages
        XCTAssertFalse(messages.isEmpty)
        let passes = 5
        let bytes = messages.reduce(0) { $0 + $1.utf8.count } * passes
        let utf8 = messages.map { Array($0.utf8) }
        let buffer = TokenBuffer()
        let cache = ChunkCache()
        let tokenizer = Tokenizer()
        let tokenizeOnly = {
            for _ in 0..<passes {
                for m in utf8 { m.withUnsafeBufferPointer { tokenizer.tokenize(bytes: $0, into: buffer, cache: cache) } }
            }
            blackHole(buffer)
        }
        func featurize(_ extractor: FeatureExtractor, cold: Bool = false) -> () -> Void {
            let shared = FeatureWorkspace()
            return {
                var n = 0
                for _ in 0..<passes {
                    // Cold: a new workspace per pass, so every word is met for the first time once.
                    let ws = cold ? FeatureWorkspace() : shared
                    for m in utf8 {
                        m.withUnsafeBufferPointer { extractor.extract(bytes: $0, into: ws) }
                        // The buffer itself: `keys` would copy it into a new array per message.
                        n &+= ws.keyBuffer.count
                    }
                }
                blackHole(n)
            }
        }
        var words = FeatureSettings()
        words.charNgramMax = 0
        // One pass of the baseline per round (it is slow), scaled to `passes` below.
        let baselinePass = {
            var n = 0
            for m in messages { n &+= Self.characterBaseline(m) }
            blackHole(n)
        }
        let t = interleavedMedians([
            tokenizeOnly, featurize(FeatureExtractor(features: words)), featurize(FeatureExtractor()),
            featurize(FeatureExtractor(), cold: true), baselinePass,
        ])
        let (tokenizeOnlyTime, wordOnly, full, fullCold) = (t[0], t[1], t[2], t[3])
        let baseline = t[4] * Double(passes)
        let mb = Double(bytes) / 1e6
        report(String(format: "corpus: %d messages, %.2f MB, %d passes per run", messages.count, mb / Double(passes), passes))
        report(String(format: "tokenize only:                        %7.1f MB/s", mb / tokenizeOnlyTime))
        report(String(format: "tokenize+featurize (words):           %7.1f MB/s", mb / wordOnly))
        report(String(format: "tokenize+featurize (default):         %7.1f MB/s", mb / full))
        report(String(format: "tokenize+featurize (default, cold):   %7.1f MB/s (new workspace per pass: empty memos)", mb / fullCold))
        report(String(format: "Character-based baseline:             %7.1f MB/s (Criba default features are %.1fx faster)", mb / baseline, baseline / full))
    }
}
