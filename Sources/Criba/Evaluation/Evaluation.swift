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
    /// For two-label models: the probability of the second model label and whether the truth
    /// is the second label, per message whose true label the model knows (for ROC and PR curves).
    public var binaryScores: [(probability: Float, isSecond: Bool)] = []
    /// How many of the most confident mistakes to keep in ``mistakes`` (0 = none).
    public var mistakeLimit = 0
    /// The most confident mistakes, most confident first (at most ``mistakeLimit``).
    public var mistakes: [Mistake] = []

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

    /// Unweighted (macro) and support-weighted means of precision, recall and F1 over the
    /// labels with true examples.
    public var averages: (macro: (precision: Double, recall: Double, f1: Double), weighted: (precision: Double, recall: Double, f1: Double)) {
        let m = perClass.filter { $0.support > 0 }
        guard !m.isEmpty else { return ((0, 0, 0), (0, 0, 0)) }
        let k = Double(m.count)
        let n = Double(m.reduce(0) { $0 + $1.support })
        let macro = (m.reduce(0) { $0 + $1.precision } / k, m.reduce(0) { $0 + $1.recall } / k, m.reduce(0) { $0 + $1.f1 } / k)
        let weighted = (
            m.reduce(0) { $0 + $1.precision * Double($1.support) } / n, m.reduce(0) { $0 + $1.recall * Double($1.support) } / n,
            m.reduce(0) { $0 + $1.f1 * Double($1.support) } / n
        )
        return (macro, weighted)
    }

    /// The off-diagonal cells of the confusion matrix, largest first (ties: true label, then
    /// predicted label, in label order), at most `limit` of them.
    public func topConfusions(limit: Int) -> [(truth: String, predicted: String, count: Int, shareOfTruth: Double)] {
        var cells: [(Int, Int, Int)] = []
        for i in labels.indices { for j in labels.indices where i != j && confusion[i][j] > 0 { cells.append((i, j, confusion[i][j])) } }
        cells.sort { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1) }
        return cells.prefix(max(0, limit)).map { i, j, n in
            (labels[i], labels[j], n, Double(n) / Double(max(1, confusion[i].reduce(0, +))))
        }
    }

    /// Mean negative log-likelihood of the true labels the model knows.
    public var logLoss: Double { logLossCount == 0 ? .nan : logLossSum / Double(logLossCount) }

    /// Expected calibration error over `bins` equal-width confidence bins: the
    /// message-weighted mean of |accuracy − mean confidence| over the bins.
    public func expectedCalibrationError(bins: Int = 15) -> Double {
        guard !confidences.isEmpty else { return .nan }
        var e = 0.0
        for b in reliability(bins: bins) where b.count > 0 {
            e += Double(b.count) * abs(b.accuracy - b.confidence) / Double(confidences.count)
        }
        return e
    }

    /// The reliability diagram: for each of `bins` equal-width bins of top-label probability,
    /// the number of messages, their mean probability and their accuracy (0 for empty bins).
    /// `bins` below 1 counts as 1; a probability that is not a number falls in the first bin.
    public func reliability(bins: Int = 15) -> [ReliabilityBin] {
        let bins = max(bins, 1)
        var count = [Int](repeating: 0, count: bins)
        var conf = [Double](repeating: 0, count: bins)
        var acc = [Double](repeating: 0, count: bins)
        for (p, ok) in confidences {
            let x = Double(p) * Double(bins)
            let b = x.isNaN ? 0 : Int(min(max(x, 0), Double(bins - 1)))
            count[b] += 1
            conf[b] += Double(p)
            acc[b] += ok ? 1 : 0
        }
        return (0..<bins).map { b in
            let n = Double(max(count[b], 1))
            return ReliabilityBin(
                lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), count: count[b],
                confidence: conf[b] / n, accuracy: acc[b] / n)
        }
    }

    /// Thresholds reported by default in the coverage/accuracy trade-off.
    public static let coverageThresholds: [Float] = [0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]

    /// The coverage/accuracy trade-off: at each threshold, the share of messages whose top
    /// probability is at least the threshold (answered automatically) and the accuracy of the
    /// top label on those messages (NaN when none is answered).
    public func coverage(at thresholds: [Float] = Evaluation.coverageThresholds) -> [CoveragePoint] {
        let n = confidences.count
        return thresholds.map { t in
            var answered = 0
            var right = 0
            for (p, ok) in confidences where p >= t {
                answered += 1
                if ok { right += 1 }
            }
            return CoveragePoint(
                threshold: t, coverage: n == 0 ? .nan : Double(answered) / Double(n),
                accuracy: answered == 0 ? .nan : Double(right) / Double(answered), answered: answered)
        }
    }

    /// The Wilson score lower bound of a proportion `right / n` at `z` standard errors (the
    /// proportion itself when `z` is 0).
    static func wilsonLowerBound(right: Int, of n: Int, z: Double) -> Double {
        guard n > 0 else { return 0 }
        let p = Double(right) / Double(n)
        if z <= 0 { return p }
        let nn = Double(n)
        let z2 = z * z
        return (p + z2 / (2 * nn) - z * ((p * (1 - p) + z2 / (4 * nn)) / nn).squareRoot()) / (1 + z2 / nn)
    }

    /// Coverage and accuracy when answering only messages whose top probability is at least
    /// `threshold`.
    public func point(at threshold: Float) -> CoveragePoint {
        let answered = confidences.filter { $0.probability >= threshold }
        let right = answered.filter(\.correct).count
        return CoveragePoint(
            threshold: threshold, coverage: confidences.isEmpty ? 0 : Double(answered.count) / Double(confidences.count),
            accuracy: answered.isEmpty ? .nan : Double(right) / Double(answered.count), answered: answered.count)
    }

    /// The smallest threshold on a 0.001 grid at which the answered messages reach
    /// `targetAccuracy`, with its coverage and accuracy on these messages; nil if no threshold
    /// reaches it.
    ///
    /// - Parameters:
    ///   - targetAccuracy: the accuracy to reach (0...1).
    ///   - z: when positive, the accuracy that must reach the target is the Wilson lower
    ///     confidence bound with this many standard errors (1.96 ≈ 95% confidence) instead of
    ///     the observed accuracy, so the threshold carries over to new messages more safely.
    public func suggestThreshold(targetAccuracy: Double, z: Double = 0) -> CoveragePoint? {
        // Messages sorted by probability; walking the grid upwards drops them from the front.
        let sorted = confidences.sorted { $0.probability < $1.probability }
        var right = sorted.reduce(0) { $0 + ($1.correct ? 1 : 0) }
        var start = 0
        for k in 0...1000 {
            let t = Float(k) / 1000
            while start < sorted.count && sorted[start].probability < t {
                if sorted[start].correct { right -= 1 }
                start += 1
            }
            let answered = sorted.count - start
            if answered == 0 { return nil }
            let accuracy = Double(right) / Double(answered)
            if Self.wilsonLowerBound(right: right, of: answered, z: z) >= targetAccuracy {
                return CoveragePoint(
                    threshold: t, coverage: Double(answered) / Double(sorted.count), accuracy: accuracy, answered: answered)
            }
        }
        return nil
    }

    /// For a two-label evaluation, the positive label of ``rocAUC`` and ``averagePrecision``:
    /// ``requestedPositiveLabel`` when it is one of the two labels; otherwise `spam` when it is
    /// one of them; otherwise the label with fewer true examples (the second model label on a
    /// tie). Nil unless the evaluation has two labels.
    public var positiveLabel: String? {
        guard binaryScores.count > 0 else { return nil }
        if let wanted = requestedPositiveLabel, wanted == binaryLabels.0 || wanted == binaryLabels.1 { return wanted }
        if binaryLabels.0 == "spam" || binaryLabels.1 == "spam" { return "spam" }
        let second = binaryScores.reduce(0) { $0 + ($1.isSecond ? 1 : 0) }
        let first = binaryScores.count - second
        return second <= first ? binaryLabels.1 : binaryLabels.0
    }

    /// The label ``positiveLabel`` should be when the evaluation has two labels and this is one
    /// of them (nil: `spam`, or the rarer label).
    public var requestedPositiveLabel: String?

    /// The ROC curve of ``positiveLabel``: (false positive rate, true positive rate) at every
    /// distinct score threshold, highest first, from (0, 0) to (1, 1); empty unless both
    /// classes occur.
    public var rocCurve: [(x: Double, y: Double)] {
        let s = positiveScores.sorted { $0.score > $1.score }
        let pos = s.reduce(0) { $0 + ($1.positive ? 1 : 0) }
        let neg = s.count - pos
        guard pos > 0, neg > 0 else { return [] }
        var points: [(x: Double, y: Double)] = [(0, 0)]
        var tp = 0
        var fp = 0
        forEachTie(in: s) { run in
            for k in run { if s[k].positive { tp += 1 } else { fp += 1 } }
            points.append((Double(fp) / Double(neg), Double(tp) / Double(pos)))
        }
        return points
    }

    /// The precision-recall curve of ``positiveLabel``: (recall, precision) at every distinct
    /// score threshold, highest first; empty unless both classes occur.
    public var precisionRecallCurve: [(x: Double, y: Double)] {
        let s = positiveScores.sorted { $0.score > $1.score }
        let pos = s.reduce(0) { $0 + ($1.positive ? 1 : 0) }
        guard pos > 0, s.count > pos else { return [] }
        var points: [(x: Double, y: Double)] = []
        var tp = 0
        forEachTie(in: s) { run in
            for k in run where s[k].positive { tp += 1 }
            points.append((Double(tp) / Double(pos), Double(tp) / Double(run.upperBound + 1)))
        }
        return points
    }

    /// The two model labels, for a two-label evaluation.
    public var binaryLabels: (String, String) = ("", "")

    /// Scores of the positive label and whether each message is positive.
    private var positiveScores: [(score: Double, positive: Bool)] {
        guard let positive = positiveLabel else { return [] }
        let second = positive == binaryLabels.1
        return binaryScores.map { second ? (Double($0.probability), $0.isSecond) : (1 - Double($0.probability), !$0.isSecond) }
    }

    /// Calls `body` with each run of equal scores in `s` (sorted by score), in order.
    private func forEachTie(in s: [(score: Double, positive: Bool)], _ body: (ClosedRange<Int>) -> Void) {
        var i = 0
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1].score == s[i].score { j += 1 }
            body(i...j)
            i = j + 1
        }
    }

    /// Area under the ROC curve for ``positiveLabel`` (the probability that a random positive
    /// message scores higher than a random negative one, ties counting one half); nil unless
    /// the model has two labels and both occur.
    public var rocAUC: Double? {
        let s = positiveScores.sorted { $0.score < $1.score }
        let pos = s.reduce(0) { $0 + ($1.positive ? 1 : 0) }
        let neg = s.count - pos
        guard pos > 0, neg > 0 else { return nil }
        // Mann-Whitney U with average ranks for ties.
        var rankSum = 0.0
        forEachTie(in: s) { run in
            let rank = Double(run.lowerBound + run.upperBound) / 2 + 1
            for k in run where s[k].positive { rankSum += rank }
        }
        return (rankSum - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }

    /// Average precision (area under the precision-recall curve, step-wise) for
    /// ``positiveLabel``: Σ (Rₖ − Rₖ₋₁) · Pₖ over the distinct score thresholds, highest first;
    /// nil unless the model has two labels and the positive label occurs.
    public var averagePrecision: Double? {
        let s = positiveScores.sorted { $0.score > $1.score }
        let pos = s.reduce(0) { $0 + ($1.positive ? 1 : 0) }
        guard pos > 0, s.count > pos else { return nil }
        var ap = 0.0
        var tp = 0
        forEachTie(in: s) { run in
            var newTP = 0
            for k in run where s[k].positive { newTP += 1 }
            tp += newTP
            ap += Double(newTP) / Double(pos) * Double(tp) / Double(run.upperBound + 1)
        }
        return ap
    }

    /// Keeps `m` if it is among the ``mistakeLimit`` most confident mistakes.
    mutating func consider(_ m: Mistake) {
        guard mistakeLimit > 0 else { return }
        if mistakes.count == mistakeLimit, let last = mistakes.last, last.probability >= m.probability { return }
        let at = mistakes.firstIndex { $0.probability < m.probability } ?? mistakes.count
        mistakes.insert(m, at: at)
        if mistakes.count > mistakeLimit { mistakes.removeLast() }
    }

    /// Whether a mistake of probability `p` would be kept.
    func wouldKeep(_ p: Float) -> Bool {
        mistakeLimit > 0 && (mistakes.count < mistakeLimit || mistakes.last!.probability < p)
    }
}

/// One bin of a reliability diagram.
public struct ReliabilityBin: Sendable, Hashable {
    /// Lower edge of the bin's probability range.
    public var lower: Double
    /// Upper edge.
    public var upper: Double
    /// Messages whose top probability falls in the bin.
    public var count: Int
    /// Their mean top probability.
    public var confidence: Double
    /// The share of them whose top label is right.
    public var accuracy: Double
}

/// Coverage and accuracy at one threshold.
public struct CoveragePoint: Sendable, Hashable {
    /// The minimum top probability for an automatic answer.
    public var threshold: Float
    /// Share of messages answered.
    public var coverage: Double
    /// Accuracy on the answered messages (NaN when none).
    public var accuracy: Double
    /// Number of messages answered.
    public var answered: Int
}

/// A wrong answer, with why the model gave it.
public struct Mistake: Sendable, Hashable {
    /// The message.
    public var text: String
    /// Its true label.
    public var truth: String
    /// The model's top label.
    public var predicted: String
    /// The probability of the predicted label.
    public var probability: Float
    /// The features that pushed toward the predicted label most.
    public var explanation: [FeatureContribution]
}

extension Classifier {
    /// Classifies labelled examples and collects the results.
    public func evaluate(_ examples: [Example], keepMistakes: Int = 0) -> Evaluation {
        var e = Evaluation(labels: model.labels)
        e.mistakeLimit = keepMistakes
        for x in examples { record(x.text, truth: x.label, into: &e) }
        return e
    }

    /// Classifies one labelled message into an evaluation.
    public func record(_ text: String, truth: String, into e: inout Evaluation) {
        record(classify(text), of: text, truth: truth, into: &e)
    }

    /// Records the prediction `p` this classifier made for `text` into an evaluation (for
    /// callers that classify many messages on several threads, then record them in order).
    public func record(_ p: Prediction, of text: String, truth: String, into e: inout Evaluation) {
        e.add(truth: truth, predicted: p.label)
        if let i = model.labels.firstIndex(of: truth),
            let q = p.probabilities.first(where: { $0.label == model.labels[i] })
        {
            e.logLossSum -= log(max(Double(q.probability), 1e-15))
            e.logLossCount += 1
            if model.labels.count == 2 {
                e.binaryLabels = (model.labels[0], model.labels[1])
                let second = p.probabilities.first { $0.label == model.labels[1] }!.probability
                e.binaryScores.append((second, i == 1))
            }
        }
        e.confidences.append((p.probability, p.topLabel == truth))
        if p.topLabel != truth && e.wouldKeep(p.probability) {
            e.consider(
                Mistake(
                    text: text, truth: truth, predicted: p.topLabel, probability: p.probability,
                    explanation: explain(text, top: 5).features))
        }
    }
}
