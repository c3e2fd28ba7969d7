import Foundation

/// How ``Model/learning(_:source:lines:warmStart:)`` updates a logistic-regression model.
///
/// Logistic-regression and SVM models (`lr`, `nblr`, `svm`, `nbsvm`) keep no counts, so
/// learning runs a few epochs of stochastic gradient descent (with the model's loss) over the
/// corrected messages only, starting from the model's current weights. Only features the model
/// already knows are updated (its feature rows, idf and weighting stay fixed), there is no
/// regularisation during these epochs, the naive Bayes ratios of an `nblr`/`nbsvm` model are
/// folded into its weights as they were at training time, and the temperature is kept.
public struct WarmStartOptions: Sendable, Hashable {
    /// Passes over the corrected messages (at least 1).
    public var epochs: Int
    /// Initial learning rate, decaying linearly to zero over all passes (greater than 0). For
    /// `svm`/`nbsvm` models it is scaled like their training rate (by 0.1/0.8), since the
    /// squared hinge has larger gradients than the logistic loss.
    public var learningRate: Double
    /// Seed for the order of the messages in each pass.
    public var seed: UInt64

    /// Creates options. The defaults (10 passes, rate 0.3, seed 1) were chosen on
    /// `Data/train.csv` alone: on three 80/20 splits, learning the first 20 misclassified
    /// messages of the 20% part moved all 20 to their labels each time, at the smallest
    /// accuracy cost on the rest of that part among the settings that did.
    public init(epochs: Int = 10, learningRate: Double = 0.3, seed: UInt64 = 1) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.seed = seed
    }
}

extension Model {
    /// A copy of a logistic-regression or SVM model that has also learned `examples` (see
    /// ``WarmStartOptions``): ``SoftmaxSGD`` from the model's weights, over the messages in
    /// the model's feature space, without regularisation.
    ///
    /// - Throws: ``TrainingError`` for options out of range; ``DataError`` naming the line of
    ///   an example whose label the model does not know.
    func warmStarted(_ examples: [Example], source: String, lines: [Int], options o: WarmStartOptions) throws -> Model {
        guard (1...TrainingOptions.largestEpochs).contains(o.epochs), o.learningRate > 0, o.learningRate.isFinite else {
            throw TrainingError(
                message: "warm start needs 1...\(TrainingOptions.largestEpochs) epochs and a positive finite learning rate")
        }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        let extractor = FeatureExtractor(tokenizer: tokenizerSettings, features: featureSettings)
        let workspace = FeatureWorkspace()
        var matrix = FeatureMatrix()
        var v = SparseVector()
        for (i, e) in examples.enumerated() {
            guard let y = index[e.label] else {
                throw DataError(
                    file: source, line: lines[i],
                    message: "label `\(e.label)` is not one of the model's labels; a \(algorithm.rawValue) model cannot add labels by learning (retrain it, or use a naive Bayes model)")
            }
            extractor.extract(e.text, into: workspace)
            space.vectorize(workspace, into: &v)
            matrix.append(v, label: y)
        }
        let c = labels.count
        let f = space.count
        // The rate is scaled like the training rate of the model's algorithm (the squared
        // hinge has larger gradients than the logistic loss).
        let sgd = SoftmaxSGD(
            epochs: o.epochs,
            learningRate: Float(o.learningRate * algorithm.defaultLearningRate / Algorithm.logisticRegression.defaultLearningRate),
            seed: o.seed)
        let theta = try sgd.minimize(
            matrix, features: f, classes: c, lambda: 0, classWeights: [Float](repeating: 1, count: c), ratios: nil,
            loss: algorithm.loss, from: weights + bias)
        var m = self
        m.weights = Array(theta[0..<(f * c)])
        m.bias = Array(theta[(f * c)...])
        m.facts.addRows(examples.count)
        var added = [Int](repeating: 0, count: c)
        for y in matrix.labels { added[Int(y)] += 1 }
        m.facts.addLabelCounts(added)
        return m
    }
}
