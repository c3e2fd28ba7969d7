extension Scanner {
    // MARK: Links, e-mail, spelled-out words

    /// Lower-cased host if `s..<e` is a link (scheme, `www.`, or a known top-level domain).
    func urlHost(_ s: Int, _ e: Int) -> [UInt8]? {
        // Quick rejection: a link has a dot between letters or digits somewhere.
        var k = s + 1
        var dotted = false
        while k + 1 < e {
            if input[k] == ASCII.dot {
                let a = input[k - 1]
                let b = input[k + 1]
                if (ASCII.isLetter(a) || ASCII.isDigit(a)) && ASCII.isLetter(b) {
                    dotted = true
                    break
                }
            }
            k += 1
        }
        if !dotted { return nil }
        var i = s
        // Strip leading punctuation such as "(" or "<".
        while i < e && (input[i] == UInt8(ascii: "(") || input[i] == UInt8(ascii: "<") || input[i] == UInt8(ascii: "\"")) {
            i += 1
        }
        var hasScheme = false
        let schemes: [StaticString] = ["https://", "http://"]
        for scheme in schemes where hasPrefix(i, e, scheme) {
            i += scheme.utf8CodeUnitCount
            hasScheme = true
            break
        }
        var www = false
        if hasPrefix(i, e, "www.") {
            i += 4
            www = true
        }
        var host: [UInt8] = []
        var j = i
        var dots = 0
        var lastLabelStart = 0
        while j < e {
            let c = input[j]
            if ASCII.isLetter(c) || ASCII.isDigit(c) || c == ASCII.hyphen {
                host.append(ASCII.isLetter(c) ? ASCII.lower(c) : c)
            } else if c == ASCII.dot && j + 1 < e && (ASCII.isLetter(input[j + 1]) || ASCII.isDigit(input[j + 1])) {
                host.append(c)
                dots += 1
                lastLabelStart = host.count
            } else {
                break
            }
            j += 1
        }
        if host.isEmpty || dots == 0 { return nil }
        if j < e {
            let c = input[j]
            // After a host: a path, a port, or closing punctuation.
            if !Self.afterHost.contains(c) { return nil }
            if !hasScheme && !www && c != ASCII.slash && c != ASCII.dot && c != ASCII.comma && c != ASCII.bang
                && c != UInt8(ascii: "?") && c != UInt8(ascii: ")")
            {
                return nil
            }
        }
        if hasScheme || www { return host }
        let tld = Array(host[lastLabelStart...])
        guard tld.count >= 2, tld.allSatisfy(ASCII.isLetter), tables.topLevelDomains.lookup(tld) != nil else {
            return nil
        }
        return host
    }

    /// Bytes that may follow a host: a path, a port, or closing punctuation.
    static let afterHost: Set<UInt8> = [
        ASCII.slash, ASCII.colon, UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: ")"), UInt8(ascii: ">"),
        UInt8(ascii: "\""), ASCII.dot, ASCII.comma, ASCII.bang, UInt8(ascii: ";"),
    ]

    func emailHost(_ s: Int, _ e: Int) -> [UInt8]? {
        guard let at = (s..<e).first(where: { input[$0] == ASCII.at }), at > s else { return nil }
        let local = (s..<at).allSatisfy { k in
            let c = input[k]
            return ASCII.isLetter(c) || ASCII.isDigit(c) || c == ASCII.dot || c == ASCII.hyphen || c == ASCII.underscore
                || c == ASCII.plus
        }
        guard local else { return nil }
        var host: [UInt8] = []
        var dots = 0
        var j = at + 1
        while j < e {
            let c = input[j]
            if ASCII.isLetter(c) || ASCII.isDigit(c) || c == ASCII.hyphen {
                host.append(ASCII.isLetter(c) ? ASCII.lower(c) : c)
            } else if c == ASCII.dot && j + 1 < e && ASCII.isLetter(input[j + 1]) {
                host.append(c)
                dots += 1
            } else {
                break
            }
            j += 1
        }
        return dots > 0 ? host : nil
    }

    func hasPrefix(_ i: Int, _ e: Int, _ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { p in
            guard e - i >= p.count else { return false }
            for k in 0..<p.count where ASCII.lower(input[i + k]) != p[k] && input[i + k] != p[k] { return false }
            return true
        }
    }

    /// Emits a host as one token (without `www.`) followed by its labels as words.
    mutating func emitHost(_ host: [UInt8], into out: TokenBuffer) {
        out.append(host, kind: .placeholder)
        var label: [UInt8] = []
        for c in host + [ASCII.dot] {
            if c == ASCII.dot || c == ASCII.hyphen {
                if label.count >= 2 && label.contains(where: ASCII.isLetter) {
                    out.append(label, kind: .word)
                }
                label.removeAll(keepingCapacity: true)
            } else {
                label.append(c)
            }
        }
    }

    /// G.R.A.T.I.S, G-R-A-T-I-S: single letters joined by `.`, `-`, `*` or `_`.
    mutating func spelledOut(_ s: Int, _ e: Int, into out: TokenBuffer) -> Bool {
        guard e - s >= 5, ASCII.isLetter(input[s]) else { return false }
        let sep0 = input[s + 1]
        guard sep0 == ASCII.dot || sep0 == ASCII.hyphen || sep0 == ASCII.star || sep0 == ASCII.underscore else {
            return false
        }
        var letters: [UInt8] = []
        var i = s
        var separator: UInt8 = 0
        while i < e {
            let c = input[i]
            guard ASCII.isLetter(c) else { return false }
            letters.append(ASCII.lower(c))
            i += 1
            if i == e { break }
            let sep = input[i]
            guard sep == ASCII.dot || sep == ASCII.hyphen || sep == ASCII.star || sep == ASCII.underscore else {
                return false
            }
            if separator == 0 { separator = sep } else if sep != separator { return false }
            i += 1
        }
        guard letters.count >= 3 else { return false }
        flushNumber(into: out)
        resetWord()
        for c in letters { appendLetter(c) }
        wordUppers = 0
        endWord(into: out)
        return true
    }
}
