import ArgumentParser
import Criba

/// The options that decide a trained model, shared by `train` and `evaluate --folds`.
struct TrainingArguments: ParsableArguments {
    /// Refuses a `--group-column` naming the label column: every fold would then hold labels
    /// the other folds never saw, and held-out scores would mean nothing.
    func validateGroupColumn(labelColumn: String) throws {
        if let g = groupColumn, g.lowercased() == labelColumn.lowercased() {
            throw ValidationError(
                "--group-column \(g) is the label column: each fold would hold labels the other folds never saw; group by another column (e.g. business)")
        }
    }

    @Option(help: "Algorithm: nb (naive Bayes), cnb (complement naive Bayes), lr (logistic regression), nblr (NB-weighted logistic regression), svm (linear SVM, squared hinge), nbsvm (NB-weighted linear SVM). Default: svm (nb for train --counts-only).")
    var algorithm: Algorithm?

    @Option(help: "Optimiser for lr/nblr/svm/nbsvm: sgd (fast) or lbfgs (exact optimum).")
    var solver: Solver = .sgd

    @Option(help: "Seed for every random choice (same data + same seed = identical model).")
    var seed: UInt64 = 1

    @Option(help: "Inverse regularisation strength C for lr/nblr/svm/nbsvm (λ = 1/(C·n)). Default: 30 for lr/nblr, 0.5 for svm/nbsvm.")
    var c: Double?

    @Option(help: "Smoothing α for nb/cnb and for the nblr ratios.")
    var alpha: Double = 0.5

    @Option(help: "SGD passes over the data.")
    var epochs: Int = 12

    @Option(help: "Initial SGD learning rate (decays linearly to 0). Default: 0.8 for lr/nblr, 0.1 for svm/nbsvm.")
    var learningRate: Double?

    @Option(help: "L-BFGS tolerance on the relative gradient norm.")
    var tolerance: Double = 1e-4

    @Option(help: "Keep features seen in at least this many messages.")
    var minCount: Int = 1

    @Option(help: "Longest word n-gram (1-3).")
    var wordNgrams: Int = 2

    @Option(help: "Character n-gram range inside words, as MIN-MAX, or 0 for none.")
    var charNgrams: String = "2-5"

    @Option(help: "Term weighting for lr/nblr/svm/nbsvm: count, sublinear (1 + ln count) or binary.")
    var weighting: FeatureSettings.Weighting = .sublinear

    @Flag(help: "No inverse document frequency weighting (lr/nblr/svm/nbsvm).")
    var noIdf = false

    @Flag(help: "No per-block L2 normalisation of feature vectors (lr/nblr/svm/nbsvm).")
    var noNormalize = false

    @Option(help: "Base-2 logarithm of the number of hash buckets (10-26).")
    var bucketBits: Int = 22

    @Option(help: "Tokenizer: spanish (full pipeline) or basic (lower-case, fold accents, split).")
    var tokenizer: TokenizerChoice = .spanish

    @Option(name: .customLong("without"), help: "Turn off one step of the Spanish tokenizer (repeatable): \(TokenizerStep.allValueStrings.joined(separator: ", ")) (--stopwords turns on stopword removal).")
    var withoutSteps: [TokenizerStep] = []

    @Flag(help: "Leave stopwords out of word unigrams (never negations or question words).")
    var stopwords = false

    @Flag(help: "Weight classes inversely to their frequency.")
    var balanced = false

    @Option(help: "Cross-validation (--calibrate, --tune, evaluate --folds) keeps all rows with the same value in this CSV column in one fold, e.g. business: held-out scores then come from groups the fold's model never saw. Default: none (folds stratified by label).")
    var groupColumn: String?

    enum TokenizerChoice: String, ExpressibleByArgument, CaseIterable {
        case spanish, basic
    }

    /// A step named by `--without`: one of the tokenizer's switches.
    struct TokenizerStep: ExpressibleByArgument {
        let setting: TokenizerSettings.Switch

        init?(argument: String) {
            guard let s = TokenizerSettings.switches.first(where: { $0.withoutName == argument }) else { return nil }
            setting = s
        }

        static var allValueStrings: [String] { TokenizerSettings.switches.compactMap(\.withoutName) }

        func remove(from s: inout TokenizerSettings) { s[keyPath: setting.keyPath] = false }
    }

    func validate() throws {
        if let c, !(c > 0 && c.isFinite) { throw ValidationError("--c must be a positive number") }
        if !(alpha > 0 && alpha.isFinite) { throw ValidationError("--alpha must be a positive number") }
        if !(1...TrainingOptions.largestEpochs).contains(epochs) {
            throw ValidationError("--epochs must be between 1 and \(TrainingOptions.largestEpochs)")
        }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number")
        }
        if !(tolerance > 0 && tolerance.isFinite) { throw ValidationError("--tolerance must be a positive number") }
        if let g = groupColumn, g.isEmpty { throw ValidationError("--group-column needs a column name") }
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

    /// The training options these arguments describe; count-based algorithms get raw counts
    /// (no idf, no normalisation).
    func options(defaultAlgorithm: Algorithm) throws -> TrainingOptions {
        var o = TrainingOptions()
        let algorithm = self.algorithm ?? defaultAlgorithm
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
        return o
    }
}
