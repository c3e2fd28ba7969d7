import ArgumentParser
import Criba
import Foundation

extension CribaCLI {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model from a labelled CSV file.",
            discussion: """
                The CSV needs a header; by default the columns `text` and `label` are used.
                The model is written atomically: a failed run never leaves a partial file.

                Examples:
                  criba train messages.csv -o model.criba
                  criba train export.csv --text-column mensaje --label-column tipo -o model.criba
                  criba train messages.csv --algorithm nb -o nb.criba
                  criba train messages.csv --calibrate -o calibrated.criba
                  criba train shard-1.csv --counts-only -o shard-1.criba   # then: criba merge
                """)

        @Argument(help: "Labelled CSV file (`-` for standard input).")
        var data: String

        @Option(name: .shortAndLong, help: "Where to write the model.")
        var output: String

        @OptionGroup var csv: CSVArguments

        @Option(help: "Algorithm: nb (naive Bayes), cnb (complement naive Bayes), lr (logistic regression), nblr (NB-weighted logistic regression). Default: nblr (nb with --counts-only).")
        var algorithm: Algorithm?

        @Option(help: "Optimiser for lr/nblr: sgd (fast) or lbfgs (exact optimum). Default: sgd.")
        var solver: Solver = .sgd

        @Option(help: "Seed for every random choice (same data + same seed = identical model). Default: 1.")
        var seed: UInt64 = 1

        @Option(help: "Inverse regularisation strength C for lr/nblr (λ = 1/(C·n)). Default: 30.")
        var c: Double = 30

        @Option(help: "Smoothing α for nb/cnb and for the nblr ratios. Default: 0.5.")
        var alpha: Double = 0.5

        @Option(help: "SGD passes over the data. Default: 12.")
        var epochs: Int = 12

        @Option(help: "Initial SGD learning rate (decays linearly to 0). Default: 0.8.")
        var learningRate: Double = 0.8

        @Option(help: "L-BFGS tolerance on the relative gradient norm. Default: 0.0001.")
        var tolerance: Double = 1e-4

        @Option(help: "Keep features seen in at least this many messages. Default: 1.")
        var minCount: Int = 1

        @Option(help: "Longest word n-gram (1-3). Default: 2.")
        var wordNgrams: Int = 2

        @Option(help: "Character n-gram range inside words, as MIN-MAX, or 0 for none. Default: 2-5.")
        var charNgrams: String = "2-5"

        @Option(help: "Term weighting for lr/nblr: count, sublinear (1 + ln count) or binary. Default: sublinear.")
        var weighting: FeatureSettings.Weighting = .sublinear

        @Flag(help: "No inverse document frequency weighting (lr/nblr).")
        var noIdf = false

        @Flag(help: "No per-block L2 normalisation of feature vectors (lr/nblr).")
        var noNormalize = false

        @Option(help: "Base-2 logarithm of the number of hash buckets (10-26). Default: 22.")
        var bucketBits: Int = 22

        @Option(help: "Tokenizer: spanish (full pipeline) or basic (lower-case, fold accents, split). Default: spanish.")
        var tokenizer: TokenizerChoice = .spanish

        @Option(name: .customLong("without"), help: "Turn off one step of the Spanish tokenizer (repeatable): voseo, stemming, abbreviations, placeholders, elongation, laughter, deobfuscation, accent-folding, or turn on: stopwords.")
        var withoutSteps: [TokenizerStep] = []

        @Flag(help: "Leave stopwords out of word unigrams (never negations or question words).")
        var stopwords = false

        @Flag(help: "Choose the algorithm, regularisation and n-gram ranges by stratified k-fold cross-validation (accuracy); the search table is stored in the model.")
        var tune = false

        @Flag(help: "Calibrate the probabilities: fit a softmax temperature on held-out folds (--folds) and store it in the model.")
        var calibrate = false

        @Option(help: "Folds for --tune and --calibrate (2-20). Default: 3.")
        var folds: Int = 3

        @Flag(help: "Stream the CSV instead of holding its messages in memory (several passes over the file; for data larger than memory). Logistic regression then uses SGD.")
        var streaming = false

        @Option(help: "Messages shuffled together in --streaming mode. Default: 4096.")
        var shuffleBuffer: Int = 4096

        @Flag(help: "Write a naive Bayes count model of this shard of the data for `criba merge` (nb or cnb, integer counts, every feature kept; a label may have one example).")
        var countsOnly = false

        @Flag(help: "Weight classes inversely to their frequency.")
        var balanced = false

        @Flag(help: "No progress messages on standard error.")
        var quiet = false

        enum TokenizerChoice: String, ExpressibleByArgument, CaseIterable {
            case spanish, basic
        }

        enum TokenizerStep: String, ExpressibleByArgument, CaseIterable {
            case voseo, stemming, abbreviations, placeholders, elongation, laughter, deobfuscation
            case accentFolding = "accent-folding"

            func remove(from s: inout TokenizerSettings) {
                switch self {
                case .voseo: s.voseo = false
                case .stemming: s.stemming = false
                case .abbreviations: s.chatAbbreviations = false
                case .placeholders: s.placeholders = false
                case .elongation: s.collapseElongation = false
                case .laughter: s.laughter = false
                case .deobfuscation: s.deobfuscate = false
                case .accentFolding: s.foldAccents = false
                }
            }
        }

        func validate() throws {
            if c <= 0 { throw ValidationError("--c must be positive") }
            if alpha <= 0 { throw ValidationError("--alpha must be positive") }
            if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
            if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
            if learningRate <= 0 { throw ValidationError("--learning-rate must be positive") }
            if tolerance <= 0 { throw ValidationError("--tolerance must be positive") }
            if !(2...20).contains(folds) { throw ValidationError("--folds must be between 2 and 20") }
            if shuffleBuffer < 1 { throw ValidationError("--shuffle-buffer must be at least 1") }
            if streaming && tune { throw ValidationError("--streaming and --tune cannot be combined") }
            if calibrate && (streaming || tune || countsOnly) {
                throw ValidationError("--calibrate cannot be combined with --streaming, --tune or --counts-only")
            }
            if countsOnly {
                if tune || streaming { throw ValidationError("--counts-only cannot be combined with --tune or --streaming") }
                if let a = algorithm, !a.isCountBased {
                    throw ValidationError("--counts-only writes a naive Bayes count model; use --algorithm nb or cnb")
                }
                if minCount != 1 {
                    throw ValidationError("--counts-only keeps every feature so that shards add up exactly; leave --min-count at 1")
                }
            }
            if streaming && data == "-" { throw ValidationError("--streaming reads the file several times; give a file, not standard input") }
            var f = FeatureSettings()
            try applyFeatures(&f)
            if let p = f.problem() { throw ValidationError(p) }
        }

        func applyFeatures(_ f: inout FeatureSettings) throws {
            f.wordNgrams = wordNgrams
            f.weighting = weighting
            f.idf = !noIdf
            f.normalize = !noNormalize
            f.bucketBits = bucketBits
            if charNgrams == "0" {
                f.charNgramMin = 0
                f.charNgramMax = 0
            } else {
                let parts = charNgrams.split(separator: "-").map { Int($0) }
                guard parts.count == 2, let lo = parts[0], let hi = parts[1] else {
                    throw ValidationError("--char-ngrams must be MIN-MAX (e.g. 2-5) or 0")
                }
                f.charNgramMin = lo
                f.charNgramMax = hi
            }
        }

        func run() throws {
            try reportingErrors {
                var o = TrainingOptions()
                let algorithm = self.algorithm ?? (countsOnly ? .naiveBayes : .nbLogisticRegression)
                o.algorithm = algorithm
                o.solver = solver
                o.seed = seed
                o.c = c
                o.alpha = alpha
                o.epochs = epochs
                o.learningRate = learningRate
                o.tolerance = tolerance
                o.minCount = minCount
                o.balanced = balanced
                o.tokenizer = tokenizer == .basic ? .basic : .spanish
                for step in withoutSteps { step.remove(from: &o.tokenizer) }
                if stopwords { o.tokenizer.stopwords = true }
                try applyFeatures(&o.features)
                if algorithm.isCountBased {
                    o.features.weighting = .count
                    o.features.normalize = false
                    o.features.idf = false
                }
                let progress = Progress(quiet: quiet)
                let start = Date()
                let source = LabelledCSV(path: data, options: csv.options)
                let model: Model
                if countsOnly {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.trainCounts(on: source) { printError("criba: warning: \($0)") }
                } else if streaming {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.trainStreaming(on: source, bufferSize: shuffleBuffer) { printError("criba: warning: \($0)") }
                } else if tune {
                    let trainer = Trainer(options: o) { progress.finish($0) }
                    model = try trainer.tune(on: source, folds: folds) { printError("criba: warning: \($0)") }.model
                    progress.finish("chosen: \(model.info["tune.winner"] ?? "?")")
                } else if calibrate {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.trainCalibrated(on: source, folds: folds) { printError("criba: warning: \($0)") }
                    progress.finish(
                        "calibrated: temperature \(model.temperature), held-out log loss \(model.info["calibration.log_loss_before"] ?? "?") → \(model.info["calibration.log_loss_after"] ?? "?")")
                } else {
                    let trainer = Trainer(options: o) { progress.update($0) }
                    model = try trainer.train(on: source) { printError("criba: warning: \($0)") }
                }
                try model.write(toFile: output)
                let seconds = Date().timeIntervalSince(start)
                progress.finish(
                    "trained \(model.algorithm.rawValue) on \(model.info["rows"] ?? "?") messages, \(model.labels.count) labels, \(model.featureCount) features in \(String(format: "%.2f", seconds)) s → \(output)")
            }
        }
    }
}
