import ArgumentParser
import Criba

/// The `criba` command.
@main
struct CribaCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "criba",
        abstract: "Offline classifier for Spanish customer messages: spam and what the customer wants.",
        discussion: """
            Criba runs on your machine; no message leaves it.

            Examples:
              printf 'hola, cuánto cuesta el queque?\\n' | criba classify
              criba train messages.csv -o model.criba
              criba evaluate --model model.criba held-out.csv
              criba predict --model model.criba new.csv -o labelled.csv

            Exit codes: 0 success, 64 usage error, 65 bad input data, 66 missing input file, \
            74 I/O error, 1 anything else.
            """,
        version: cribaVersion,
        subcommands: [Train.self, Evaluate.self, Predict.self, Classify.self, Learn.self, Unlearn.self, Merge.self, Tokenize.self, Info.self, Embed.self]
    )
}

extension CribaCLI {
    /// Runs the command with SIGPIPE at its default action, whatever the parent set: when the
    /// reader of standard output goes away (`criba classify | head -1`), every command ends at
    /// once, silently, killed by SIGPIPE (status 141 in a shell), as `cat` or `grep` do.
    static func main() {
        OS.restoreDefaultBrokenPipeSignal()
        main(nil)
    }
}

let cribaVersion = "0.1.0"
