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
        let bytes = messages.reduce(0) { $0 + $1.utf8.count }
        let utf8 = messages.map { Array($0.utf8) }
        let extractor = FeatureExtractor()
        let ws = FeatureWorkspace()
        let buffer = TokenBuffer()
        let tokenizer = Tokenizer()
        let tokenizeOnly = median {
            for m in utf8 { m.withUnsafeBufferPointer { tokenizer.tokenize(bytes: $0, into: buffer) } }
            blackHole(buffer)
        }
        let full = median {
            var n = 0
            for m in utf8 {
                m.withUnsafeBufferPointer { extractor.extract(bytes: $0, into: ws) }
                n &+= ws.keys.count
            }
            blackHole(n)
        }
        var words = FeatureSettings()
        words.charNgramMax = 0
        let wordExtractor = FeatureExtractor(features: words)
        let wordOnly = median {
            var n = 0
            for m in utf8 {
                m.withUnsafeBufferPointer { wordExtractor.extract(bytes: $0, into: ws) }
                n &+= ws.keys.count
            }
            blackHole(n)
        }
        let baseline = median(runs: 3) {
            var n = 0
            for m in messages { n &+= Self.characterBaseline(m) }
            blackHole(n)
        }
        let mb = Double(bytes) / 1e6
        report(String(format: "corpus: %d messages, %.2f MB", messages.count, mb))
        report(String(format: "tokenize only:                 %7.1f MB/s", mb / tokenizeOnly))
        report(String(format: "tokenize+featurize (words):    %7.1f MB/s", mb / wordOnly))
        report(String(format: "tokenize+featurize (default):  %7.1f MB/s", mb / full))
        report(String(format: "Character-based baseline:      %7.1f MB/s (Criba default features are %.1fx faster)", mb / baseline, baseline / full))
    }
}
