/// A growable buffer of trivial values with no copy-on-write and no uniqueness checks, for
/// the per-message scratch memory of hot loops. Reference semantics: owned by one workspace,
/// never shared between threads.
final class RawBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 4)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func append(_ x: Element) {
        if count == capacity { grow(to: capacity * 2) }
        base[count] = x
        count += 1
    }

    @inline(__always)
    func append(contentsOf p: UnsafeBufferPointer<Element>) {
        let n = p.count
        if count + n > capacity { grow(to: max(capacity * 2, count + n)) }
        if n <= 16 {
            for k in 0..<n { base[count + k] = p[k] }
        } else if let src = p.baseAddress {
            (base + count).update(from: src, count: n)
        }
        count += n
    }

    func append(contentsOf a: [Element]) {
        a.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Makes room for `n` more elements.
    @inline(__always)
    func reserve(_ n: Int) {
        if count + n > capacity { grow(to: max(capacity * 2, count + n)) }
    }

    private func grow(to newCapacity: Int) {
        let b = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        b.moveInitialize(from: base, count: count)
        base.deallocate()
        base = b
        capacity = newCapacity
    }

    @inline(__always)
    func removeAll() { count = 0 }

    @inline(__always)
    func removeLast(_ k: Int = 1) { count -= k }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }

    @inline(__always)
    var last: Element? { count == 0 ? nil : base[count - 1] }

    @inline(__always)
    var isEmpty: Bool { count == 0 }

    /// The elements as a buffer (valid until the next mutation).
    @inline(__always)
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// Elements `range` as a buffer (valid until the next mutation).
    @inline(__always)
    func buffer(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    var array: [Element] { Array(buffer) }
}
