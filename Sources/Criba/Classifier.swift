import Foundation
import Synchronization

/// A label with its probability.
public struct LabelProbability: Sendable, Hashable {
    /// The label.
    public var label: String
    /// Its probability.
    public var probability: Float
}

/// When to answer "unsure" instead of a label.
public struct UnsurePolicy: Sendable, Hashable {
    /// Minimum probability of the top label (0 = never unsure).
    public var threshold: Float = 0
    /// Minimum gap between the top two probabilities (0 = no check).
    public var margin: Float = 0
    /// Per-label minimum probabilities, overriding `threshold` for those labels.
    public var perLabel: [String: Float] = [:]
    /// The answer given when unsure.
    public var unsureLabel = "unsure"

    /// Creates a policy; the default never answers unsure.
    public init(threshold: Float = 0, margin: Float = 0, perLabel: [String: Float] = [:], unsureLabel: String = "unsure") {
        self.threshold = threshold
        self.margin = margin
        self.perLabel = perLabel
        self.unsureLabel = unsureLabel
    }

    /// Reads per-label thresholds: one `label<TAB>probability` or `label=probability` per
    /// line; blank lines and lines starting with `#` are ignored, spaces around either part too.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the file name for error messages.
    ///   - labels: the labels the model knows; any other label is an error.
    /// - Returns: label → minimum probability.
    /// - Throws: ``DataError`` naming the file and line of a malformed line, a probability
    ///   outside 0...1, an unknown label or a label given twice.
    public static func parseLabelThresholds(_ text: String, file: String, labels: [String]) throws -> [String: Float] {
        var out: [String: Float] = [:]
        let known = Set(labels)
        // A byte-order mark (Windows Notepad writes one) is not part of the first label.
        var text = Substring(text)
        if text.unicodeScalars.first == "\u{FEFF}" { text = Substring(text.unicodeScalars.dropFirst()) }
        // `\r\n` is one Character in Swift, so split on line-break characters, not on `\n`.
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let sep = line.firstIndex(where: { $0 == "\t" || $0 == "=" }) else {
                throw DataError(file: file, line: i + 1, message: "expected `label<TAB>probability` or `label=probability`, found `\(line)`")
            }
            let label = line[..<sep].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { throw DataError(file: file, line: i + 1, message: "missing label before the probability") }
            guard let p = Float(value), p.isFinite, (0...1).contains(p) else {
                throw DataError(file: file, line: i + 1, message: "`\(value)` is not a probability between 0 and 1")
            }
            guard known.contains(label) else {
                throw DataError(
                    file: file, line: i + 1,
                    message: "unknown label `\(label)`; the model's labels are \(labels.sorted().joined(separator: ", "))")
            }
            guard out[label] == nil else { throw DataError(file: file, line: i + 1, message: "label `\(label)` is given twice") }
            out[label] = p
        }
        return out
    }

    /// Reads a per-label thresholds file (format in ``parseLabelThresholds(_:file:labels:)``).
    ///
    /// - Throws: ``IOError`` if the file is missing or unreadable; ``DataError`` for bad lines.
    public static func readLabelThresholds(path: String, labels: [String]) throws -> [String: Float] {
        try parseLabelThresholds(String(decoding: FileIO.readAll(path: path), as: UTF8.self), file: path, labels: labels)
    }

    /// Whether a prediction of `label` with probability `top` (runner-up `second`) is unsure.
    public func isUnsure(label: String, top: Float, second: Float) -> Bool {
        isUnsure(threshold: threshold(for: label), top: top, second: second)
    }

    /// The probability below which an answer of `label` is unsure: its own threshold, else
    /// the common one.
    public func threshold(for label: String) -> Float {
        perLabel[label] ?? threshold
    }

    /// Whether an answer with probability `top`, runner-up `second`, is unsure under
    /// `threshold` (the answer's ``threshold(for:)``, looked up once by callers that answer
    /// many messages) and the margin.
    public func isUnsure(threshold: Float, top: Float, second: Float) -> Bool {
        top < threshold || top - second < margin
    }
}

/// The answer for one message.
public struct Prediction: Sendable, Hashable {
    /// The predicted label, or the policy's unsure label when unsure.
    public var label: String
    /// Probability of the most likely label.
    public var probability: Float
    /// The most likely label, even when unsure.
    public var topLabel: String
    /// Whether the policy judged the model unsure.
    public var isUnsure: Bool
    /// Every label with its probability, most likely first.
    public var probabilities: [LabelProbability]
    /// The features that pushed the message toward ``topLabel`` most, when asked for with
    /// ``Classifier/classify(_:explainingTop:)``; `nil` otherwise.
    public var explanation: Explanation? = nil
}

/// Loads a model and classifies messages. Immutable and `Sendable`: one instance serves many
/// threads or tasks at once; each thread reuses its own scratch memory, so the hot path takes
/// no locks.
public final class Classifier: Sendable {
    /// The model.
    public let model: Model
    /// The unsure policy applied to predictions.
    public let policy: UnsurePolicy
    let extractor: FeatureExtractor
    /// Names this classifier's per-thread word score memos (``WordScoreMemo``): unique in the
    /// process, so a memo never serves another model.
    let scoringID: UInt64

    /// Creates a classifier for a model.
    public init(model: Model, policy: UnsurePolicy = UnsurePolicy()) {
        BLAS.singleThreaded
        self.scoringID = Self.nextScoringID.add(1, ordering: .relaxed).newValue
        self.model = model
        self.policy = policy
        self.extractor = FeatureExtractor(tokenizer: model.tokenizerSettings, features: model.featureSettings)
    }

    /// Loads a model file.
    ///
    /// - Throws: ``IOError`` or ``ModelFileError``.
    public convenience init(contentsOf url: URL, policy: UnsurePolicy = UnsurePolicy()) throws {
        self.init(model: try Model(contentsOfFile: url.path), policy: policy)
    }

    /// Loads a model file by path.
    ///
    /// - Throws: ``IOError`` or ``ModelFileError``.
    public convenience init(path: String, policy: UnsurePolicy = UnsurePolicy()) throws {
        self.init(model: try Model(contentsOfFile: path), policy: policy)
    }

    /// Loads a model from the bytes of a model file (for example one bundled as a resource or
    /// received over a network).
    ///
    /// - Throws: ``ModelFileError`` (with path `<bytes>`) for truncated, corrupted, foreign or
    ///   newer-version data.
    public convenience init(bytes: [UInt8], policy: UnsurePolicy = UnsurePolicy()) throws {
        self.init(model: try Model(bytes: bytes), policy: policy)
    }

    /// Loads a model from the bytes of a model file held in `Data`.
    ///
    /// - Throws: ``ModelFileError`` (with path `<bytes>`).
    public convenience init(bytes: Data, policy: UnsurePolicy = UnsurePolicy()) throws {
        self.init(model: try Model(bytes: [UInt8](bytes)), policy: policy)
    }

    /// The labels the model can answer.
    public var labels: [String] { model.labels }

    /// Classifies one message.
    public func classify(_ text: String) -> Prediction {
        let scratch = ClassifierScratch.current(classes: model.labels.count)
        var t = text
        t.withUTF8 { probabilities(of: $0, scratch: scratch) }
        return prediction(from: scratch.probabilities)
    }

    /// Classifies one message and explains the answer with its `explainingTop` strongest
    /// features (see ``explain(_:top:)``).
    public func classify(_ text: String, explainingTop top: Int) -> Prediction {
        var p = classify(text)
        p.explanation = explain(text, top: top)
        return p
    }

    /// Classifies messages in order.
    public func classify(_ texts: [String]) -> [Prediction] {
        texts.map { classify($0) }
    }

    /// Computes the probability of every label (in ``labels`` order) for a message given as
    /// UTF-8 bytes, and passes them to `body`. Allocates nothing once the calling thread has
    /// classified a first message; the buffer is valid only inside `body`.
    public func withProbabilities<R>(
        utf8 bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        let scratch = ClassifierScratch.current(classes: model.labels.count)
        probabilities(of: bytes, scratch: scratch)
        return try scratch.probabilities.withUnsafeBufferPointer(body)
    }

    private static let nextScoringID = Atomic<UInt64>(0)

    /// Probabilities for UTF-8 bytes, written to `scratch.probabilities` (no allocation).
    func probabilities(of bytes: UnsafeBufferPointer<UInt8>, scratch: ClassifierScratch) {
        let memo = scratch.wordScores(for: scoringID)
        scratch.probabilities.withUnsafeMutableBufferPointer { p in
            model.scores(of: bytes, extractor: extractor, scratch: scratch, wordScores: memo, into: p)
            model.softmax(p)
        }
    }

    func prediction(from p: [Float]) -> Prediction {
        var order = Array(p.indices)
        order.sort { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        let best = order[0]
        let second = order.count > 1 ? p[order[1]] : 0
        let top = model.labels[best]
        let unsure = policy.isUnsure(label: top, top: p[best], second: second)
        return Prediction(
            label: unsure ? policy.unsureLabel : top, probability: p[best], topLabel: top, isUnsure: unsure,
            probabilities: order.map { LabelProbability(label: model.labels[$0], probability: p[$0]) })
    }
}

/// Scratch arrays for ``Model/scores(of:scratch:into:)``.
final class ScoringScratch {
    let slots = RawBuffer<Int32>(capacity: 512)
    let rows = RawBuffer<Int32>(capacity: 512)
    let values = RawBuffer<Float>(capacity: 512)
}

/// Per-thread scratch memory for classification.
final class ClassifierScratch {
    let workspace = FeatureWorkspace()
    let scoring = ScoringScratch()
    var vector = SparseVector()
    var probabilities: [Float] = []
    /// Word score memos of the classifiers this thread used last, most recent last.
    private var wordScores: [WordScoreMemo] = []
    /// How many classifiers' memos a thread keeps.
    static let wordScoreMemos = 4

    init(classes: Int) {
        probabilities = [Float](repeating: 0, count: classes)
        vector.rows.reserveCapacity(512)
        vector.values.reserveCapacity(512)
    }

    /// The word score memo of classifier `id` on this thread (created on first use; the
    /// least recently used one is dropped beyond ``wordScoreMemos``).
    @inline(__always)
    func wordScores(for id: UInt64) -> WordScoreMemo {
        if let last = wordScores.last, last.owner == id { return last }
        if let k = wordScores.firstIndex(where: { $0.owner == id }) {
            let memo = wordScores.remove(at: k)
            wordScores.append(memo)
            return memo
        }
        if wordScores.count == Self.wordScoreMemos { wordScores.removeFirst() }
        let memo = WordScoreMemo(owner: id)
        wordScores.append(memo)
        return memo
    }

    private static let slot = ThreadLocalSlot<ClassifierScratch>()

    /// This thread's scratch, sized for `classes` labels.
    static func current(classes: Int) -> ClassifierScratch {
        if let s = slot.value {
            if s.probabilities.count != classes {
                s.probabilities = [Float](repeating: 0, count: classes)
            }
            return s
        }
        let s = ClassifierScratch(classes: classes)
        slot.value = s
        return s
    }
}
