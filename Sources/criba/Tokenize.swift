import ArgumentParser
import Criba

extension CribaCLI {
    struct Tokenize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokenize",
            abstract: "Show the tokens and features Criba sees in each input line.",
            discussion: """
                Reads messages from standard input (one per line) or from the arguments, and \
                prints, per message, the tokens (`token→stem` where stemming changes it) and, \
                with --features, every hashed feature with its bucket.

                Examples:
                  echo 'Holaaa, decime cuánto sale el envío a Heredia 🙏' | criba tokenize
                  criba tokenize --features 'G.R.A.T.I.S ingresá a premio.example.com'
                  criba tokenize --model model.criba 'querés?'
                """)

        @Argument(help: "Messages (default: read standard input).")
        var messages: [String] = []

        @Option(name: .shortAndLong, help: "Use the tokenizer and feature settings of this model. Default: the full Spanish pipeline.")
        var model: String?

        @Flag(help: "Also list every feature (w: word, n: word n-gram, c: character n-gram).")
        var features = false

        @OptionGroup var limit: LineLimitArguments

        @OptionGroup var lineEncoding: LineEncodingArgument

        func run() throws {
            try reportingErrors {
                let extractor: FeatureExtractor
                if let path = model {
                    let m = try Model(contentsOfFile: path)
                    extractor = FeatureExtractor(tokenizer: m.tokenizerSettings, features: m.featureSettings)
                } else {
                    extractor = FeatureExtractor()
                }
                let out = OutputBuffer()
                func show(_ text: String) throws {
                    let tokens = extractor.tokensWithStems(text).map { $0.token.text == $0.stem ? $0.stem : "\($0.token.text)→\($0.stem)" }
                    out.append(tokens.joined(separator: " "))
                    out.append("\n")
                    if features {
                        for f in extractor.namedFeatures(text) {
                            out.append("  \(f.name)\t\(f.key & 0x7FFF_FFFF)\t\(f.count)\n")
                        }
                    }
                    try out.flush()
                }
                if messages.isEmpty {
                    let decoder = LineDecoder(lineEncoding.encoding)
                    try readLines(fd: 0, maxLineBytes: limit.maxLineBytes) { line in
                        try decoder.withUTF8(line) { try show(String(decoding: $0, as: UTF8.self)) }
                    } beforeWaiting: {}
                } else {
                    for m in messages { try show(m) }
                }
            }
        }
    }
}
