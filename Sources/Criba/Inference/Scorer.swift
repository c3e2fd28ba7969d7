import Synchronization

/// The one path from a message to label scores, for one model: classify, top-k and explain
/// all go through ``scores(of:cache:into:listing:)``.
///
/// The score of label `c` is `bias[c] + Σ x_f · W[f, c]` over the message's n-gram
/// features (word unigrams and n-grams, and character n-grams; weighted, idf-scaled and
/// normalised per block as ``FeatureSpace/vectorize(_:into:)`` does), plus the contribution
/// of each ``DenseFeatureBlock``. Word features are looked up row by row; character n-grams
/// come from the per-word sums of a ``WordScoreMemo`` (see there), so a message reads one
/// score line per word instead of one weight row per n-gram. Both equal scoring the
/// vectorised message up to float rounding.
///
/// Every cache lives in the calling thread's ``InferenceCache``: tokens, word features and
/// word score lines (reached from a token's ``ChunkCache`` cell).
struct Scorer: Sendable {
    let model: Model
    /// The sparse n-gram block's features.
    let extractor: FeatureExtractor
    /// Dense blocks scored beside the n-gram block.
    let denseBlocks: [DenseFeatureBlock]
    /// Names this scorer's per-thread word score memos: unique in the process, so a memo
    /// never serves another model.
    let id: UInt64

    private static let nextID = Atomic<UInt64>(0)

    init(model: Model, denseBlocks: [DenseFeatureBlock] = []) {
        self.model = model
        self.extractor = FeatureExtractor(tokenizer: model.tokenizerSettings, features: model.featureSettings)
        self.denseBlocks = denseBlocks
        self.id = Self.nextID.add(1, ordering: .relaxed).newValue
    }

    /// Raw linear scores of the message in UTF-8 `bytes` into `out` (one per label).
    @inline(__always)
    func scores(of bytes: UnsafeBufferPointer<UInt8>, cache: InferenceCache, into out: UnsafeMutableBufferPointer<Float>) {
        scores(of: bytes, cache: cache, into: out, listing: false)
    }

    /// Raw linear scores of the message in UTF-8 `bytes` into `out`; when `listing`, also
    /// the message's n-gram features after weighting and normalisation, into
    /// ``InferenceCache/vector`` (rows and values exactly as
    /// ``FeatureSpace/vectorize(_:into:)`` gives them, in another order).
    func scores(
        of bytes: UnsafeBufferPointer<UInt8>, cache: InferenceCache, into out: UnsafeMutableBufferPointer<Float>,
        listing: Bool
    ) {
        let ws = cache.workspace
        let memo = cache.wordScores(for: id)
        let featureSettings = model.featureSettings
        let charNgrams = featureSettings.charNgramMax > 0
        extractor.extract(bytes: bytes, into: ws, charNgrams: false)
        let c = model.labels.count
        var wordNorm: Float = 0
        var charNorm: Float = 0
        let s = cache.scoring
        let kept = wordRows(of: ws, scratch: s, norm: &wordNorm)
        let charScores = memo.charScores
        if charNgrams {
            memo.collectEntries(model: model, extractor: extractor, workspace: ws)
            charScores.removeAll()
            charScores.reserve(c)
            let acc = charScores.base
            for j in 0..<c { acc[j] = 0 }
            let counter = memo.rowCounts
            counter.reset(rows: model.space.count)
            model.weights.withUnsafeBufferPointer { w in
                for e in 0..<memo.entries.count {
                    let entry = memo.entry(e)
                    charNorm += Float(bitPattern: entry[0])
                    LabelVectors.add(bits: entry.baseAddress! + 1, into: acc, count: c)
                    for k in (1 + c)..<entry.count where counter.add(entry[k]) {
                        // A second occurrence: its weight row will be needed by correctRepeats.
                        prefetch(w.baseAddress! + Int(entry[k]) * c, count: c)
                    }
                }
            }
            if !counter.repeats.isEmpty { correctRepeats(memo, norm: &charNorm) }
        }
        var wScale: Float = 1
        var cScale: Float = 1
        if featureSettings.normalize {
            wScale = wordNorm > 0 ? 1 / wordNorm.squareRoot() : 0
            cScale = charNorm > 0 ? 1 / charNorm.squareRoot() : 0
        }
        model.bias.withUnsafeBufferPointer { b in
            for j in 0..<c { out[j] = b[j] }
        }
        model.weights.withUnsafeBufferPointer { w in
            for k in 0..<kept {
                let x = s.values.base[k] * wScale
                let base = w.baseAddress! + Int(s.rows.base[k]) * c
                LabelVectors.addScaled(x, base, into: out.baseAddress!, count: c)
            }
        }
        if charNgrams {
            let acc = charScores.base
            LabelVectors.addScaled(cScale, acc, into: out.baseAddress!, count: c)
        }
        if !denseBlocks.isEmpty {
            for block in denseBlocks { block.addScores(of: bytes, embedding: cache.embedding, into: out) }
        }
        if listing { listFeatures(kept: kept, wordNorm: wordNorm, memo: memo, scratch: s, into: &cache.vector) }
    }

    /// The weighted features of the message just scored (see
    /// ``scores(of:cache:into:listing:)``): the word rows kept in the scoring scratch, then
    /// each character n-gram row in first-seen order with its count over the message's word
    /// entries, weighted and normalised as ``FeatureSpace/vectorize(_:into:)`` does (the
    /// character block's norm summed the same way, so the values are the same floats).
    private func listFeatures(
        kept: Int, wordNorm: Float, memo: WordScoreMemo, scratch s: ScoringScratch, into v: inout SparseVector
    ) {
        v.removeAll()
        for k in 0..<kept {
            v.rows.append(s.rows.base[k])
            v.values.append(s.values.base[k])
        }
        let words = v.rows.count
        var charNorm: Float = 0
        if model.featureSettings.charNgramMax > 0 {
            let c = model.labels.count
            var counts: [Int32: Int] = [:]
            var order: [Int32] = []
            for e in 0..<memo.entries.count {
                let entry = memo.entry(e)
                for k in (1 + c)..<entry.count {
                    let r = Int32(bitPattern: entry[k])
                    if counts[r] == nil { order.append(r) }
                    counts[r, default: 0] += 1
                }
            }
            let weighting = model.featureSettings.weighting
            let useIDF = !model.space.idf.isEmpty
            for r in order {
                var x = weighting.weight(ofCount: Float(counts[r]!))
                if useIDF { x *= model.space.idf[Int(r)] }
                charNorm += x * x
                v.rows.append(r)
                v.values.append(x)
            }
        }
        if model.featureSettings.normalize && !v.rows.isEmpty {
            let wScale: Float = wordNorm > 0 ? 1 / wordNorm.squareRoot() : 0
            let cScale: Float = charNorm > 0 ? 1 / charNorm.squareRoot() : 0
            for k in 0..<v.rows.count { v.values[k] *= k < words ? wScale : cScale }
        }
    }


    /// Rows and weighted values (before normalisation) of the word features in `ws`, into
    /// `s.rows` and `s.values`; adds their squares to `norm`. Returns how many are known.
    /// Memory loads are issued in batches (slot table, then idf and weight rows) so their
    /// cache misses overlap.
    func wordRows(of ws: FeatureWorkspace, scratch s: ScoringScratch, norm: inout Float) -> Int {
        let c = model.labels.count
        let keys = ws.keyBuffer.base
        let counts = ws.countBuffer.base
        let n = ws.keyBuffer.count
        s.slots.removeAll()
        s.rows.removeAll()
        s.values.removeAll()
        s.slots.reserve(n)
        s.rows.reserve(n)
        s.values.reserve(n)
        let useIDF = !model.space.idf.isEmpty
        let weighting = model.featureSettings.weighting
        var kept = 0
        model.weights.withUnsafeBufferPointer { w in
            model.space.idf.withUnsafeBufferPointer { idf in
                model.space.withSlots { slots in
                    for k in 0..<n {
                        let slot = model.space.firstSlot(keys[k])
                        s.slots.base[k] = Int32(slot)
                        prefetch(slots.baseAddress! + slot)
                    }
                    for k in 0..<n {
                        let r = model.space.row(keys[k], from: Int(s.slots.base[k]), slots)
                        if r < 0 { continue }
                        if useIDF { prefetch(idf.baseAddress! + r) }
                        prefetch(w.baseAddress! + r * c, count: c)
                        s.rows.base[kept] = Int32(r)
                        s.values.base[kept] = counts[k]
                        kept += 1
                    }
                    for k in 0..<kept {
                        var x = weighting.weight(ofCount: s.values.base[k])
                        if useIDF { x *= idf[Int(s.rows.base[k])] }
                        s.values.base[k] = x
                        norm += x * x
                    }
                }
            }
        }
        return kept
    }

    /// Corrects ``WordScoreMemo/charScores`` and the character block's squared `norm` for
    /// the rows a message holds more than once: the entries counted each occurrence with
    /// weight 1, the weighting gives `weight(count)` to all of them together.
    func correctRepeats(_ memo: WordScoreMemo, norm: inout Float) {
        let c = model.labels.count
        let counter = memo.rowCounts
        let weighting = model.featureSettings.weighting
        let useIDF = !model.space.idf.isEmpty
        let acc = memo.charScores.base
        model.weights.withUnsafeBufferPointer { w in
            for k in 0..<counter.repeats.count {
                let (r, count) = counter.repeated(k)
                let n = Float(count)
                let x = weighting.weight(ofCount: n)
                let idf: Float = useIDF ? model.space.idf[r] : 1
                norm += (x * x - n) * idf * idf
                let d = (x - n) * idf
                if d == 0 { continue }
                let row = w.baseAddress! + r * c
                LabelVectors.addScaled(d, row, into: acc, count: c)
            }
        }
    }
}
