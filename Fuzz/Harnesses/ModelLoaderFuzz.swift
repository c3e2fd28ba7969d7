// libFuzzer harness: the model file decoder.
//
// A mutated model almost always fails its checksum or declared length, which would stop
// every input at the first check. The harness rewrites the payload length (bytes 16..<24) and
// the trailing checksum to match the mutated bytes, so mutations reach the section decoder
// and the model's own checks. A model that loads must classify without trapping.
import Foundation

@testable import Criba

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= 32 {
        let length = UInt64(bytes.count - 32)
        withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(16..<24, with: $0) }
        let sum = bytes.withUnsafeBytes { SectionFile.checksum(UnsafeRawBufferPointer(rebasing: $0[..<(bytes.count - 8)])) }
        withUnsafeBytes(of: sum.littleEndian) { bytes.replaceSubrange((bytes.count - 8)..., with: $0) }
    }
    guard let model = try? Model(bytes: bytes) else { return 0 }
    let classifier = Classifier(model: model)
    for message in ["hola, cuánto cuesta el queque?", "", "GANASTE ingresá a premio.example.com"] {
        let p = classifier.classify(message)
        precondition(p.probability.isFinite, "a loaded model gave a non-finite probability")
    }
    _ = model.serialized()
    return 0
}
