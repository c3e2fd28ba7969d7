/// How much one feature of a message pushed toward a label.
public struct FeatureContribution: Sendable, Hashable {
    /// Readable feature name (see ``NamedFeature/name``): `w:stem`, `n:stem stem` or `c:_ab`.
    public var feature: String
    /// `x_f · (W[f, label] − mean over labels of W[f, ·])`, with `x_f` the feature's value after
    /// the model's weighting and normalisation (as in scoring, before the temperature).
    public var weight: Float
}

/// Why a message got its label.
public struct Explanation: Sendable, Hashable {
    /// The most likely label.
    public var label: String
    /// Its probability.
    public var probability: Float
    /// The features that pushed toward ``label`` most, largest weight first.
    public var features: [FeatureContribution]
    /// The bias term's contribution: `bias[label] − mean bias`. With every feature included,
    /// `intercept + Σ weight` equals the label's raw score minus the mean raw score.
    public var intercept: Float
}

extension Classifier {
    /// Explains the answer for one message: the features that pushed it toward its most
    /// likely label.
    ///
    /// - Parameters:
    ///   - text: the message.
    ///   - top: how many features to return (the largest weights; `Int.max` for all).
    /// - Returns: the label, its probability and the features, sorted by weight descending
    ///   (ties by name).
    public func explain(_ text: String, top: Int) -> Explanation {
        let c = model.labels.count
        let cache = InferenceCache.current(classes: c)
        var t = text
        t.withUTF8 { bytes in
            cache.probabilities.withUnsafeMutableBufferPointer { p in
                scorer.scores(of: bytes, cache: cache, into: p, listing: true)
                model.softmax(p)
            }
        }
        let p = prediction(from: cache.probabilities)
        let chosen = model.labels.firstIndex(of: p.topLabel)!
        let v = cache.vector
        var names: [FeatureKey: String] = [:]
        for f in extractor.namedFeatures(text) where names[f.key] == nil { names[f.key] = f.name }
        var out: [FeatureContribution] = []
        out.reserveCapacity(v.rows.count)
        for k in 0..<v.rows.count {
            let r = Int(v.rows[k])
            var mean: Float = 0
            for j in 0..<c { mean += model.weights[r * c + j] }
            mean /= Float(c)
            let w = v.values[k] * (model.weights[r * c + chosen] - mean)
            let key = model.space.keys[r]
            out.append(FeatureContribution(feature: names[key] ?? "#\(key & 0x7FFF_FFFF)", weight: w))
        }
        out.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.feature < $1.feature) }
        let meanBias = model.bias.reduce(0, +) / Float(c)
        return Explanation(
            label: p.topLabel, probability: p.probability, features: Array(out.prefix(max(0, top))),
            intercept: model.bias[chosen] - meanBias)
    }
}
