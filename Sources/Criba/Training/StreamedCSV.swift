import Foundation

extension Trainer {
    /// Trains by reading `csv` several times instead of holding its messages: memory holds the
    /// model (vocabulary, counts, weights) and a shuffle buffer, whatever the file size. One
    /// pass builds the vocabulary and label set, a second computes naive Bayes counts (for
    /// `nb`, `cnb` and the `nblr` ratios), and each SGD epoch re-reads the file, shuffling
    /// messages within blocks of `bufferSize` (seeded).
    ///
    /// The result is deterministic for a given file, options and seed, but differs from
    /// ``train(on:warn:)-(LabelledCSV,_)`` (which shuffles the whole data set each epoch),
    /// except for naive Bayes, which gives the same model byte for byte. Logistic regression
    /// and SVMs always use SGD here; an SVM gets its temperature fitted on the training
    /// messages in one more pass (on at most 100 000 evenly spaced rows).
    ///
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``; standard input cannot be
    ///   streamed twice, so `-` is refused.
    public func trainStreaming(on csv: LabelledCSV, bufferSize: Int = 4096, warn: (String) -> Void = { _ in }) throws -> Model {
        if csv.path == "-" {
            throw TrainingError(message: "streaming training reads its input several times; give a file, not standard input")
        }
        let stream = try StreamedCSV(csv, options: options, bufferSize: bufferSize, tracker: tracker, warn: warn)
        return try ModelBuilder(options: options, labels: stream.labels, progress: progress, memoryBudget: memoryBudget, tracker: tracker)
            .fit(.streamed(stream))
            .recordingInput(of: csv)
    }

    /// Trains from `csv` in passes like ``trainStreaming(on:bufferSize:warn:)``, but each SGD
    /// epoch visits the messages in a uniformly random order: the epoch first deals them at
    /// random (seeded) into `files` temporary files, then trains on each file's messages in
    /// turn, shuffled, so memory holds one file's vectors at a time.
    func trainSpilled(on csv: LabelledCSV, files: Int, warn: (String) -> Void) throws -> Model {
        var stream = try StreamedCSV(csv, options: options, bufferSize: 0, tracker: tracker, warn: warn)
        stream.order = .spilled(files: max(1, files))
        return try ModelBuilder(options: options, labels: stream.labels, progress: progress, memoryBudget: memoryBudget, tracker: tracker)
            .fit(.streamed(stream))
    }
}

/// How SGD orders streamed messages.
enum SGDOrder {
    /// In file order, shuffled within blocks of the stream's buffer size.
    case blocks
    /// Dealt at random into temporary files each epoch, each file shuffled.
    case spilled(files: Int)
}

/// A labelled CSV file read pass after pass: the first pass (at creation) checks the labels
/// and counts document frequencies; every later pass extracts the features again.
struct StreamedCSV {
    let csv: LabelledCSV
    let extractor: FeatureExtractor
    /// Messages shuffled together by SGD, with ``SGDOrder/blocks``.
    let bufferSize: Int
    /// The order SGD visits the messages in.
    var order: SGDOrder = .blocks
    /// The labels, sorted.
    let labels: [String]
    /// The index of each label in ``labels``.
    let index: [String: Int32]
    /// The number of messages of each label.
    let labelCounts: [Int]
    let rows: Int
    /// The keys the options keep, with their idf.
    let vocabulary: Vocabulary
    /// Receives the rows read by the first pass and the naive Bayes count pass.
    let tracker: ProgressTracker

    /// Most rows whose scores an SVM's temperature is fitted on.
    static let temperatureSampleLimit = 100_000

    /// Reads `csv` once: labels (checked as in memory) and document frequencies.
    ///
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    init(_ csv: LabelledCSV, options o: TrainingOptions, bufferSize: Int, tracker: ProgressTracker, warn: (String) -> Void) throws {
        if let p = o.problem() { throw TrainingError(message: p) }
        self.csv = csv
        self.bufferSize = bufferSize
        self.tracker = tracker
        let extractor = FeatureExtractor(tokenizer: o.tokenizer, features: o.features)
        self.extractor = extractor
        let ws = FeatureWorkspace()
        var tally = LabelTally()
        var df = DocumentFrequencies()
        // The number of rows is known only after this pass.
        try tracker.stage("rows read", total: nil) { done in
            try csv.forEach(warn: warn) { text, label, line in
                _ = tally.add(label, line: line)
                extractor.extract(text, into: ws)
                df.add(ws.keyBuffer.buffer)
                if tally.rows & 1023 == 0 { done(tally.rows) }
            }
        }
        _ = try tally.validate(source: csv.path)
        labels = tally.labels
        index = tally.index
        labelCounts = tally.counts
        rows = tally.rows
        vocabulary = df.vocabulary(minCount: o.minCount, idf: o.features.idf && !o.algorithm.isCountBased)
    }
}

/// The messages of a ``StreamedCSV`` as vectors of a feature space, one pass at a time.
struct StreamedVectors {
    let stream: StreamedCSV
    let space: FeatureSpace

    var rows: Int { stream.rows }

    /// Reads the file once, giving each message's vector and label index in file order.
    func forEach(_ body: (SparseVector, Int32) throws -> Void) throws {
        let ws = FeatureWorkspace()
        var v = SparseVector()
        try stream.csv.forEach { text, label, _ in
            stream.extractor.extract(text, into: ws)
            space.vectorize(ws, into: &v)
            try body(v, stream.index[label]!)
        }
    }

    /// Per-class totals of the weighted features, as ``NaiveBayes/count(_:features:classes:)``.
    func naiveBayesCounts(features: Int, classes c: Int) throws -> NaiveBayesCounts {
        var fc = [Double](repeating: 0, count: features * c)
        var cc = [Double](repeating: 0, count: c)
        var n = 0
        try stream.tracker.stage("rows counted", total: rows) { done in
            try forEach { v, y in
                cc[Int(y)] += 1
                for k in 0..<v.rows.count { fc[Int(v.rows[k]) * c + Int(y)] += Double(v.values[k]) }
                n += 1
                if n & 1023 == 0 { done(n) }
            }
        }
        return NaiveBayesCounts(featureCounts: fc, classCounts: cc)
    }

    /// Raw scores by `model` of at most `limit` evenly spaced messages, with their labels.
    func sampledScores(of model: Model, limit: Int) throws -> (scores: [Float], labels: [Int32]) {
        let c = model.labels.count
        let step = (rows + limit - 1) / limit
        var scores: [Float] = []
        var sampled: [Int32] = []
        var row = 0
        var s = [Float](repeating: 0, count: c)
        try forEach { v, y in
            if row % step == 0 {
                s.withUnsafeMutableBufferPointer { model.scores(v, into: $0) }
                scores += s
                sampled.append(y)
            }
            row += 1
        }
        return (scores, sampled)
    }
}

extension StreamedVectors: SGDPasses {
    /// 0 for normalised features (the step scale is then 1 whatever the norms); otherwise
    /// one more pass to measure it.
    func meanSquaredNorm() throws -> Double {
        guard !space.settings.normalize else { return 0 }
        var squaredNorms = 0.0
        try forEach { v, _ in squaredNorms += FeatureMatrix.squaredSum(v.values) }
        return squaredNorms / Double(rows)
    }

    /// Each epoch re-reads the file, shuffling messages within blocks of the stream's buffer
    /// size with one generator seeded with `seed` (or see ``SGDOrder/spilled(files:)``).
    func run(_ state: inout SGDState, epochs: Int, seed: UInt64, progress: (Int) -> Void) throws {
        if case .spilled(let files) = stream.order {
            return try runSpilled(&state, files: files, epochs: epochs, seed: seed, progress: progress)
        }
        var rng = SplitMix64(seed: seed)
        var block = FeatureMatrix()
        var order: [Int] = []
        func flush() {
            order = Array(0..<block.rows)
            rng.shuffle(&order)
            block.step(&state, in: order)
            block = FeatureMatrix()
        }
        for epoch in 0..<epochs {
            try forEach { v, y in
                block.append(v, label: y)
                if block.rows == stream.bufferSize { flush() }
            }
            if block.rows > 0 { flush() }
            progress(epoch + 1)
        }
    }
}
