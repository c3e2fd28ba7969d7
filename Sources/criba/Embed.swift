import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Embed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "embed",
            abstract: "Write the sentence vector of each line of standard input.",
            discussion: """
                Writes one line per input line: the message's 512-number unit vector from \
                the multilingual sentence encoder, as tab-separated numbers (or a JSON array \
                with --format json). Two messages with close meanings have vectors with a \
                high cosine (their dot product). An empty line has a vector too. Lines \
                already read are encoded together and written out before Criba waits for \
                more input, so it works inside pipelines and as a co-process.

                The encoder is --encoder, else $CRIBA_ENCODER, else the shipped \
                use-m3.encoder (beside the criba binary, in ../share/criba, or in the \
                package's Models folder).

                Examples:
                  printf '¿cuánto cuesta el envío?\\n' | criba embed
                  criba embed --format json < messages.txt > vectors.jsonl
                """)

        @Option(help: "Encoder file. Default: $CRIBA_ENCODER, else the shipped use-m3.encoder.")
        var encoder: String?

        @Option(help: "Output format: tsv (512 tab-separated numbers) or json (an array).")
        var format: Format = .tsv

        @OptionGroup var limit: LineLimitArguments

        @OptionGroup var lineEncoding: LineEncodingArgument

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case tsv, json
        }

        func run() throws {
            try reportingErrors {
                let path = try encoder ?? DefaultEncoder.path()
                let model = try SentenceEncoder(contentsOf: path)
                let out = OutputBuffer()
                let json = format == .json
                var pending: [String] = []
                var line: [UInt8] = []
                line.reserveCapacity(8192)
                let separator = json ? UInt8(ascii: ",") : UInt8(ascii: "\t")
                func encodePending() throws {
                    model.encode(pending.count, text: { pending[$0] }) { _, v in
                        // Each number as Swift prints a Float: the shortest text that reads back
                        // as the same value.
                        line.removeAll(keepingCapacity: true)
                        if json { line.append(UInt8(ascii: "[")) }
                        for (j, x) in v.enumerated() {
                            if j > 0 { line.append(separator) }
                            var text = x.description
                            text.withUTF8 { line.append(contentsOf: $0) }
                        }
                        if json { line.append(UInt8(ascii: "]")) }
                        line.append(UInt8(ascii: "\n"))
                        line.withUnsafeBufferPointer { out.append($0) }
                    }
                    pending.removeAll(keepingCapacity: true)
                    try out.flush()
                }
                let decoder = LineDecoder(lineEncoding.encoding)
                try readLines(fd: 0, maxLineBytes: limit.maxLineBytes) { line in
                    decoder.withUTF8(line) { pending.append(String(decoding: $0, as: UTF8.self)) }
                    if pending.count >= 256 { try encodePending() }
                } beforeWaiting: {
                    try encodePending()
                }
                try encodePending()
            }
        }
    }
}

/// Where the shipped sentence encoder is found when `--encoder` is not given.
enum DefaultEncoder {
    static let fileName = "use-m3.encoder"

    /// `$CRIBA_ENCODER` when set and not empty.
    static var fromEnvironment: String? {
        guard let env = ProcessInfo.processInfo.environment["CRIBA_ENCODER"], !env.isEmpty else { return nil }
        return env
    }

    static var candidates: [String] { shippedFileCandidates(fileName) }

    /// The encoder to use: `$CRIBA_ENCODER` (which must exist), else the first candidate that
    /// exists.
    static func path() throws -> String {
        if let env = fromEnvironment {
            guard FileManager.default.fileExists(atPath: env) else {
                throw IOError(kind: .missing, path: env, message: "no such file (named by CRIBA_ENCODER)")
            }
            return env
        }
        for c in candidates where FileManager.default.fileExists(atPath: c) { return c }
        throw IOError(
            kind: .missing, path: fileName,
            message: "no sentence encoder found (looked in: \(candidates.joined(separator: ", "))); pass --encoder or set CRIBA_ENCODER")
    }
}
