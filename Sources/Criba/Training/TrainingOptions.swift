import Foundation

/// Optimisers for the logistic-regression algorithms.
public enum Solver: String, Sendable, CaseIterable, Codable {
    /// Full-batch L-BFGS to `tolerance` (exact optimum of the regularised objective).
    case lbfgs
    /// Stochastic gradient descent, `epochs` passes (fast).
    case sgd
}

/// Everything that decides a trained model. Same options + same data = same bytes.
public struct TrainingOptions: Sendable, Equatable {
    /// The algorithm.
    public var algorithm: Algorithm = .linearSVM
    /// Tokenizer settings.
    public var tokenizer: TokenizerSettings = .spanish
    /// Feature settings.
    public var features = FeatureSettings()
    /// Keep features that occur in at least this many training messages.
    public var minCount = 1
    /// Naive Bayes smoothing (also used for the log-count ratios of `nblr`).
    public var alpha: Double = 0.5
    /// Inverse L2 strength for the optimised algorithms (λ = 1 / (C · n)); `nil` means the
    /// algorithm's ``Algorithm/defaultC`` (30 for `lr`/`nblr`, 0.5 for `svm`/`nbsvm`).
    public var c: Double? = nil
    /// Optimiser for logistic regression.
    public var solver: Solver = .sgd
    /// SGD passes over the data.
    public var epochs = 12
    /// SGD initial learning rate (decays linearly to zero); `nil` means the algorithm's
    /// ``Algorithm/defaultLearningRate`` (0.8 for `lr`/`nblr`, 0.1 for `svm`/`nbsvm`).
    public var learningRate: Double? = nil
    /// L-BFGS stopping tolerance (relative gradient norm).
    public var tolerance: Double = 1e-4
    /// L-BFGS iteration limit.
    public var maxIterations = 300
    /// Weight classes inversely to their frequency.
    public var balanced = false
    /// Seed for every random choice (message order for SGD, folds for tuning).
    public var seed: UInt64 = 1

    /// Creates options with the defaults (good for short messages).
    public init() {}

    /// The most SGD passes or L-BFGS iterations a training may ask for.
    public static let largestEpochs = 100_000

    /// Why these options cannot train a model, or `nil` when they can: feature settings out of
    /// range, a smoothing, C, learning rate or tolerance that is not a positive finite
    /// number, a minimum count below 1, or epochs or iterations outside 1...100,000.
    public func problem() -> String? {
        if let p = features.problem() { return "invalid feature settings: \(p)" }
        if !(alpha > 0 && alpha.isFinite) { return "alpha must be a positive number (got \(alpha))" }
        if let c, !(c > 0 && c.isFinite) { return "C must be a positive number (got \(c))" }
        if let r = learningRate, !(r > 0 && r.isFinite) { return "the learning rate must be a positive number (got \(r))" }
        if !(tolerance > 0 && tolerance.isFinite) { return "the tolerance must be a positive number (got \(tolerance))" }
        if minCount < 1 { return "the minimum count must be at least 1 (got \(minCount))" }
        if !(1...Self.largestEpochs).contains(epochs) { return "epochs must be in 1...\(Self.largestEpochs) (got \(epochs))" }
        if !(1...Self.largestEpochs).contains(maxIterations) {
            return "the iteration limit must be in 1...\(Self.largestEpochs) (got \(maxIterations))"
        }
        return nil
    }

    /// C in effect: ``c`` or the algorithm's default.
    public var effectiveC: Double { c ?? algorithm.defaultC }

    /// Learning rate in effect: ``learningRate`` or the algorithm's default.
    public var effectiveLearningRate: Double { learningRate ?? algorithm.defaultLearningRate }

    /// The options that decided a model trained with them (stored in the model's facts).
    var facts: TrainingFacts {
        var t = TrainingFacts()
        t.minCount = minCount
        t.seed = seed
        switch algorithm {
        case .naiveBayes, .complementNaiveBayes:
            t.alpha = alpha
        case .logisticRegression, .nbLogisticRegression, .linearSVM, .nbSVM:
            if algorithm.usesRatios { t.alpha = alpha }
            t.c = effectiveC
            t.solver = solver
            t.balanced = balanced
            switch solver {
            case .sgd:
                t.epochs = epochs
                t.learningRate = effectiveLearningRate
            case .lbfgs:
                t.tolerance = tolerance
                t.maxIterations = maxIterations
            }
        }
        return t
    }
}

/// A problem with the training set as a whole, or a model that cannot be updated or merged
/// as asked. The command-line tool exits with status 65 for it.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    /// The explanation (naming file and line where one is known).
    public var message: String
    /// The settings the message mentions (by ``SettingRole/mention``).
    public var settings: [SettingRole]

    /// Creates an error with an explanation.
    public init(message: String, settings: [SettingRole] = []) {
        self.message = message
        self.settings = settings
    }

    /// The explanation.
    public var description: String { message }
}
