import Foundation

/// The metadata section of a model file: sorted `key=value` lines (a backslash escapes a line
/// break as `\n` and itself as `\\`) holding the algorithm, the temperature, every tokenizer
/// and feature setting, and the model's facts under `info.`.
extension ModelFile {
    /// The metadata section's text for `model`.
    static func metadataText(of model: Model) -> String {
        var m: [String: String] = [:]
        m["algorithm"] = model.algorithm.rawValue
        m["temperature"] = "\(model.temperature)"
        for (k, v) in model.tokenizerSettings.metadata() { m[k] = v }
        m["tokenizer.tables"] = LanguageTables.shared.fingerprint
        for (k, v) in model.featureSettings.metadata() { m[k] = v }
        for (k, v) in model.facts.entries { m[factPrefix + k] = v }
        return m.keys.sorted().map { k in
            "\(k)=\(escaped(m[k]!))"
        }.joined(separator: "\n")
    }

    /// The prefix of the keys of a model's facts.
    static let factPrefix = "info."

    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The `key=value` entries of a metadata section.
    static func metadataEntries(_ text: String) throws -> [String: String] {
        var m: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else {
                throw ModelFileError(path: "", message: "malformed metadata line `\(line)`")
            }
            var value = ""
            var escaped = false
            for ch in line[line.index(after: eq)...] {
                if escaped {
                    value.append(ch == "n" ? "\n" : ch)
                    escaped = false
                } else if ch == "\\" {
                    escaped = true
                } else {
                    value.append(ch)
                }
            }
            m[String(line[..<eq])] = value
        }
        return m
    }

    /// The model a file's sections describe, checked: settings known and in range, labels
    /// valid, array sizes consistent, keys sorted, every number finite.
    ///
    /// - Throws: ``ModelFileError`` with an empty path (the caller names the file).
    static func model(
        metadataText: String, labels: [String], keys: [FeatureKey], idf: [Float], weights: [Float], bias: [Float],
        counts: NaiveBayesCounts?
    ) throws -> Model {
        func fail(_ message: String) -> ModelFileError { ModelFileError(path: "", message: message) }
        let m = try metadataEntries(metadataText)
        func string(_ k: String) throws -> String {
            guard let v = m[k] else { throw fail("missing setting `\(k)`") }
            return v
        }
        func bool(_ k: String) throws -> Bool {
            switch try string(k) {
            case "true": return true
            case "false": return false
            default: throw fail("setting `\(k)` is not true/false")
            }
        }
        guard let algorithm = Algorithm(rawValue: try string("algorithm")) else {
            throw fail("unknown algorithm `\(m["algorithm"] ?? "")`")
        }
        let t = try TokenizerSettings(metadata: bool)
        let tables = try string("tokenizer.tables")
        if tables != LanguageTables.shared.fingerprint {
            throw fail(
                "the model was trained with different tokenizer word tables (\(tables); this build has \(LanguageTables.shared.fingerprint)); retrain it with this version of Criba")
        }
        let f = try FeatureSettings(metadata: string, invalid: fail)
        if let p = f.problem() { throw fail("invalid feature settings: \(p)") }
        let c = labels.count
        // A count shard for `merge` may hold one label; a model for classifying holds two or more.
        guard c >= (counts == nil ? 2 : 1), Set(labels).count == c, !labels.contains("") else {
            throw fail("invalid label list")
        }
        guard weights.count == keys.count * c, bias.count == c, idf.isEmpty || idf.count == keys.count else {
            throw fail("array sizes do not match (\(keys.count) features, \(c) labels)")
        }
        for k in 1..<max(keys.count, 1) where keys[k - 1] >= keys[k] {
            throw fail("feature keys are not sorted")
        }
        if let counts {
            guard counts.featureCounts.count == keys.count * c, counts.classCounts.count == c else {
                throw fail("count arrays do not match")
            }
        }
        if let problem = labels.lazy.compactMap(Model.labelProblem).first { throw fail("invalid label list: \(problem)") }
        // A file whose checksum matches can still carry numbers no training writes (NaN, inf,
        // 3e38): scores would be NaN. The writer refuses them; so does the reader.
        guard Model.storable(weights), Model.storable(bias), Model.storable(idf) else {
            throw fail("the model holds weights that are not finite or exceed 1e20")
        }
        if let counts {
            guard counts.featureCounts.allSatisfy({ $0 >= 0 && $0.isFinite }), counts.classCounts.allSatisfy({ $0 >= 0 && $0.isFinite })
            else { throw fail("the model holds counts that are negative or not finite") }
        }
        guard let temperature = Float(try string("temperature")), temperature > 0, temperature.isFinite, (1 / temperature).isFinite
        else {
            throw fail("invalid temperature")
        }
        var model = Model(
            algorithm: algorithm, tokenizerSettings: t, featureSettings: f, labels: labels, keys: keys, idf: idf,
            weights: weights, bias: bias, counts: counts)
        model.temperature = temperature
        var facts: [String: String] = [:]
        for (k, v) in m where k.hasPrefix(factPrefix) { facts[String(k.dropFirst(factPrefix.count))] = v }
        model.facts = ModelFacts(entries: facts)
        return model
    }
}
