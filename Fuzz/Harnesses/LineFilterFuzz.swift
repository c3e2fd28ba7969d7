// libFuzzer harness: `criba classify`'s line filter (the CLI's own `LineFilter` and line
// reader, compiled with this file) on arbitrary bytes.
//
// The input goes through a pipe into `readLines`, as standard input does, and every line is
// answered in TSV or JSON, with top-k, explanations and unsure thresholds chosen by the first
// byte. Each input line gives exactly one output line.
import Foundation

@testable import Criba

let model: Model = {
    var o = TrainingOptions()
    o.algorithm = .naiveBayes
    let examples = [
        ("hola buenas", "saludo"), ("buenos días", "saludo"), ("hola que tal", "saludo"),
        ("cuánto cuesta el queque", "precio"), ("a cómo el kilo de carne", "precio"), ("precio de la talla M", "precio"),
        ("GANASTE UN IPHONE ingresá a premio.example.com", "spam"), ("gane dinero desde su casa", "spam"),
        ("préstamo inmediato sin fiador", "spam"),
    ].map { Example(text: $0.0, label: $0.1) }
    return try! Trainer(options: o).train(on: examples)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineFilter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let choice = data[0]
    let policy = UnsurePolicy(
        threshold: choice & 0x10 != 0 ? 0.5 : 0, margin: choice & 0x20 != 0 ? 0.1 : 0,
        perLabel: choice & 0x40 != 0 ? ["precio": 0.9] : [:])
    let filter = LineFilter(
        classifier: Classifier(model: model, policy: policy), json: choice & 1 != 0,
        topK: choice & 2 != 0 ? Int(choice >> 6) + 1 : nil, explain: choice & 4 != 0)
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    // Inputs above the pipe's buffer would block this single thread: keep them below it.
    let shown = UnsafeBufferPointer(rebasing: input.prefix(60_000))
    var written = 0
    while written < shown.count {
        let n = write(fds[1], shown.baseAddress! + written, shown.count - written)
        if n <= 0 { break }
        written += n
    }
    close(fds[1])
    let out = OutputBuffer(fd: -1)
    var lines = 0
    let bound = choice & 8 != 0 ? 100 : 1 << 20
    do {
        try readLines(fd: fds[0], maxLineBytes: bound) { line in
            lines += 1
            let before = out.count
            filter.answer(line, into: out)
            precondition(out.count > before, "a line without an answer")
        } beforeWaiting: {}
    } catch is DataError {
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    close(fds[0])
    return 0
}
