import XCTest

@testable import Criba

final class HashTests: XCTestCase {
    /// FNV-1a 64 values computed independently (Python) and pinned: persisted models depend on them.
    func testGoldenHashes() {
        XCTAssertEqual(FeatureHash.hash("niño", namespace: .word), 0x37c8_99c7_80c1_3c1a)
        XCTAssertEqual(FeatureHash.hash("¡GRATIS!", namespace: .word), 0xfefe_e5d2_0e6d_464c)
        XCTAssertEqual(FeatureHash.hash("gratis", namespace: .word), 0xc262_fa89_e71a_dffc)
        XCTAssertEqual(FeatureHash.hash("hola", namespace: .word), 0xc985_2178_680d_ec4a)
    }
}
