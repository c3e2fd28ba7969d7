// MARK: - UTF-8 decoding and byte tables

/// One code point decoded from UTF-8, or `invalid` (length 1).
@usableFromInline
struct Decoded {
    var scalar: UInt32
    var length: Int
    static let invalid: UInt32 = 0xFFFF_FFFF
}

@inline(__always)
func decodeUTF8(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Decoded {
    let b0 = p[i]
    if b0 < 0x80 { return Decoded(scalar: UInt32(b0), length: 1) }
    let n = p.count
    if b0 & 0xE0 == 0xC0 {
        if b0 >= 0xC2, i + 1 < n, p[i + 1] & 0xC0 == 0x80 {
            return Decoded(scalar: UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), length: 2)
        }
    } else if b0 & 0xF0 == 0xE0 {
        if i + 2 < n, p[i + 1] & 0xC0 == 0x80, p[i + 2] & 0xC0 == 0x80 {
            let s = UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
            if s >= 0x800 && !(0xD800...0xDFFF).contains(s) { return Decoded(scalar: s, length: 3) }
        }
    } else if b0 & 0xF8 == 0xF0 {
        if i + 3 < n, p[i + 1] & 0xC0 == 0x80, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 {
            let s = UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F)
            if s >= 0x10000 && s <= 0x10FFFF { return Decoded(scalar: s, length: 4) }
        }
    }
    return Decoded(scalar: Decoded.invalid, length: 1)
}

enum ASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let bang: UInt8 = 0x21
    static let dollar: UInt8 = 0x24
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let hyphen: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let upperA: UInt8 = 0x41
    static let upperZ: UInt8 = 0x5A
    static let underscore: UInt8 = 0x5F
    static let lowerA: UInt8 = 0x61
    static let lowerZ: UInt8 = 0x7A
    static let star: UInt8 = 0x2A
    /// UTF-8 of ñ.
    static let enyeLead: UInt8 = 0xC3
    static let enyeTrail: UInt8 = 0xB1

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- lowerA < 26 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b | 0x20 }
}

/// How the chunk scan of ``Scanner/run(into:)`` treats each byte: 0 for most ASCII bytes,
/// ``space`` for ASCII white space, ``numeric`` for digits and `$` (they make a chunk's tokens
/// depend on its neighbours), ``multibyte`` for bytes from 0x80 (decoded).
enum ChunkByteClass {
    static let space: UInt8 = 1
    static let numeric: UInt8 = 2
    static let multibyte: UInt8 = 3
    /// 256 entries, allocated once and never freed.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            let c = UInt8(b)
            t[b] = c >= 0x80 ? multibyte
                : c == ASCII.space || (c >= 0x09 && c <= 0x0D) ? space
                : ASCII.isDigit(c) || c == ASCII.dollar ? numeric : 0
        }
        return UnsafePointer(t)
    }()
}

/// Folding of U+00C0...U+017F: an ASCII letter, `1` for ñ, `0` for a non-letter.
let latinFold: [UInt8] = {
    let latin1 = Array("aaaaaaaceeeeiiiidñooooo\u{0}ouuuuytsaaaaaaaceeeeiiiidñooooo\u{0}ouuuuyty".unicodeScalars)
    let extendedA = Array("aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs".unicodeScalars)
    var table = [UInt8]()
    for s in latin1 + extendedA {
        table.append(s == "ñ" ? 1 : UInt8(truncatingIfNeeded: s.value))
    }
    precondition(table.count == 0x180 - 0xC0, "latin fold table has \(table.count) entries")
    return table
}()

/// What the scanner does with a code point outside ASCII and the Latin letters, beyond
/// splitting words at it.
enum CodePointClass {
    /// White space: ends a chunk.
    case whitespace
    /// Removed without splitting a word: zero-width, soft hyphen, BOM, variation selectors,
    /// skin-tone modifiers, tag characters.
    case invisible
    /// An emoji: a token of its own.
    case emoji
    /// ¿ or ¡: a mark token.
    case openingMark
    /// ₡ € £: the number that follows is money.
    case currency
    case other

    /// The class of `s` (a code point, or ``Decoded/invalid``: `other`).
    @inline(__always)
    init(_ s: UInt32) {
        switch s {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
            0x205F, 0x3000:
            self = .whitespace
        // Before the emoji: the skin-tone modifiers lie inside an emoji block.
        case 0xAD, 0x034F, 0x180E, 0x200B...0x200F, 0x2060...0x2064, 0xFEFF, 0xFE00...0xFE0F, 0x1F3FB...0x1F3FF,
            0xE0000...0xE007F:
            self = .invisible
        case 0x1F000...0x1FAFF, 0x2600...0x27BF, 0x2300...0x23FF, 0x2B00...0x2BFF, 0x2190...0x21FF, 0x3030, 0x303D,
            0x3297, 0x3299, 0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x25A0...0x25FF:
            self = .emoji
        case 0xBF, 0xA1:
            self = .openingMark
        case 0x20A1, 0x20AC, 0xA3:
            self = .currency
        default:
            self = .other
        }
    }
}
