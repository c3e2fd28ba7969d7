extension Scanner {
    // MARK: Voseo

    /// Emits a word after money-word promotion, chat-abbreviation expansion and voseo mapping,
    /// with a single lookup of the whole word.
    ///
    /// `stressedEnd` tells that the last vowel was written with an acute accent: "poné" and
    /// "hacé" are then imperatives, while "pone" and "hace" are also third-person forms.
    mutating func emitWord(_ w: UnsafeBufferPointer<UInt8>, stressedEnd: Bool = false, into out: TokenBuffer) {
        // FNV-1a of every prefix, so enclitic stems need no second hashing pass.
        var prefixHash = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                          UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                          UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let n = w.count
        var h = FeatureHash.offsetBasis
        withUnsafeMutableBytes(of: &prefixHash) { raw in
            let ph = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            for k in 0..<n {
                if k < 24 { ph[k] = h }
                h = (h ^ UInt64(w[k])) &* FeatureHash.prime
            }
        }
        if let e = tables.words.lookup(w, hash: h) {
            let info = tables.wordInfo[e]
            if settings.placeholders && info.money >= 0 {
                contextual = true
                promotePrecedingNumberToMoney(extra: Int(info.money), into: out)
            }
            if settings.chatAbbreviations && info.abbreviation >= 0 {
                for part in tables.abbreviationExpansions[Int(info.abbreviation)] {
                    part.withUnsafeBufferPointer { emitVoseo($0, stressedEnd: false, payload: tables.voseo.lookup($0).map { tables.voseo.payloads[$0] } ?? -1, prefixHashes: nil, into: out) }
                }
                return
            }
            withUnsafeBytes(of: &prefixHash) { raw in
                emitVoseo(w, stressedEnd: stressedEnd, payload: info.voseo, prefixHashes: raw.baseAddress!.assumingMemoryBound(to: UInt64.self), into: out)
            }
            return
        }
        withUnsafeBytes(of: &prefixHash) { raw in
            emitVoseo(w, stressedEnd: stressedEnd, payload: -1, prefixHashes: raw.baseAddress!.assumingMemoryBound(to: UInt64.self), into: out)
        }
    }

    /// Emits `w`, mapped to its tú form when it is a voseo verb form (`payload` is its voseo
    /// entry or -1) or a voseo imperative with enclitic pronouns.
    mutating func emitVoseo(
        _ w: UnsafeBufferPointer<UInt8>, stressedEnd: Bool, payload: Int32, prefixHashes: UnsafePointer<UInt64>?,
        into out: TokenBuffer
    ) {
        guard settings.voseo else {
            out.append(w, kind: .word)
            return
        }
        if payload >= 0 {
            // An -á/-é imperative written with its accent is unambiguous (-í is not: pedí, salí
            // are also preterites).
            let accentedImperative = stressedEnd && (w.last == UInt8(ascii: "a") || w.last == UInt8(ascii: "e"))
            if payload & 3 != LanguageTables.VoseoKind.imperativeWithClitic.rawValue || accentedImperative {
                out.append(tables.voseoReplacements[Int(payload >> 2)], kind: .word)
                return
            }
        }
        // Imperative + enclitic pronouns: decime → deci+me → di+me.
        let n = w.count
        let last = n > 0 ? w[n - 1] : 0
        if n >= 4 && (last == UInt8(ascii: "e") || last == UInt8(ascii: "a") || last == UInt8(ascii: "o") || last == UInt8(ascii: "s")) {
            for clitic in tables.enclitics where n >= clitic.count + 2 {
                let stemLength = n - clitic.count
                // A vos imperative stem ends in a stressed vowel: mirá-, poné-, decí-.
                let lastOfStem = w[stemLength - 1]
                if lastOfStem != UInt8(ascii: "a") && lastOfStem != UInt8(ascii: "e") && lastOfStem != UInt8(ascii: "i") {
                    continue
                }
                var matches = true
                for k in 0..<clitic.count where w[stemLength + k] != clitic[k] {
                    matches = false
                    break
                }
                if !matches { continue }
                let stem = UnsafeBufferPointer(rebasing: w[..<stemLength])
                let found: Int?
                if let prefixHashes, stemLength < 24 {
                    found = tables.voseo.lookup(stem, hash: prefixHashes[stemLength])
                } else {
                    found = tables.voseo.lookup(stem)
                }
                if let e = found {
                    let p = tables.voseo.payloads[e]
                    if p & 3 != LanguageTables.VoseoKind.present.rawValue {
                        scratch.removeAll()
                        scratch.append(contentsOf: tables.voseoReplacements[Int(p >> 2)])
                        scratch.append(contentsOf: clitic)
                        out.append(scratch.buffer, kind: .word)
                        return
                    }
                }
            }
        }
        out.append(w, kind: .word)
    }
}
