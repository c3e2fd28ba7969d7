extension Scanner {
    // MARK: Numbers

    /// A run of digits (with separators) and no letters.
    mutating func numberRun(into out: TokenBuffer) {
        guard settings.placeholders else {
            flushNumber(into: out)
            out.append(word.buffer, kind: .word)
            return
        }
        let digits = wordDigits
        let plainGroup = marks == NumberMarks()
        if pendingNumber.active && pendingNumber.chunkEndedAfter && plainGroup && wordAtChunkStart {
            // Joined across one space: thousands ("15 000") or phone groups ("8888 8888").
            let thousands = digits == 3 && !pendingNumber.marks.plus && pendingNumber.lastGroup <= 3
                && pendingNumber.digits < 7
            let phone = (pendingNumber.marks.plus && digits >= 2)
                || (digits >= 3 && pendingNumber.minGroup >= 3 && pendingNumber.digits + digits >= 7)
            if thousands || phone {
                pendingNumber.digits += digits
                pendingNumber.groups += 1
                pendingNumber.lastGroup = digits
                pendingNumber.minGroup = min(pendingNumber.minGroup, digits)
                pendingNumber.chunkEndedAfter = atChunkEnd
                return
            }
        }
        flushNumber(into: out)
        pendingNumber = PendingNumber(
            active: true, digits: digits, groups: 1, minGroup: digits, lastGroup: digits, marks: marks,
            chunkEndedAfter: atChunkEnd)
        marks.currency = false
    }

    /// Emits the pending number, if any (inlined: most calls find none).
    @inline(__always)
    mutating func flushNumber(into out: TokenBuffer) {
        if pendingNumber.active { emitPendingNumber(into: out) }
    }

    @inline(never)
    mutating func emitPendingNumber(into out: TokenBuffer) {
        let p = pendingNumber
        pendingNumber = PendingNumber()
        if p.marks.colon {
            out.append("<hora>", kind: .placeholder)
        } else if p.marks.plus || p.digits >= 8 || (p.marks.dash && p.digits >= 7)
            || (p.groups >= 2 && p.digits >= 7 && !p.marks.currency)
        {
            out.append("<phone>", kind: .placeholder)
        } else if p.marks.currency {
            emitMoney(digits: p.digits, into: out)
        } else {
            out.append("<num>", kind: .placeholder)
            out.append(numShape(p.digits, prefix: "<num"), kind: .placeholder)
        }
    }

    mutating func emitMoney(digits: Int, into out: TokenBuffer) {
        out.append("<money>", kind: .placeholder)
        out.append(numShape(digits, prefix: "<mag"), kind: .placeholder)
    }

    func numShape(_ digits: Int, prefix: String) -> [UInt8] {
        Array("\(prefix)\(min(max(digits, 1), 7))>".utf8)
    }

    /// "15 mil", "20 rojos", "5 dolares": the number before a money word is money.
    mutating func promotePrecedingNumberToMoney(extra: Int, into out: TokenBuffer) {
        if pendingNumber.active && !pendingNumber.marks.colon && !pendingNumber.marks.plus {
            let digits = pendingNumber.digits + extra
            pendingNumber = PendingNumber()
            emitMoney(digits: digits, into: out)
            return
        }
        let n = out.count
        guard n >= 2, out.token(n - 2, equals: "<num>") else { return }
        let s = out.start(n - 1)
        let digits = Int(out.bytes[s + 4] &- ASCII.zero)
        out.removeLast()
        out.removeLast()
        emitMoney(digits: digits + extra, into: out)
    }
}
