/// A feature with a readable name, for debugging and explanations.
public struct NamedFeature: Sendable, Hashable {
    /// The hashed key.
    public var key: FeatureKey
    /// `w:stem` (word or placeholder), `n:stem stem` (word n-gram) or `c:_ab` (character
    /// n-gram, `_` marking a word boundary).
    public var name: String
    /// Occurrences in the message.
    public var count: Int
}

extension FeatureExtractor {
    /// The tokens of `text` with their stems (the stem is the token itself when stemming is off
    /// or the token is not a word).
    public func tokensWithStems(_ text: String) -> [(token: Token, stem: String)] {
        let ws = FeatureWorkspace()
        let tokens = tokenizer.tokens(of: text)
        return tokens.map { t in
            if t.kind == .word && tokenizer.settings.stemming {
                return (t, ws.stemmer.stem(t.text))
            }
            return (t, t.text)
        }
    }

    /// Every feature of `text` with a readable name, in first-seen order. The keys are exactly
    /// those ``extract(_:into:)`` produces.
    public func namedFeatures(_ text: String) -> [NamedFeature] {
        var order: [FeatureKey] = []
        var names: [FeatureKey: String] = [:]
        var counts: [FeatureKey: Int] = [:]
        func add(_ key: FeatureKey, _ name: String) {
            if counts[key] == nil {
                order.append(key)
                names[key] = name
            }
            counts[key, default: 0] += 1
        }
        let wordSeed = FeatureHash.seed(.word)
        let items = tokensWithStems(text)
        var units: [(hash: UInt64, name: String)] = []
        for (token, stem) in items {
            let h = FeatureHash.hash(stem, namespace: .word)
            units.append((h, stem))
            let isStop = tokenizer.settings.stopwords && token.kind == .word
                && tokenizer.tables.stopwords.lookup(Array(token.text.utf8)) != nil
            if !isStop { add(bucket(h), "w:" + stem) }
            _ = wordSeed
            if token.kind == .word && settings.charNgramMax > 0 {
                let bytes = [ASCII.space] + Array(token.text.utf8) + [ASCII.space]
                for start in 0..<bytes.count {
                    var hash = FeatureHash.seed(.charNgram)
                    let limit = min(settings.charNgramMax, bytes.count - start)
                    if limit < settings.charNgramMin { break }
                    for len in 1...limit {
                        hash = (hash ^ UInt64(bytes[start + len - 1])) &* FeatureHash.prime
                        if len >= settings.charNgramMin {
                            let gram = String(decoding: bytes[start..<(start + len)], as: UTF8.self)
                                .replacingOccurrences(of: " ", with: "_")
                            add(bucket(hash) | charBlockBit, "c:" + gram)
                        }
                    }
                }
            }
        }
        if settings.wordNgrams >= 2 && units.count >= 2 {
            let seed = FeatureHash.seed(.wordNgram)
            for k in 1..<units.count {
                let h = FeatureHash.combine(FeatureHash.combine(seed, units[k - 1].hash), units[k].hash)
                add(bucket(h), "n:" + units[k - 1].name + " " + units[k].name)
                if settings.wordNgrams >= 3 && k >= 2 {
                    let h3 = FeatureHash.combine(
                        FeatureHash.combine(FeatureHash.combine(seed, units[k - 2].hash), units[k - 1].hash), units[k].hash)
                    add(bucket(h3), "n:" + units[k - 2].name + " " + units[k - 1].name + " " + units[k].name)
                }
            }
        }
        return order.map { NamedFeature(key: $0, name: names[$0]!, count: counts[$0]!) }
    }
}
