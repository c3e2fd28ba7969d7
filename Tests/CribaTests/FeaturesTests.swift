import XCTest

@testable import Criba

/// Feature extraction: the features a message gives, by name and by key.
final class FeaturesTests: XCTestCase {
    func testNamedFeaturesMatchExtractedKeys() {
        let e = FeatureExtractor()
        let ws = FeatureWorkspace()
        for text in ["Holaaa, decime cuánto sale el envío a Heredia 🙏", "G.R.A.T.I.S ingresá a premio.example.com", "₡15 000 el kilo?"] {
            e.extract(text, into: ws)
            let named = e.namedFeatures(text)
            XCTAssertEqual(Set(named.map(\.key)), Set(ws.keys), text)
            XCTAssertEqual(named.map(\.count).reduce(0, +), Int(ws.counts.reduce(0, +)), text)
        }
    }

    func testStopwordsAreDroppedFromUnigramsOnlyWhenAsked() {
        var s = TokenizerSettings.spanish
        s.stopwords = true
        var f = FeatureSettings()
        f.charNgramMax = 0
        f.wordNgrams = 1
        let with = FeatureExtractor(tokenizer: s, features: f).namedFeatures("no tienen el queque").map(\.name)
        XCTAssertEqual(with, ["w:no", "w:tien", "w:quequ"])
        let without = FeatureExtractor(features: f).namedFeatures("no tienen el queque").map(\.name)
        XCTAssertEqual(without, ["w:no", "w:tien", "w:el", "w:quequ"])
    }
}
