import Foundation

/// Scratch arrays for ``Scorer/scores(of:cache:into:listing:)``.
final class ScoringScratch {
    let slots = RawBuffer<Int32>(capacity: 512)
    let rows = RawBuffer<Int32>(capacity: 512)
    let values = RawBuffer<Float>(capacity: 512)
}

/// Every cache and scratch buffer of the inference path, one per thread: tokens and word
/// features (``FeatureWorkspace``, whose ``ChunkCache`` is keyed by chunk bytes and leads each
/// token to its features and score line), the word score memos of the last few models
/// (``WordScoreMemo``), and the per-message buffers of ``Scorer``.
final class InferenceCache {
    let workspace: FeatureWorkspace
    let scoring = ScoringScratch()
    /// The weighted features of the last message scored with `listing`.
    var vector = SparseVector()
    /// Scratch for a dense block's vector.
    let embedding = RawBuffer<Float>(capacity: 64)
    var probabilities: [Float] = []
    /// Word score memos of the scorers this thread used last, most recent last.
    private var wordScores: [WordScoreMemo] = []
    /// How many scorers' memos a thread keeps.
    static let wordScoreMemos = 4

    /// The size of every cache when not the default (tests: tiny caches start over often).
    private let memoLimit: Int?

    /// A cache for `classes` labels; `memoLimit` bounds each of its caches to that many
    /// entries (0: nothing is kept between messages), instead of the defaults.
    init(classes: Int, memoLimit: Int? = nil) {
        self.memoLimit = memoLimit
        workspace = memoLimit.map { FeatureWorkspace(memoLimit: $0, memoWordLimit: max($0 * 40, 1)) } ?? FeatureWorkspace()
        probabilities = [Float](repeating: 0, count: classes)
        vector.rows.reserveCapacity(512)
        vector.values.reserveCapacity(512)
    }

    /// The word score memo of scorer `id` on this thread (created on first use; the
    /// least recently used one is dropped beyond ``wordScoreMemos``).
    @inline(__always)
    func wordScores(for id: UInt64) -> WordScoreMemo {
        if let last = wordScores.last, last.owner == id { return last }
        if let k = wordScores.firstIndex(where: { $0.owner == id }) {
            let memo = wordScores.remove(at: k)
            wordScores.append(memo)
            return memo
        }
        if wordScores.count == Self.wordScoreMemos { wordScores.removeFirst() }
        let memo = memoLimit.map { WordScoreMemo(owner: id, limit: $0, wordLimit: $0 * 40) } ?? WordScoreMemo(owner: id)
        wordScores.append(memo)
        return memo
    }

    private static let slot = ThreadLocalSlot<InferenceCache>()

    /// This thread's scratch, sized for `classes` labels.
    static func current(classes: Int) -> InferenceCache {
        if let s = slot.value {
            if s.probabilities.count != classes {
                s.probabilities = [Float](repeating: 0, count: classes)
            }
            return s
        }
        let s = InferenceCache(classes: classes)
        slot.value = s
        return s
    }
}
