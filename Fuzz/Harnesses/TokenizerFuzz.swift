// libFuzzer harness: the tokenizer and the feature extractor on arbitrary bytes.
//
// The byte path (what `classify` uses) and the String path (what training and `tokenize`
// use) must agree on the features of valid UTF-8; the first byte chooses the settings.
import Foundation

@testable import Criba

let extractors: [FeatureExtractor] = {
    var plain = TokenizerSettings.spanish
    plain.stemming = false
    plain.stopwords = false
    var words = FeatureSettings()
    words.wordNgrams = 1
    words.charNgramMin = 3
    words.charNgramMax = 3
    words.bucketBits = 16
    return [FeatureExtractor(), FeatureExtractor(tokenizer: plain, features: words)]
}()
let workspace = FeatureWorkspace()
let second = FeatureWorkspace()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let extractor = extractors[Int(data[0] & 1)]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    extractor.extract(bytes: bytes, into: workspace)
    let keys = workspace.keys
    // The same bytes as a String (invalid UTF-8 repaired) through the String path.
    let text = String(decoding: bytes, as: UTF8.self)
    if text.utf8.elementsEqual(bytes) {
        extractor.extract(text, into: second)
        precondition(second.keys == keys, "byte and String paths disagree")
    }
    _ = extractor.tokensWithStems(text)
    _ = extractor.namedFeatures(text)
    return 0
}
