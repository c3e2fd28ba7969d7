// MARK: - Byte-level scanner

struct Scanner {
    let input: UnsafeBufferPointer<UInt8>
    let settings: TokenizerSettings
    let tables: LanguageTables

    /// The word being built (lower-case, folded).
    let word: RawBuffer<UInt8>
    var wordLetters = 0
    var wordDigits = 0
    var wordUppers = 0
    /// The word's number marks; `currency` is set by a currency sign before the word and is
    /// not reset with the word: the next number or word takes it.
    var marks = NumberMarks()
    var wordAtChunkStart = false
    var atChunkEnd = false
    /// Whether the last letter of the word carried an acute accent (poné, hacé).
    var finalAccent = false
    /// Original letters (before leet) to check digit neighbours: 1 = letter, 2 = digit.
    let shape: RawBuffer<UInt8>

    /// A number waiting to be joined with the next group ("15 000", "8888 8888").
    var pendingNumber = PendingNumber()
    var capsWords = 0
    var lowerWords = 0
    /// Set when a token depended on the tokens before it (a money word after a number).
    var contextual = false
    let scratch: RawBuffer<UInt8>

    struct PendingNumber {
        var active = false
        var digits = 0
        var groups = 0
        var minGroup = 0
        var lastGroup = 0
        /// Those of its first group.
        var marks = NumberMarks()
        var chunkEndedAfter = false
    }

    /// What besides its digits decides which placeholder a number becomes
    /// (``emitPendingNumber(into:)``).
    struct NumberMarks: Equatable {
        /// Right after a `+` (a phone number).
        var plus = false
        /// After a currency sign (money).
        var currency = false
        /// A `:` between digits (a time).
        var colon = false
        /// A `-` between digits (a phone number).
        var dash = false
    }

    init(input: UnsafeBufferPointer<UInt8>, settings: TokenizerSettings, tables: LanguageTables, buffer: TokenBuffer) {
        self.input = input
        self.settings = settings
        self.tables = tables
        word = buffer.word
        shape = buffer.shape
        scratch = buffer.extra
        word.removeAll()
        shape.removeAll()
    }

    /// Scans the whole input into `out`, asking `cache` (when there is one) for the tokens
    /// of self-contained chunks and offering it those it had to compute; `tag` names the
    /// settings for the cache (``Tokenizer/cacheTag``).
    mutating func run<Cache: ChunkTokenCache>(into out: TokenBuffer, cache: Cache, tag: UInt64) {
        if Cache.isActive { cache.beginMessage(tokenizerTag: tag) }
        let n = input.count
        // Pass 1: the message's chunks (runs of non-whitespace), and for each one that could
        // go through the cache its hash, with a prefetch of the cache slot it starts probing at.
        // A chunk that starts with a letter and holds no digit or currency sign turns into
        // tokens by itself alone (no number or money context): self-contained.
        let chunks = out.chunks
        chunks.removeAll()
        let classes = ChunkByteClass.table
        var i = 0
        while i < n {
            let b = input[i]
            if b < 0x80 {
                if b == ASCII.space || (b >= 0x09 && b <= 0x0D) { i += 1; continue }
            } else {
                let d = decodeUTF8(input, i)
                if CodePointClass(d.scalar) == .whitespace { i += d.length; continue }
            }
            let first = input[i]
            var memoisable = ASCII.isLetter(first)
                || (first == 0xC3 && i + 1 < n && input[i + 1] & 0xC0 == 0x80 && latinFold[Int(input[i + 1] & 0x3F)] != 0)
            var j = i
            while j < n {
                let c = input[j]
                let cls = classes[Int(c)]
                if cls == 0 {
                    j += 1
                } else if cls == ChunkByteClass.space {
                    break
                } else if cls == ChunkByteClass.numeric {
                    memoisable = false
                    j += 1
                } else {
                    let d = decodeUTF8(input, j)
                    let k = CodePointClass(d.scalar)
                    if k == .whitespace { break }
                    if k == .currency { memoisable = false }
                    j += d.length
                }
            }
            var h: UInt64 = 0
            if Cache.isActive && memoisable && j - i <= Tokenizer.longestCachedChunk {
                h = ByteMemo.hash(UnsafeBufferPointer(rebasing: input[i..<j]))
                cache.prefetch(hash: h)
            } else {
                memoisable = false
            }
            chunks.append(TokenBuffer.Chunk(start: Int32(i), end: Int32(j), cached: memoisable, hash: h))
            i = j
        }
        // (Prefetching the entries the slots point to as a second pass cost more than it saved:
        // 70 against 80 MB/s in the tokenizer benchmark, no gain in classify.)
        // Pass 2: the tokens.
        var previousChunkEnd = -1
        for k in 0..<chunks.count {
            let chunk = chunks[k]
            let i = Int(chunk.start)
            let j = Int(chunk.end)
            if chunk.cached && !marks.currency {
                // The chunk's first word would flush a pending number before anything else.
                flushNumber(into: out)
                cachedChunk(i, j, hash: chunk.hash, cache: cache, into: out)
            } else {
                // A number group may continue across exactly one space.
                if pendingNumber.active && !(previousChunkEnd == i - 1 && input[i - 1] == ASCII.space) {
                    flushNumber(into: out)
                }
                self.chunk(i, j, into: out)
            }
            previousChunkEnd = j
        }
        flushNumber(into: out)
        if settings.placeholders && capsWords > 0 {
            out.append(lowerWords == 0 && capsWords >= 2 ? "<allcaps>" : "<caps>", kind: .placeholder)
        }
    }

    // MARK: Chunks

    /// Tokenizes a self-contained chunk through `cache`: a hit appends the stored tokens and
    /// ALL-CAPS counts; a miss tokenizes the chunk and offers the result to the cache, unless a
    /// money word made it depend on the tokens before it.
    @inline(__always)
    mutating func cachedChunk<Cache: ChunkTokenCache>(
        _ s: Int, _ e: Int, hash h: UInt64, cache: Cache, into out: TokenBuffer
    ) {
        let key = UnsafeBufferPointer(rebasing: input[s..<e])
        if let counts = cache.appendTokens(of: key, hash: h, to: out) {
            capsWords += counts.caps
            lowerWords += counts.lower
        } else {
            tokenizeAndOffer(s, e, hash: h, cache: cache, into: out)
        }
    }

    /// The miss path of ``cachedChunk(_:_:hash:cache:into:)``.
    @inline(never)
    mutating func tokenizeAndOffer<Cache: ChunkTokenCache>(
        _ s: Int, _ e: Int, hash h: UInt64, cache: Cache, into out: TokenBuffer
    ) {
        let key = UnsafeBufferPointer(rebasing: input[s..<e])
        let tokensBefore = out.count
        let capsBefore = capsWords
        let lowerBefore = lowerWords
        contextual = false
        chunk(s, e, into: out)
        if contextual || pendingNumber.active || marks.currency { return }
        cache.store(
            key, hash: h, tokens: out, from: tokensBefore, caps: capsWords - capsBefore, lower: lowerWords - lowerBefore)
    }

    mutating func chunk(_ s: Int, _ e: Int, into out: TokenBuffer) {
        if settings.placeholders && e - s >= 4 {
            var dot = false
            var at = false
            for k in s..<e {
                let c = input[k]
                if c == ASCII.dot { dot = true } else if c == ASCII.at { at = true }
            }
            if dot, let host = urlHost(s, e) {
                flushNumber(into: out)
                out.append("<url>", kind: .placeholder)
                emitHost(host, into: out)
                return
            }
            if dot && at, let host = emailHost(s, e) {
                flushNumber(into: out)
                out.append("<email>", kind: .placeholder)
                emitHost(host, into: out)
                return
            }
        }
        if settings.deobfuscate && spelledOut(s, e, into: out) { return }

        var i = s
        while i < e {
            let b = input[i]
            if b < 0x80 {
                if ASCII.isLetter(b) {
                    if b <= ASCII.upperZ { wordUppers += 1 }
                    appendLetter(ASCII.lower(b))
                } else if ASCII.isDigit(b) {
                    if word.isEmpty {
                        marks.plus = i > s && input[i - 1] == ASCII.plus
                        wordAtChunkStart = i == s || (i == s + 1 && marks.plus)
                    }
                    word.append(b)
                    shape.append(2)
                    wordDigits += 1
                } else if settings.placeholders
                    && (b == ASCII.dot || b == ASCII.comma || b == ASCII.colon || b == ASCII.hyphen)
                    && !word.isEmpty && ASCII.isDigit(word[word.count - 1]) && i + 1 < e
                    && ASCII.isDigit(input[i + 1]) && wordLetters == 0
                {
                    // A separator inside a number: 15.000, 2,5, 10:30, 8888-8888.
                    if b == ASCII.colon { marks.colon = true }
                    if b == ASCII.hyphen { marks.dash = true }
                } else if b == ASCII.at && settings.deobfuscate && wordLetters > 0 && wordDigits == 0
                    && i + 1 < e && ASCII.isLetter(input[i + 1])
                {
                    appendLetter(ASCII.lowerA)
                } else if b == ASCII.question || b == ASCII.bang {
                    endWord(into: out)
                    i = mark(i, e, into: out)
                    continue
                } else if b == ASCII.dollar {
                    endWord(into: out)
                    marks.currency = true
                } else {
                    endWord(into: out)
                }
                i += 1
                continue
            }
            let d = decodeUTF8(input, i)
            let scalar = d.scalar
            if scalar >= 0xC0 && scalar < 0x180 {
                let f = latinFold[Int(scalar) - 0xC0]
                if f == 0 {
                    endWord(into: out)
                } else {
                    let upper = scalar < 0x100 ? (scalar < 0xDF) : (scalar & 1 == 0)
                    if upper { wordUppers += 1 }
                    if f == 1 {
                        appendEnye()
                    } else if settings.foldAccents {
                        appendLetter(f)
                    } else {
                        appendUnfolded(scalar, folded: f)
                    }
                    finalAccent = Self.acute.contains(scalar)
                }
            } else if scalar >= 0x300 && scalar <= 0x36F {
                // Combining mark: a tilde turns a preceding n into ñ; other marks are folded away.
                if scalar == 0x303 && !word.isEmpty && word[word.count - 1] == UInt8(ascii: "n") {
                    word.removeLast()
                    shape.removeLast()
                    wordLetters -= 1
                    appendEnye()
                } else {
                    if scalar == 0x301 && !word.isEmpty { finalAccent = true }
                    if !settings.foldAccents && !word.isEmpty { composeAccent(scalar) }
                }
            } else {
                switch CodePointClass(scalar) {
                case .invisible:
                    break  // removed, word continues
                case .openingMark:
                    endWord(into: out)
                    if settings.placeholders {
                        emitMark(question: scalar == 0xBF, run: 1, into: out)
                    }
                case .currency:
                    endWord(into: out)
                    marks.currency = true
                case .emoji where settings.placeholders:
                    endWord(into: out)
                    flushNumber(into: out)
                    out.append(UnsafeBufferPointer(rebasing: input[i..<(i + d.length)]), kind: .emoji)
                case .emoji, .whitespace, .other:
                    endWord(into: out)
                }
            }
            i += d.length
        }
        atChunkEnd = true
        endWord(into: out)
        atChunkEnd = false
    }

    /// Handles a run of `?`/`!` starting at `i`; returns the index after it.
    mutating func mark(_ i: Int, _ e: Int, into out: TokenBuffer) -> Int {
        var j = i
        var questions = 0
        var bangs = 0
        while j < e && (input[j] == ASCII.question || input[j] == ASCII.bang) {
            if input[j] == ASCII.question { questions += 1 } else { bangs += 1 }
            j += 1
        }
        if settings.placeholders {
            flushNumber(into: out)
            if questions > 0 { emitMark(question: true, run: questions, into: out) }
            if bangs > 0 { emitMark(question: false, run: bangs, into: out) }
        }
        return j
    }

    mutating func emitMark(question: Bool, run: Int, into out: TokenBuffer) {
        flushNumber(into: out)
        let last = out.count - 1
        // ¿...? pairs produce one mark: skip if the same single mark was just emitted.
        if run == 1 && last >= 0 && out.kinds[last] == .mark && out.token(last, equals: question ? "?" : "!") {
            return
        }
        if question {
            out.append(run >= 2 ? "??" : "?", kind: .mark)
        } else {
            out.append(run >= 2 ? "!!" : "!", kind: .mark)
        }
    }
}
