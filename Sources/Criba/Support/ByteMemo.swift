/// A bounded memo from byte strings to a few `UInt32` words and bytes, for results that are a
/// pure function of a short byte string (a word's features, a chunk's tokens).
///
/// Everything sits in flat arenas: one probe of the slot table, one 64-bit hash comparison and
/// one byte comparison per hit, no per-entry allocation. When `limit` entries are stored the
/// memo starts over, so its memory stays bounded. A memo only speeds up work: it never changes
/// a result, so the hash is a fast in-memory mix and is never persisted.
///
/// `tag` names the settings the stored values were computed with; callers clear the memo when
/// their settings differ (a workspace may be used with several extractors). Not thread-safe.
final class ByteMemo {
    /// One slot of the open-addressing table; an entry's metadata sits in its slot, so a
    /// probe touches one cache line before the key bytes.
    struct Slot {
        var hash: UInt64 = 0
        var keyStart: UInt32 = 0
        var wordStart: UInt32 = 0
        var byteStart: UInt32 = 0
        var keyLength: UInt16 = 0
        var wordCount: UInt16 = 0
        var byteCount: UInt16 = 0
        var used: UInt16 = 0
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var mask: Int
    private let limit: Int
    private(set) var count = 0
    private let keyBytes = RawBuffer<UInt8>(capacity: 1024)
    /// Stored values: words and bytes.
    let words = RawBuffer<UInt32>(capacity: 1024)
    let bytes = RawBuffer<UInt8>(capacity: 1024)
    /// The settings the entries belong to.
    private(set) var tag: UInt64 = 0
    /// The memo also starts over when its value words exceed this.
    private let wordLimit: Int

    /// A memo of at most `limit` entries and about `wordLimit` value words. The slot table
    /// starts small and doubles as entries arrive (load at most 1/2), so a short-lived memo
    /// costs little.
    init(limit: Int, wordLimit: Int = 1 << 22) {
        self.wordLimit = wordLimit
        self.limit = limit
        let capacity = 256
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(), count: capacity)
    }

    /// Doubles the slot table, re-placing every entry by its stored hash.
    private func grow() {
        let old = slots
        let oldCapacity = mask + 1
        let capacity = oldCapacity * 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(), count: capacity)
        mask = capacity - 1
        for k in 0..<oldCapacity where old[k].used != 0 {
            var slot = Int(truncatingIfNeeded: old[k].hash) & mask
            while slots[slot].used != 0 { slot = (slot + 1) & mask }
            slots[slot] = old[k]
        }
        old.deallocate()
    }

    deinit { slots.deallocate() }

    /// Empties the memo and sets its settings tag.
    func reset(tag: UInt64) {
        self.tag = tag
        if count > 0 { slots.update(repeating: Slot(), count: mask + 1) }
        count = 0
        keyBytes.removeAll()
        words.removeAll()
        bytes.removeAll()
    }

    /// A fast mix of `key` (eight bytes at a time).
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = key.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        guard n > 0, let base = key.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < n {
            h = (h ^ loadTail(raw, from: i, count: n)) &* 0xC4CE_B9FE_1A85_EC53
        }
        return h ^ (h >> 29)
    }

    /// The slot holding `key` (hashed with ``hash(_:)``), or -1.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s.used == 0 { return -1 }
            if s.hash == h && Int(s.keyLength) == key.count {
                if bytesEqual(keyBytes.base + Int(s.keyStart), key.baseAddress, count: key.count) { return slot }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Hints the CPU to load the slot where a lookup of `h` starts (no effect on results).
    @inline(__always)
    func prefetchSlot(hash h: UInt64) {
        prefetch(slots + (Int(truncatingIfNeeded: h) & mask))
    }

    /// Hints the CPU to load the key and values of the entry of hash `h` when it sits in the
    /// slot a lookup starts at (the usual case): call after ``prefetchSlot(hash:)`` for a
    /// batch of keys, so that their cache misses overlap. No effect on results.
    /// `wordCount` is how many of its first words to ask for.
    @inline(__always)
    func prefetchEntry(hash h: UInt64, wordCount: Int = 1) {
        let s = slots[Int(truncatingIfNeeded: h) & mask]
        guard s.used != 0 && s.hash == h else { return }
        prefetch(keyBytes.base + Int(s.keyStart))
        prefetch(words.base + Int(s.wordStart), count: wordCount)
        if s.byteCount > 0 { prefetch(bytes.base + Int(s.byteStart)) }
    }

    /// The stored words of the entry in `slot`.
    @inline(__always)
    func words(of slot: Int) -> UnsafeBufferPointer<UInt32> {
        let s = slots[slot]
        return UnsafeBufferPointer(start: words.base + Int(s.wordStart), count: Int(s.wordCount))
    }

    /// Where the stored words of the entry in `slot` start in ``words``, and how many there are.
    @inline(__always)
    func wordRange(of slot: Int) -> (start: Int, count: Int) {
        let s = slots[slot]
        return (Int(s.wordStart), Int(s.wordCount))
    }

    /// The stored bytes of the entry in `slot`.
    @inline(__always)
    func bytes(of slot: Int) -> UnsafeBufferPointer<UInt8> {
        let s = slots[slot]
        return UnsafeBufferPointer(start: bytes.base + Int(s.byteStart), count: Int(s.byteCount))
    }

    /// Whether the memo holds `limit` entries or `wordLimit` value words: nothing more is
    /// stored until ``startOverIfFull()``.
    var isFull: Bool { count >= limit || words.count >= wordLimit }

    /// Empties a full memo. Callers do this only between messages, so that indices into
    /// ``words`` taken during one message (``ChunkCache/cells``) stay valid for all of it.
    @inline(__always)
    func startOverIfFull() {
        if isFull { reset(tag: tag) }
    }

    /// Starts an entry in a memo that is not full: the caller appends its value to ``words``
    /// and ``bytes`` after calling this, then calls ``commit(_:hash:wordStart:byteStart:)``.
    /// Returns the value offsets to pass on.
    @inline(__always)
    func begin() -> (wordStart: Int, byteStart: Int) {
        (words.count, bytes.count)
    }

    /// Stores `key` (not yet stored) with the words and bytes appended since ``begin()``, and
    /// returns its slot. Values too long for a slot's 16-bit counts are dropped (-1).
    @discardableResult
    func commit(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, wordStart: Int, byteStart: Int) -> Int {
        let wordCount = words.count - wordStart
        let byteCount = bytes.count - byteStart
        guard key.count <= Int(UInt16.max), wordCount <= Int(UInt16.max), byteCount <= Int(UInt16.max) else {
            words.count = wordStart
            bytes.count = byteStart
            return -1
        }
        if (count + 1) * 2 > mask + 1 { grow() }
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot].used != 0 { slot = (slot + 1) & mask }
        slots[slot] = Slot(
            hash: h, keyStart: UInt32(keyBytes.count), wordStart: UInt32(wordStart), byteStart: UInt32(byteStart),
            keyLength: UInt16(key.count), wordCount: UInt16(wordCount), byteCount: UInt16(byteCount), used: 1)
        keyBytes.append(contentsOf: key)
        count += 1
        return slot
    }
}

/// Bytes `start..<count` of `p` (fewer than eight) as a little-endian integer, read with at
/// most two loads inside `p[0..<count]`: the same value as or-ing them in one by one.
@inline(__always)
func loadTail(_ p: UnsafeRawPointer, from start: Int, count: Int) -> UInt64 {
    let r = count - start
    if count >= 8 {
        // The last eight bytes, shifted down past the ones already mixed.
        return p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) &>> UInt64((8 - r) * 8)
    }
    if r >= 4 {
        let lo = UInt64(p.loadUnaligned(fromByteOffset: start, as: UInt32.self))
        let hi = UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        return lo | (hi &>> UInt64((8 - r) * 8)) &<< 32
    }
    if r <= 0 { return 0 }
    // One to three bytes: the first, the middle and the last (some of them the same byte).
    let b = p + start
    let first = UInt64(b.load(as: UInt8.self))
    let middle = UInt64(b.load(fromByteOffset: r >> 1, as: UInt8.self)) &<< UInt64(8 * (r >> 1))
    let last = UInt64(b.load(fromByteOffset: r - 1, as: UInt8.self)) &<< UInt64(8 * (r - 1))
    return first | middle | last
}

/// Whether `count` bytes at `a` and `b` are equal, compared eight (or four) at a time.
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, count n: Int) -> Bool {
    guard n > 0, let b else { return true }
    let x = UnsafeRawPointer(a)
    let y = UnsafeRawPointer(b)
    if n >= 8 {
        var i = 0
        while i + 8 <= n {
            if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        return i == n
            || x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    if n >= 4 {
        return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
            && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    for k in 0..<n where a[k] != b[k] { return false }
    return true
}

/// Hints the CPU to load the `count` elements from `p`: one prefetch per 64-byte line from
/// `p` on (no effect on results).
@inline(__always)
func prefetch<T>(_ p: UnsafePointer<T>, count: Int) {
    let raw = UnsafeRawPointer(p)
    let bytes = count * MemoryLayout<T>.stride
    var offset = 0
    while offset < bytes {
        prefetch(raw + offset)
        offset += 64
    }
}
