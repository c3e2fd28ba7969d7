import Synchronization

/// Per-word character n-gram scores of one model, for one thread.
///
/// A word's character n-grams depend only on its bytes, so their contribution to the label
/// scores can be summed once per word and reused: for a word with known n-gram rows
/// `r₁ … r_m` (repeats included) the memo keeps
///
/// - `N = Σ idf(rᵢ)²`, its share of the squared norm of the message's character block,
/// - `S[c] = Σ idf(rᵢ) · W[rᵢ, c]`, its share of each label's score before normalisation,
/// - the rows themselves, to find n-grams that a message holds more than once.
///
/// Summing `N` and `S` over a message's words gives what the n-grams would give with every
/// count weighted linearly; ``Scorer/scores(of:cache:into:)`` then corrects the
/// few rows whose count is 2 or more (sublinear or binary weighting), so the scores equal
/// those of ``FeatureSpace/vectorize(_:into:)`` followed by ``Model/scores(_:into:)`` up to
/// float rounding. A message then reads one `C`-float line per word instead of one weight row
/// per n-gram.
///
/// Entries are `UInt32` words: `N` (float bits), `S` (`C` floats), then the rows. The memo
/// starts over only between messages, so offsets taken during a message stay valid.
final class WordScoreMemo {
    /// The scorer whose model the entries belong to (``Scorer/id``).
    let owner: UInt64
    let memo: ByteMemo
    /// Entries of the current message that the memo could not keep (a long word, a full memo).
    let transient = RawBuffer<UInt32>(capacity: 256)
    /// Where the entry of one word of the current message is.
    struct EntryPlace {
        /// `≥ 0`: the first of its words in the memo's; `< 0`: at `-(start + 1)` in ``transient``.
        var start: Int32
        /// Its length in words.
        var length: Int32
    }
    /// The entries of the current message's word tokens, in order.
    let entries = RawBuffer<EntryPlace>(capacity: 128)
    /// Scratch for computing an entry: the word's character n-gram keys.
    let charKeys = RawBuffer<UInt32>(capacity: 128)
    /// Summed character-block scores of the current message.
    let charScores = RawBuffer<Float>(capacity: 64)
    /// Occurrences of each row in the current message.
    let rowCounts = RowCounter()
    /// Names the memo's current contents in the cells of a ``ChunkCache``: unique over all memos of
    /// the process (up to 2³² - 1 of them) and renewed whenever this one starts over, so a
    /// cell written for other contents does not match. Never 0, the value of an empty cell.
    private(set) var generation: UInt32 = WordScoreMemo.nextGeneration()
    private static let generations = Atomic<UInt32>(0)
    static func nextGeneration() -> UInt32 {
        while true {
            let g = generations.add(1, ordering: .relaxed).newValue
            if g != 0 { return g }
        }
    }
    /// Memo hashes of the current message's words.
    let wordHashes = RawBuffer<UInt64>(capacity: 64)

    /// A memo of at most `limit` words (0: nothing is kept between messages; tests) and
    /// about `wordLimit` value words.
    init(owner: UInt64, limit: Int = 1 << 15, wordLimit: Int = 1 << 21) {
        self.owner = owner
        memo = ByteMemo(limit: max(limit, 1), wordLimit: limit == 0 ? 0 : wordLimit)
    }

    /// Computes the entry of `token` and appends it to `out`, written in place: `N`, `S`, then
    /// the rows (at most one per n-gram, so room for all of them is made first).
    func computeEntry(
        _ token: UnsafeBufferPointer<UInt8>, model: Model, extractor: FeatureExtractor, workspace: FeatureWorkspace,
        into out: RawBuffer<UInt32>
    ) {
        let c = model.labels.count
        charKeys.removeAll()
        extractor.appendCharNgrams(token, scratch: workspace.charScratch, into: charKeys)
        let n = charKeys.count
        out.reserve(1 + c + n)
        let head = out.base + out.count
        let rows = head + 1 + c
        let useIDF = !model.space.idf.isEmpty
        var norm: Float = 0
        var kept = 0
        // The rows are looked up in batches (slots, then idf values and weight rows), each
        // prefetched before it is used, so that their cache misses overlap; the sums run
        // afterwards in the same row order. `rows[k]` holds n-gram k's first slot until the
        // second batch puts the known rows in its place.
        let space = model.space
        model.weights.withUnsafeBufferPointer { w in
            space.idf.withUnsafeBufferPointer { idf in
                space.withSlots { slots in
                    for k in 0..<n {
                        let slot = space.firstSlot(charKeys.base[k])
                        rows[k] = UInt32(slot)
                        Criba.prefetch(slots.baseAddress! + slot)
                    }
                    for k in 0..<n {
                        let r = space.row(charKeys.base[k], from: Int(rows[k]), slots)
                        if r < 0 { continue }
                        if useIDF { Criba.prefetch(idf.baseAddress! + r) }
                        prefetch(w.baseAddress! + r * c, count: c)
                        rows[kept] = UInt32(r)
                        kept += 1
                    }
                    (head + 1).withMemoryRebound(to: Float.self, capacity: c) { scores in
                        for j in 0..<c { scores[j] = 0 }
                        for k in 0..<kept {
                            let r = Int(rows[k])
                            let x: Float = useIDF ? idf[r] : 1
                            norm += x * x
                            LabelVectors.addScaled(x, w.baseAddress! + r * c, into: scores, count: c)
                        }
                    }
                }
            }
        }
        head[0] = norm.bitPattern
        out.count += 1 + c + kept
    }

    /// Finds or computes the entries of the word tokens in `tokens`, in order, into
    /// ``entries``.
    func collectEntries(model: Model, extractor: FeatureExtractor, workspace: FeatureWorkspace) {
        let tokens = workspace.tokens
        let cells = workspace.chunks.cells
        if memo.isFull {
            memo.startOverIfFull()
            generation = Self.nextGeneration()
        }
        transient.removeAll()
        entries.removeAll()
        let cw = workspace.chunks.memo.words
        // A token replayed from the chunk memo may carry the place of its entry from an earlier
        // message (cell words 1...3, valid while they name this memo's generation). The other
        // words are hashed first and their slots and entries asked for, so that the cache
        // misses of all of them overlap.
        let hashes = wordHashes
        hashes.removeAll()
        hashes.reserve(tokens.count)
        for t in 0..<tokens.count where tokens.kinds[t] == .word {
            let cell = Int(cells[t])
            if cell >= 0 && cw[cell + 1] == generation {
                hashes.base[hashes.count] = 0
            } else {
                let h = ByteMemo.hash(tokens.token(t))
                hashes.base[hashes.count] = h
                memo.prefetchSlot(hash: h)
            }
            hashes.count += 1
        }
        if hashes.count > 1 {
            let head = model.labels.count + 1  // N and S, the words a message sums
            var k = 0
            for t in 0..<tokens.count where tokens.kinds[t] == .word {
                let cell = Int(cells[t])
                if cell >= 0 && cw[cell + 1] == generation {
                    prefetch(memo.words.base + Int(cw[cell + 2]), count: head)
                } else {
                    memo.prefetchEntry(hash: hashes.base[k], wordCount: head)
                }
                k += 1
            }
        }
        var k = 0
        for t in 0..<tokens.count where tokens.kinds[t] == .word {
            let cell = Int(cells[t])
            let h = hashes.base[k]
            k += 1
            if cell >= 0 && cw[cell + 1] == generation {
                entries.append(
                    EntryPlace(start: Int32(bitPattern: cw[cell + 2]), length: Int32(bitPattern: cw[cell + 3])))
                continue
            }
            let token = tokens.token(t)
            var slot = token.count <= FeatureExtractor.longestMemoisedWord ? memo.find(token, hash: h) : -1
            if slot < 0 && token.count <= FeatureExtractor.longestMemoisedWord && !memo.isFull {
                let start = memo.begin()
                computeEntry(token, model: model, extractor: extractor, workspace: workspace, into: memo.words)
                slot = memo.commit(token, hash: h, wordStart: start.wordStart, byteStart: start.byteStart)
            }
            if slot >= 0 {
                let (start, length) = memo.wordRange(of: slot)
                entries.append(EntryPlace(start: Int32(start), length: Int32(length)))
                if cell >= 0 {
                    cw[cell + 1] = generation
                    cw[cell + 2] = UInt32(start)
                    cw[cell + 3] = UInt32(length)
                }
            } else {
                let start = transient.count
                computeEntry(token, model: model, extractor: extractor, workspace: workspace, into: transient)
                entries.append(EntryPlace(start: Int32(-(start + 1)), length: Int32(transient.count - start)))
            }
        }
    }

    /// The words of entry `k` (valid until the next message).
    @inline(__always)
    func entry(_ k: Int) -> UnsafeBufferPointer<UInt32> {
        let place = entries[k]
        let s = Int(place.start)
        let base = s >= 0 ? memo.words.base + s : transient.base + (-s - 1)
        return UnsafeBufferPointer(start: base, count: Int(place.length))
    }
}

/// Exact occurrence counts of feature rows within one message, indexed by row: a `UInt16`
/// per row of the model holding the message's 8-bit epoch above an 8-bit count (the table
/// of a 50,000-row model takes 100 kB and stays in cache), so a new message bumps the epoch
/// instead of clearing anything; the table is cleared once every 255 messages, when the
/// epoch wraps. Counts past 255 go on in ``overflow``. Rows met a second time are listed in
/// ``repeats``.
final class RowCounter {
    private var cells: UnsafeMutablePointer<UInt16>
    private var capacity: Int
    /// The current message's epoch, in the high byte of a cell (internal so tests can move
    /// it next to the wrap).
    var epoch: UInt16 = 1
    /// Occurrences past 255, by row (messages with hundreds of copies of an n-gram).
    private var overflow: [Int32: Int] = [:]
    /// Rows that occurred at least twice, in the order they did.
    let repeats = RawBuffer<Int32>(capacity: 64)

    init() {
        capacity = 0
        cells = .allocate(capacity: 1)
    }

    deinit { cells.deallocate() }

    /// Forgets the previous message; room for rows below `rows`.
    func reset(rows: Int) {
        repeats.removeAll()
        if !overflow.isEmpty { overflow.removeAll() }
        if rows > capacity {
            cells.deallocate()
            cells = .allocate(capacity: rows)
            cells.initialize(repeating: 0, count: rows)
            capacity = rows
            epoch = 1
            return
        }
        epoch += 1
        if epoch > 0xFF {
            cells.update(repeating: 0, count: capacity)
            epoch = 1
        }
    }

    /// Counts one occurrence of `row` (as stored in an entry); true when this is its second.
    /// The caller made room with ``reset(rows:)``.
    @inline(__always)
    @discardableResult
    func add(_ row: UInt32) -> Bool {
        let r = Int(row)
        let v = cells[r]
        let stamp = epoch << 8
        if v & 0xFF00 != stamp {
            cells[r] = stamp | 1
            return false
        }
        let c = v & 0xFF
        if c == 1 {
            cells[r] = stamp | 2
            repeats.append(Int32(bitPattern: row))
            return true
        }
        if c == 0xFF {
            overflow[Int32(bitPattern: row), default: 0] += 1
        } else {
            cells[r] = v + 1
        }
        return false
    }

    /// The row and count of the `k`-th repeated row.
    @inline(__always)
    func repeated(_ k: Int) -> (row: Int, count: Int) {
        let r = Int(repeats.base[k])
        let c = Int(cells[r] & 0xFF)
        return (r, c == 0xFF ? c + (overflow[Int32(r)] ?? 0) : c)
    }
}
