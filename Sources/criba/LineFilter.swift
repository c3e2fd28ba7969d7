import Criba
import Foundation

/// Turns one input line into one output line.
struct LineFilter {
    let classifier: Classifier
    let json: Bool
    let labelBytes: [[UInt8]]
    let unsureBytes: [UInt8]
    let jsonLabels: [String]
    /// The policy's probability threshold for each label, by index (no label lookup per line).
    let thresholds: [Float]
    let policy: UnsurePolicy
    /// How many ranked labels to give (nil = only the answer).
    let topK: Int?
    /// Whether to add the deciding features.
    let explain: Bool
    /// Features shown per message with `explain`.
    static let explainedFeatures = 5

    init(classifier: Classifier, json: Bool, topK: Int? = nil, explain: Bool = false) {
        self.classifier = classifier
        self.json = json
        self.topK = topK
        self.explain = explain
        labelBytes = classifier.labels.map { Array($0.utf8) }
        unsureBytes = Array(classifier.policy.unsureLabel.utf8)
        jsonLabels = classifier.labels.map(jsonString)
        policy = classifier.policy
        thresholds = classifier.labels.map(policy.threshold(for:))
    }

    func answer(_ line: UnsafeBufferPointer<UInt8>, into out: OutputBuffer) {
        if isBlank(line) {
            out.append(0x0A)
            return
        }
        classifier.withProbabilities(utf8: line) { p in
            let (best, bp, sp) = topTwo(of: p)
            let unsure = policy.isUnsure(threshold: thresholds[best], top: bp, second: sp)
            var order: [Int] = []
            if json || topK != nil {
                order = Array(0..<p.count)
                order.sort { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
            }
            let explanation = explain ? explained(line) : []
            if !json {
                (unsure ? unsureBytes : labelBytes[best]).withUnsafeBufferPointer { out.append($0) }
                out.append(0x09)
                out.appendProbability(bp)
                if let k = topK {
                    // The K labels always follow the answer (which may be the unsure label),
                    // so every line has the same fields.
                    for j in order.prefix(k) {
                        out.append(0x09)
                        labelBytes[j].withUnsafeBufferPointer { out.append($0) }
                        out.append(0x09)
                        out.appendProbability(p[j])
                    }
                }
                if explain {
                    out.append(0x09)
                    out.append(
                        explanation.map { $0.feature.replacingOccurrences(of: " ", with: "_") + ":" + weight($0.weight) }
                            .joined(separator: " "))
                }
                out.append(0x0A)
                return
            }
            out.append("{\"label\":")
            out.append(unsure ? jsonString(classifier.policy.unsureLabel) : jsonLabels[best])
            out.append(",\"probability\":")
            out.appendProbability(bp)
            out.append(",\"unsure\":")
            out.append(unsure ? "true" : "false")
            out.append(",\"probabilities\":{")
            for (k, j) in order.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(jsonLabels[j])
                out.append(0x3A)
                out.appendProbability(p[j])
            }
            out.append("}")
            if let k = topK {
                out.append(",\"top\":[")
                for (n, j) in order.prefix(k).enumerated() {
                    if n > 0 { out.append(0x2C) }
                    out.append("{\"label\":")
                    out.append(jsonLabels[j])
                    out.append(",\"probability\":")
                    out.appendProbability(p[j])
                    out.append("}")
                }
                out.append("]")
            }
            if explain {
                out.append(",\"explanation\":[")
                out.append(
                    explanation.map { "{\"feature\":\(jsonString($0.feature)),\"weight\":\(weight($0.weight))}" }
                        .joined(separator: ","))
                out.append("]")
            }
            out.append("}\n")
        }
    }

    /// The deciding features of a message (computed apart from the allocation-free path).
    func explained(_ line: UnsafeBufferPointer<UInt8>) -> [FeatureContribution] {
        classifier.explain(String(decoding: line, as: UTF8.self), top: Self.explainedFeatures).features
    }

    /// A feature weight with three decimals.
    func weight(_ w: Float) -> String { String(format: "%.3f", Double(w)) }
}
