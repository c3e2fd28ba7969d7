import Foundation
import XCTest

@testable import Criba

/// A fresh temporary directory, removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("criba-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Writes bytes to a file in `dir`, returning its path.
@discardableResult
func writeFile(_ dir: URL, _ name: String, _ bytes: [UInt8]) throws -> String {
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

@discardableResult
func writeFile(_ dir: URL, _ name: String, _ text: String) throws -> String {
    try writeFile(dir, name, Array(text.utf8))
}

/// The repository root (for Data/ and Models/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Words of tokens, as strings.
func texts(_ tokens: [Token]) -> [String] { tokens.map(\.text) }

extension FeatureSettings {
    /// The default settings with word n-grams up to `words` and character n-grams of the
    /// lengths `characters` (nil: none), in 2^`bucketBits` buckets.
    static func ngrams(
        words: Int = FeatureSettings().wordNgrams, characters: ClosedRange<Int>?, bucketBits: Int = FeatureSettings().bucketBits
    ) -> FeatureSettings {
        var s = FeatureSettings()
        s.wordNgrams = words
        if let characters {
            s.charNgramMin = characters.lowerBound
            s.charNgramMax = characters.upperBound
        } else {
            s.charNgramMax = 0
        }
        s.bucketBits = bucketBits
        return s
    }
}

/// The tiny multinomial naive Bayes model computed by hand in `NaiveBayesTests` (α = 1, word
/// counts, basic tokenizer): saludo counts hola 2, buenas 2, precio 0; precio counts hola 1,
/// precio 2; priors 1/2 each.
func handComputedNaiveBayes() throws -> Model {
    var o = TrainingOptions()
    o.algorithm = .naiveBayes
    o.tokenizer = .basic
    o.features = .wordCounts
    o.alpha = 1
    return try Trainer(options: o).train(on: [
        Example(text: "hola hola buenas", label: "saludo"),
        Example(text: "buenas", label: "saludo"),
        Example(text: "precio hola", label: "precio"),
        Example(text: "precio", label: "precio"),
    ])
}

/// The index drawn by `u` (in `0..<Σ weights`) from `weights` taken as unnormalised
/// probabilities.
func sampleIndex(weights: [Double], at u: Double) -> Int {
    var acc = 0.0
    for (j, w) in weights.enumerated() {
        acc += w
        if u < acc { return j }
    }
    return weights.count - 1
}

/// Three labels, 70 messages each: enough for a calibration (``TemperatureScaling/minimumHeldOut``).
func threeLabelExamples() -> [Example] {
    var examples: [Example] = []
    for i in 0..<70 {
        examples.append(Example(text: "hola buenas \(i % 3 == 0 ? "tardes" : "noches")", label: "saludo"))
        examples.append(Example(text: "cuánto cuesta el \(i % 2 == 0 ? "queque" : "pan")", label: "precio"))
        examples.append(Example(text: "ganaste un premio \(i % 2 == 0 ? "ya" : "hoy") ingresá", label: "spam"))
    }
    return examples
}
