/// Windows-1252 to and from UTF-8.
public enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// The Windows-1252 bytes of `text`, or nil when a character has no Windows-1252 byte.
    public static func encode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 || (0xA0...0xFF).contains(v) {
                out.append(UInt8(v))
            } else if let k = high.firstIndex(of: v), v != 0xFFFD {
                out.append(UInt8(0x80 + k))
            } else {
                return nil
            }
        }
        return out
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values past
    /// U+10FFFF).
    public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = 0
        let n = bytes.count
        while k < n {
            let b = bytes[k]
            if b < 0x80 {
                k += 1
                continue
            }
            func continuation(_ i: Int) -> Bool { i < n && bytes[i] & 0xC0 == 0x80 }
            if b >= 0xC2 && b <= 0xDF {
                guard continuation(k + 1) else { return false }
                k += 2
            } else if b >= 0xE0 && b <= 0xEF {
                guard continuation(k + 1), continuation(k + 2) else { return false }
                let b1 = bytes[k + 1]
                if (b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0) { return false }
                k += 3
            } else if b >= 0xF0 && b <= 0xF4 {
                guard continuation(k + 1), continuation(k + 2), continuation(k + 3) else { return false }
                let b1 = bytes[k + 1]
                if (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90) { return false }
                k += 4
            } else {
                return false
            }
        }
        return true
    }

    /// The UTF-8 bytes of Windows-1252 `bytes`, appended to `out`.
    public static func appendUTF8(of bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            if b < 0x80 {
                out.append(b)
                continue
            }
            let v: UInt32 = (0x80..<0xA0).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
            if v < 0x800 {
                out.append(UInt8(0xC0 | (v >> 6)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (v >> 12)))
                out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            }
        }
    }

    static func decode(_ bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes {
            let v: UInt32 = (0x80..<0xA0).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
            s.append(Unicode.Scalar(v)!)
        }
        return String(s)
    }
}
