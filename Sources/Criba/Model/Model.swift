import Foundation

/// The learning algorithms Criba trains.
public enum Algorithm: String, Sendable, CaseIterable, Codable {
    /// Multinomial naive Bayes with Lidstone smoothing.
    case naiveBayes = "nb"
    /// Complement naive Bayes (Rennie et al. 2003).
    case complementNaiveBayes = "cnb"
    /// Multinomial (softmax) logistic regression with L2 regularisation.
    case logisticRegression = "lr"
    /// Logistic regression on naive-Bayes-weighted features (Wang & Manning's NBSVM idea).
    case nbLogisticRegression = "nblr"
    /// Linear support vector machine: one-vs-rest squared hinge loss with L2 regularisation.
    case linearSVM = "svm"
    /// Linear SVM on naive-Bayes-weighted features (Wang & Manning's NBSVM).
    case nbSVM = "nbsvm"

    /// Whether the model keeps counts that `learn`, `unlearn` and `merge` can update.
    public var isCountBased: Bool { self == .naiveBayes || self == .complementNaiveBayes }

    /// Whether the weights are fitted by minimising a regularised loss (`lr`, `nblr`, `svm`,
    /// `nbsvm`).
    public var isOptimised: Bool { !isCountBased }

    /// Whether features are scaled by naive-Bayes log-count ratios (`nblr`, `nbsvm`).
    public var usesRatios: Bool { self == .nbLogisticRegression || self == .nbSVM }

    /// The loss an optimised algorithm minimises.
    var loss: Loss { self == .linearSVM || self == .nbSVM ? .squaredHinge : .log }

    /// Default inverse regularisation strength C (λ = 1/(C·n)).
    public var defaultC: Double { loss == .squaredHinge ? 0.5 : 30 }

    /// Default initial SGD learning rate.
    public var defaultLearningRate: Double { loss == .squaredHinge ? 0.1 : 0.8 }

    /// The softmax temperatures a fit may give this algorithm's scores; a fit outside is
    /// moved to the nearest bound (see ``TemperatureScaling/fit(scores:labels:classes:range:)``).
    ///
    /// Scores differ in scale by algorithm: SVM margins are near ±1, logistic scores are
    /// log-odds, naive Bayes sums of log-probabilities are much larger. Each range spans the
    /// temperatures fitted on the project's corpus and on MASSIVE, MTOP, MINDS-14 and a
    /// Spanish spam corpus (svm 0.097–0.41 on held-out halves; lr and nblr 0.39–1.05, nb and
    /// cnb 2.9–20.2 by 3-fold calibration), widened by a factor of 4 each way and rounded out
    /// to powers of 2: see docs/calibration.md.
    public var temperatureRange: ClosedRange<Float> {
        switch self {
        case .linearSVM, .nbSVM: return 0.015625...2
        case .logisticRegression, .nbLogisticRegression: return 0.0625...8
        case .naiveBayes, .complementNaiveBayes: return 0.5...128
        }
    }
}

/// Per-class feature totals of a count-based model, kept so that the model can learn,
/// unlearn and merge exactly.
struct NaiveBayesCounts: Sendable, Equatable {
    /// Feature-major `F×C` weighted counts.
    var featureCounts: [Double]
    /// Number of training messages of each class.
    var classCounts: [Double]
}

/// A trained model: settings, labels, feature rows and a linear scoring layer.
///
/// Every algorithm scores a message linearly: `score[c] = bias[c] + Σ x_f · W[f, c]`, then
/// `softmax(score / temperature)` gives probabilities.
public struct Model: Sendable {
    /// The algorithm that produced the weights.
    public internal(set) var algorithm: Algorithm
    /// Tokenizer settings the model was trained with.
    public let tokenizerSettings: TokenizerSettings
    /// Feature settings the model was trained with.
    public let featureSettings: FeatureSettings
    /// Class labels, in score order.
    public let labels: [String]
    /// Softmax temperature (1 = uncalibrated).
    public internal(set) var temperature: Float = 1
    /// Facts about training, calibration and tuning (rows, seed, hyper-parameters, held-out
    /// thresholds, tuning table).
    public internal(set) var facts = ModelFacts()

    /// The facts as the `key=value` text the model file stores (without the `info.` prefix):
    /// for display; read typed values from ``facts``.
    public var info: [String: String] { facts.entries }

    var space: FeatureSpace
    /// Feature-major `F×C` weights.
    var weights: [Float]
    var bias: [Float]
    var counts: NaiveBayesCounts?

    init(
        algorithm: Algorithm, tokenizerSettings: TokenizerSettings, featureSettings: FeatureSettings, labels: [String],
        keys: [FeatureKey], idf: [Float], weights: [Float], bias: [Float], counts: NaiveBayesCounts?
    ) {
        self.algorithm = algorithm
        self.tokenizerSettings = tokenizerSettings
        self.featureSettings = featureSettings
        self.labels = labels
        self.space = FeatureSpace(keys: keys, idf: idf, settings: featureSettings)
        self.weights = weights
        self.bias = bias
        self.counts = counts
    }

    /// Number of feature rows.
    public var featureCount: Int { space.count }

    /// The model as file bytes (deterministic).
    public func serialized() -> [UInt8] { ModelFile.encode(self) }

    /// Reads a model from file bytes.
    ///
    /// - Throws: ``ModelFileError`` for a truncated, corrupted, foreign or newer-version file.
    public init(bytes: [UInt8]) throws {
        self = try ModelFile.decode(bytes, path: "<bytes>")
    }

    /// Reads a model file.
    ///
    /// - Throws: ``IOError`` if the file is missing or unreadable; ``ModelFileError`` if it
    ///   is not a valid model.
    public init(contentsOfFile path: String) throws {
        self = try ModelFile.read(path: path)
    }

    /// Writes the model atomically (temporary file, then rename).
    ///
    /// - Throws: ``IOError`` if writing fails; the previous file at `path`, if any, is intact.
    public func write(toFile path: String) throws {
        try ModelFile.write(self, to: path)
    }

    // MARK: Scoring

    /// Raw linear scores of a weighted feature vector.
    @inline(__always)
    func scores(_ v: SparseVector, into out: UnsafeMutableBufferPointer<Float>) {
        let c = labels.count
        bias.withUnsafeBufferPointer { b in
            for j in 0..<c { out[j] = b[j] }
        }
        weights.withUnsafeBufferPointer { w in
            v.rows.withUnsafeBufferPointer { rows in
                v.values.withUnsafeBufferPointer { values in
                    for k in 0..<rows.count {
                        let x = values[k]
                        let base = Int(rows[k]) * c
                        for j in 0..<c { out[j] += x * w[base + j] }
                    }
                }
            }
        }
    }

    /// Softmax of `scores / temperature`, in place.
    @inline(__always)
    func softmax(_ s: UnsafeMutableBufferPointer<Float>) {
        softmaxInPlace(s, inverseTemperature: 1 / temperature)
    }
}

extension Model {
    /// The largest magnitude a stored weight or bias may have: larger ones come from diverged
    /// training, and a message's summed scores could overflow.
    static let largestStoredWeight: Float = 1e20

    /// Whether every value is a finite number of magnitude at most ``largestStoredWeight``:
    /// one pass comparing bit patterns with the sign cleared as signed integers (NaN and
    /// infinity compare above every finite value), which SSE2 vectorises; a model's weights
    /// are millions of floats checked at every load and write.
    static func storable(_ values: [Float]) -> Bool {
        let limit = Int32(bitPattern: largestStoredWeight.bitPattern)
        var over: Int32 = 0
        values.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: Int32.self) { bits in
                for b in bits { over |= (b & 0x7FFF_FFFF) > limit ? 1 : 0 }
            }
        }
        return over == 0
    }

    /// Why `label` cannot name a class, or `nil` when it can: a label is one line of text
    /// without tabs or other control characters (C0, DEL, C1 such as NEL, line and paragraph
    /// separators, a byte-order mark), since answers are written as
    /// `label<TAB>probability` lines and the model file stores one label per line.
    public static func labelProblem(_ label: String) -> String? {
        if label.isEmpty { return "empty label" }
        for u in label.unicodeScalars
        where u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u == "\u{2028}" || u == "\u{2029}" || u == "\u{FEFF}" {
            let name: String
            switch u {
            case "\n": name = "a line break"
            case "\r": name = "a carriage return"
            case "\t": name = "a tab"
            default: name = String(format: "the control character U+%04X", u.value)
            }
            return "label `\(label.debugDescription.dropFirst().dropLast())` contains \(name); a label must be one line without tabs"
        }
        return nil
    }
}

