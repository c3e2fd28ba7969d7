import Foundation

/// Precision, recall, F1 and support of one label.
public struct ClassMetrics: Sendable, Hashable {
    /// The label.
    public var label: String
    /// Precision (0 when the label was never predicted).
    public var precision: Double
    /// Recall (0 when the label has no true examples).
    public var recall: Double
    /// F1 (0 when precision + recall is 0).
    public var f1: Double
    /// Number of true examples.
    public var support: Int
}

/// Results of classifying labelled messages.
public struct Evaluation: Sendable {
    /// Labels of the confusion matrix (model labels, then unknown true labels, then the
    /// unsure label if used), in that order.
    public var labels: [String]
    /// `confusion[t][p]`: messages of true label `t` predicted as `p`.
    public var confusion: [[Int]]
    /// Sum of −ln p(true label) over messages whose true label the model knows.
    public var logLossSum: Double = 0
    /// Messages counted in `logLossSum`.
    public var logLossCount = 0
    /// Probability of the predicted label and whether it was right, per message (for
    /// calibration and coverage reports).
    public var confidences: [(probability: Float, correct: Bool)] = []

    /// Creates an empty evaluation over `labels`.
    public init(labels: [String]) {
        self.labels = labels
        confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    }

    mutating func index(_ label: String) -> Int {
        if let i = labels.firstIndex(of: label) { return i }
        labels.append(label)
        for k in confusion.indices { confusion[k].append(0) }
        confusion.append(Array(repeating: 0, count: labels.count))
        return labels.count - 1
    }

    /// Records one message.
    public mutating func add(truth: String, predicted: String) {
        let t = index(truth)
        let p = index(predicted)
        confusion[t][p] += 1
    }

    /// Number of messages.
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Share of messages whose prediction equals the truth.
    public var accuracy: Double {
        let n = count
        guard n > 0 else { return 0 }
        return Double(labels.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(n)
    }

    /// Per-label metrics for every label with true examples or predictions.
    public var perClass: [ClassMetrics] {
        labels.indices.compactMap { i in
            let tp = Double(confusion[i][i])
            let support = confusion[i].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[i] }
            if support == 0 && predicted == 0 { return nil }
            let p = predicted > 0 ? tp / Double(predicted) : 0
            let r = support > 0 ? tp / Double(support) : 0
            let f = p + r > 0 ? 2 * p * r / (p + r) : 0
            return ClassMetrics(label: labels[i], precision: p, recall: r, f1: f, support: support)
        }
    }

    /// Unweighted mean F1 over labels with true examples.
    public var macroF1: Double {
        let m = perClass.filter { $0.support > 0 }
        return m.isEmpty ? 0 : m.reduce(0) { $0 + $1.f1 } / Double(m.count)
    }

    /// Support-weighted mean F1.
    public var weightedF1: Double {
        let m = perClass.filter { $0.support > 0 }
        let n = m.reduce(0) { $0 + $1.support }
        return n == 0 ? 0 : m.reduce(0) { $0 + $1.f1 * Double($1.support) } / Double(n)
    }

    /// Mean negative log-likelihood of the true labels the model knows.
    public var logLoss: Double { logLossCount == 0 ? .nan : logLossSum / Double(logLossCount) }

    /// Expected calibration error over `bins` equal-width confidence bins.
    public func expectedCalibrationError(bins: Int = 15) -> Double {
        guard !confidences.isEmpty else { return .nan }
        var count = [Int](repeating: 0, count: bins)
        var conf = [Double](repeating: 0, count: bins)
        var acc = [Double](repeating: 0, count: bins)
        for (p, ok) in confidences {
            let b = min(bins - 1, Int(Double(p) * Double(bins)))
            count[b] += 1
            conf[b] += Double(p)
            acc[b] += ok ? 1 : 0
        }
        var e = 0.0
        for b in 0..<bins where count[b] > 0 {
            e += abs(acc[b] - conf[b]) / Double(confidences.count)
        }
        return e
    }
}

extension Classifier {
    /// Classifies labelled examples and collects the results.
    public func evaluate(_ examples: [Example]) -> Evaluation {
        var e = Evaluation(labels: model.labels)
        for x in examples { record(x.text, truth: x.label, into: &e) }
        return e
    }

    /// Classifies one labelled message into an evaluation.
    public func record(_ text: String, truth: String, into e: inout Evaluation) {
        let p = classify(text)
        e.add(truth: truth, predicted: p.label)
        if let i = model.labels.firstIndex(of: truth),
            let q = p.probabilities.first(where: { $0.label == model.labels[i] })
        {
            e.logLossSum -= log(max(Double(q.probability), 1e-15))
            e.logLossCount += 1
        }
        e.confidences.append((p.probability, p.topLabel == truth))
    }
}
