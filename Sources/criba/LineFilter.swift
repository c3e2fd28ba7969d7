import Criba

/// Turns one input line into one output line.
struct LineFilter {
    let classifier: Classifier
    let json: Bool
    let labelBytes: [[UInt8]]
    let unsureBytes: [UInt8]
    let jsonLabels: [String]

    init(classifier: Classifier, json: Bool) {
        self.classifier = classifier
        self.json = json
        labelBytes = classifier.labels.map { Array($0.utf8) }
        unsureBytes = Array(classifier.policy.unsureLabel.utf8)
        jsonLabels = classifier.labels.map(jsonString)
    }

    func answer(_ line: UnsafeBufferPointer<UInt8>, into out: OutputBuffer) {
        if line.isEmpty {
            out.append(0x0A)
            return
        }
        classifier.withProbabilities(utf8: line) { p in
            var best = 0
            var bp: Float = -1
            var sp: Float = 0
            for j in 0..<p.count {
                let v = p[j]
                if v > bp {
                    sp = max(bp, 0)
                    bp = v
                    best = j
                } else if v > sp {
                    sp = v
                }
            }
            let unsure = classifier.policy.isUnsure(label: classifier.labels[best], top: bp, second: sp)
            if !json {
                (unsure ? unsureBytes : labelBytes[best]).withUnsafeBufferPointer { out.append($0) }
                out.append(0x09)
                out.appendProbability(bp)
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
            var order = Array(0..<p.count)
            order.sort { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
            for (k, j) in order.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(jsonLabels[j])
                out.append(0x3A)
                out.appendProbability(p[j])
            }
            out.append("}}\n")
        }
    }
}
