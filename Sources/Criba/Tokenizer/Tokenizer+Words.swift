extension Scanner {
    // MARK: Words

    @inline(__always)
    mutating func appendLetter(_ b: UInt8) {
        word.append(b)
        shape.append(1)
        wordLetters += 1
        finalAccent = false
    }

    @inline(__always)
    mutating func appendEnye() {
        word.append(ASCII.enyeLead)
        word.append(ASCII.enyeTrail)
        shape.append(1)
        shape.append(1)
        wordLetters += 1
    }

    mutating func appendUnfolded(_ scalar: UInt32, folded: UInt8) {
        var s = scalar
        if s < 0x100 {
            if s >= 0xC0 && s <= 0xDE && s != 0xD7 { s += 0x20 }
        } else if s & 1 == 0 {
            s += 1
        }
        if s < 0x800 {
            word.append(UInt8(0xC0 | (s >> 6)))
            word.append(UInt8(0x80 | (s & 0x3F)))
            shape.append(1)
            shape.append(1)
        } else {
            appendLetter(folded)
            return
        }
        wordLetters += 1
    }

    /// Composes a combining acute, grave or diaeresis with the preceding vowel (accents kept).
    mutating func composeAccent(_ mark: UInt32) {
        let last = word[word.count - 1]
        let vowels: [UInt8] = Array("aeiou".utf8)
        guard let v = vowels.firstIndex(of: last) else { return }
        let acute: [UInt32] = [0xE1, 0xE9, 0xED, 0xF3, 0xFA]
        let grave: [UInt32] = [0xE0, 0xE8, 0xEC, 0xF2, 0xF9]
        let diaeresis: [UInt32] = [0xE4, 0xEB, 0xEF, 0xF6, 0xFC]
        let composed: UInt32
        switch mark {
        case 0x301: composed = acute[v]
        case 0x300: composed = grave[v]
        case 0x308: composed = diaeresis[v]
        default: return
        }
        word.removeLast()
        shape.removeLast()
        word.append(UInt8(0xC0 | (composed >> 6)))
        word.append(UInt8(0x80 | (composed & 0x3F)))
        shape.append(1)
        shape.append(1)
    }

    /// Á É Í Ó Ú á é í ó ú.
    static let acute: Set<UInt32> = [0xC1, 0xC9, 0xCD, 0xD3, 0xDA, 0xE1, 0xE9, 0xED, 0xF3, 0xFA]

    mutating func resetWord() {
        finalAccent = false
        word.removeAll()
        shape.removeAll()
        wordLetters = 0
        wordDigits = 0
        wordUppers = 0
        marks = NumberMarks(currency: marks.currency)
        wordAtChunkStart = false
    }

    /// Finishes the current alphanumeric run and emits its tokens.
    mutating func endWord(into out: TokenBuffer) {
        if word.isEmpty {
            return
        }
        defer { resetWord() }
        if wordLetters == 0 {
            numberRun(into: out)
            return
        }
        flushNumber(into: out)
        if wordDigits > 0 {
            if settings.deobfuscate && undoLeet() {
                // fall through to letters
            } else if settings.placeholders && numberWithSuffix(into: out) {
                marks.currency = false
                return
            } else {
                marks.currency = false
                emitWord(word.buffer, into: out)
                return
            }
        }
        marks.currency = false
        if settings.collapseElongation { collapseRuns() }
        if settings.laughter && isLaughter() {
            out.append("<jaja>", kind: .placeholder)
            return
        }
        if settings.placeholders && wordLetters >= 3 {
            if wordUppers == wordLetters { capsWords += 1 } else { lowerWords += 1 }
        } else if wordUppers < wordLetters {
            lowerWords += 1
        }
        emitWord(word.buffer, stressedEnd: finalAccent, into: out)
    }

    /// Leet: digits that sit between letters (gan4ste, pr3mio, h0la) become letters.
    mutating func undoLeet() -> Bool {
        guard wordLetters >= 2 else { return false }
        let n = word.count
        for k in 0..<n where shape[k] == 2 {
            guard k > 0, k + 1 < n, shape[k - 1] == 1, shape[k + 1] == 1 else { return false }
            switch word[k] {
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "5"),
                UInt8(ascii: "7"):
                continue
            default: return false
            }
        }
        for k in 0..<n where shape[k] == 2 {
            switch word[k] {
            case UInt8(ascii: "0"): word[k] = UInt8(ascii: "o")
            case UInt8(ascii: "1"): word[k] = UInt8(ascii: "i")
            case UInt8(ascii: "3"): word[k] = UInt8(ascii: "e")
            case UInt8(ascii: "4"): word[k] = UInt8(ascii: "a")
            case UInt8(ascii: "5"): word[k] = UInt8(ascii: "s")
            default: word[k] = UInt8(ascii: "t")
            }
            shape[k] = 1
            wordLetters += 1
        }
        wordDigits = 0
        return true
    }

    /// "15k", "20usd", "8pm": digits followed by a money or time suffix.
    mutating func numberWithSuffix(into out: TokenBuffer) -> Bool {
        var k = 0
        while k < word.count && shape[k] == 2 { k += 1 }
        guard k > 0, k < word.count else { return false }
        for m in k..<word.count where shape[m] != 1 { return false }
        let digits = k
        let suffix = word.buffer(k..<word.count)
        if let e = tables.moneySuffixes.lookup(suffix) {
            emitMoney(digits: digits + Int(tables.moneySuffixes.payloads[e]), into: out)
            return true
        }
        if tables.timeSuffixes.lookup(suffix) != nil {
            out.append("<hora>", kind: .placeholder)
            return true
        }
        return false
    }

    mutating func collapseRuns() {
        let n = word.count
        let p = word.base
        // Most words have no run of three: check first.
        var found = false
        var k = 2
        while k < n {
            if p[k] == p[k - 1] && p[k] == p[k - 2] && p[k] < 0x80 {
                found = true
                break
            }
            k += 1
        }
        if !found { return }
        var r = 0
        var w = 0
        while r < n {
            let c = word[r]
            var run = 1
            while r + run < n && word[r + run] == c { run += 1 }
            let keep: Int
            if run >= 3 && c < 0x80 {
                keep = (c == UInt8(ascii: "r") || c == UInt8(ascii: "l")) ? 2 : 1
            } else {
                keep = run
            }
            for _ in 0..<keep {
                word[w] = c
                w += 1
            }
            r += run
        }
        word.count = w
    }

    /// jaja, jajaja, jeje, jiji, jsjs, jajsjs, ajaja, hahaha, jejeje.
    func isLaughter() -> Bool {
        let n = word.count
        guard n >= 4 else { return false }
        let first = word[0]
        guard first == UInt8(ascii: "j") || first == UInt8(ascii: "h") || first == UInt8(ascii: "a") else { return false }
        var js = 0
        var hs = 0
        var previousConsonant = false
        for c in word.buffer {
            switch c {
            case UInt8(ascii: "j"):
                js += 1
                if previousConsonant { return false }
                previousConsonant = true
            case UInt8(ascii: "h"):
                hs += 1
                if previousConsonant { return false }
                previousConsonant = true
            case UInt8(ascii: "s"):
                previousConsonant = false
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"):
                previousConsonant = false
            default:
                return false
            }
        }
        if js >= 2 && hs == 0 { return true }
        if hs >= 2 && js == 0 {
            // hahaha / jejeje in h: only "ha"/"he" syllables.
            let b = word.buffer
            return !b.contains(UInt8(ascii: "s")) && !b.contains(UInt8(ascii: "i")) && !b.contains(UInt8(ascii: "o"))
        }
        return false
    }
}
