import Foundation

/// One level of a long computation: `done` of `total` units finished (`total` nil when not
/// known in advance), such as 4 of 12 epochs.
public struct ProgressStep: Sendable, Equatable {
    /// What is counted: `candidate`, `model`, `fold`, `half`, `epoch`, `iteration`, or rows
    /// (`rows read`, `rows counted`: a name starting with `rows` counts done units, not the one
    /// under way).
    public var name: String
    /// Units finished.
    public var done: Int
    /// Units in all, or `nil` when the count is not known in advance (L-BFGS stops when it
    /// converges: its total is the iteration limit, an upper bound).
    public var total: Int?

    /// Creates a step.
    public init(name: String, done: Int, total: Int?) {
        self.name = name
        self.done = done
        self.total = total
    }
}

/// Where a long computation is, from the outermost level to the innermost: for example
/// candidate 3 of 10, fold 2 of 3, epoch 5 of 12.
public struct ProgressReport: Sendable, Equatable {
    /// The levels, outermost first.
    public var steps: [ProgressStep]

    /// Creates a report.
    public init(steps: [ProgressStep]) {
        self.steps = steps
    }

    /// The share of the work done, in 0...1, counting each unit of a level as an equal share
    /// of one unit of the level above; `nil` when the outermost level's total is not known.
    public var fraction: Double? {
        var share = 1.0
        var done = 0.0
        for s in steps {
            guard let total = s.total, total > 0 else { break }
            done += share * Double(min(s.done, total)) / Double(total)
            share /= Double(total)
        }
        return steps.first?.total == nil ? nil : min(done, 1)
    }

    /// `candidate 3 of 10, fold 2 of 3, epoch 5 of 12`: the unit under way at each level.
    public var description: String {
        steps.map { s in
            if s.name.hasPrefix("rows") { return s.total.map { "\(s.done) of \($0) \(s.name)" } ?? "\(s.done) \(s.name)" }
            guard let total = s.total else { return "\(s.name) \(s.done + 1)" }
            return "\(s.name) \(min(s.done + 1, total)) of \(total)"
        }.joined(separator: ", ")
    }
}

/// Receives progress reports on the computing thread: every change of the outermost level or
/// of a level with others inside it, and of the innermost level at most every 50 ms. It should
/// return quickly.
public typealias ProgressHandler = @Sendable (ProgressReport) -> Void

/// The levels a computation is in, reported to a handler: cheap when there is none (a nil
/// check), throttled to one report per ``interval`` otherwise. Levels are entered and left by
/// the computing thread; a lock keeps concurrent users of one tracker from corrupting it.
final class ProgressTracker: @unchecked Sendable {
    private let handler: ProgressHandler?
    private let lock = NSLock()
    private var steps: [ProgressStep] = []
    /// Whether each level has had a level inside it (its changes are then always reported).
    private var hasInner: [Bool] = []
    private var lastReport: UInt64 = 0

    /// Nanoseconds between reports of the innermost level.
    static let interval: UInt64 = 50_000_000

    init(_ handler: ProgressHandler?) {
        self.handler = handler
    }

    /// A tracker that reports nothing.
    static let silent = ProgressTracker(nil)

    /// Runs `body` inside a level counting `name`s out of `total`; `body` receives a function
    /// that records how many are done.
    func stage<T>(_ name: String, total: Int?, _ body: (_ done: @escaping (Int) -> Void) throws -> T) rethrows -> T {
        guard handler != nil else { return try body { _ in } }
        let depth = push(ProgressStep(name: name, done: 0, total: total))
        defer { pop(to: depth) }
        return try body { [self] n in set(n, at: depth) }
    }

    private func push(_ step: ProgressStep) -> Int {
        lock.lock()
        let depth = steps.count
        steps.append(step)
        hasInner.append(false)
        if depth > 0 { hasInner[depth - 1] = true }
        let report = ProgressReport(steps: steps)
        lock.unlock()
        deliver(report, force: depth == 0)
        return depth
    }

    private func pop(to depth: Int) {
        lock.lock()
        if steps.count > depth {
            steps.removeLast(steps.count - depth)
            hasInner.removeLast(hasInner.count - depth)
        }
        lock.unlock()
    }

    private func set(_ done: Int, at depth: Int) {
        lock.lock()
        guard depth < steps.count else {
            lock.unlock()
            return
        }
        steps[depth].done = done
        // A change of the outermost level, or of one with levels inside it, is always
        // reported; the innermost one at most every interval.
        let outer = depth == 0 || hasInner[depth]
        let report = ProgressReport(steps: steps)
        lock.unlock()
        deliver(report, force: outer)
    }

    private func deliver(_ report: ProgressReport, force: Bool) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let due = force || now &- lastReport >= Self.interval
        if due { lastReport = now }
        lock.unlock()
        if due { handler?(report) }
    }
}
