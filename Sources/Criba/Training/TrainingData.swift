import Foundation

/// The messages a model is fitted on: their hashed features held in memory, or a CSV file
/// read again for every pass (memory then holds the model, not the messages).
///
/// ``ModelBuilder/fit(_:)`` is the one fit path for both; it asks the data for its
/// vocabulary, then for the messages as vectors in the model's feature space.
enum TrainingData {
    /// Hashed features of every message, in memory.
    case memory(RawFeatures)
    /// A CSV file streamed pass after pass.
    case streamed(StreamedCSV)

    /// The number of messages.
    var rows: Int {
        switch self {
        case .memory(let raw): return raw.rows
        case .streamed(let stream): return stream.rows
        }
    }

    /// Keys kept by `minCount`, sorted, with idf weights when `idf` is set.
    func vocabulary(minCount: Int, idf: Bool) -> Vocabulary {
        switch self {
        case .memory(let raw): return raw.vocabulary(minCount: minCount, idf: idf)
        case .streamed(let stream): return stream.vocabulary
        }
    }

    /// The messages as vectors of `space`.
    func vectors(in space: FeatureSpace) -> TrainingVectors {
        switch self {
        case .memory(let raw): return .memory(raw.matrix(in: space))
        case .streamed(let stream): return .streamed(StreamedVectors(stream: stream, space: space))
        }
    }
}

/// The messages of ``TrainingData`` as vectors of a model's feature space.
enum TrainingVectors {
    case memory(FeatureMatrix)
    case streamed(StreamedVectors)

    /// Per-class totals of the weighted features (for naive Bayes and the NB ratios).
    func naiveBayesCounts(features: Int, classes: Int) throws -> NaiveBayesCounts {
        switch self {
        case .memory(let m): return NaiveBayes.count(m, features: features, classes: classes)
        case .streamed(let s): return try s.naiveBayesCounts(features: features, classes: classes)
        }
    }
}

/// How many messages hold each feature key, over a number of messages.
struct DocumentFrequencies {
    var counts: [FeatureKey: Int32] = [:]
    var rows = 0

    /// Counts one message's keys (each key once per message, as the extractor gives them).
    mutating func add(_ keys: UnsafeBufferPointer<FeatureKey>) {
        for k in keys { counts[k, default: 0] += 1 }
        rows += 1
    }

    /// The keys held by at least `minCount` messages, sorted, with smoothed idf
    /// `ln((1 + n) / (1 + df)) + 1` when `idf` is set.
    func vocabulary(minCount: Int, idf: Bool) -> Vocabulary {
        let kept = counts.filter { $0.value >= Int32(minCount) }.keys.sorted()
        guard idf else { return Vocabulary(keys: kept, idf: []) }
        let n = Float(rows)
        return Vocabulary(keys: kept, idf: kept.map { k in logf((1 + n) / (1 + Float(counts[k]!))) + 1 })
    }
}

/// The feature keys of a model and their idf weights (empty without idf).
struct Vocabulary {
    var keys: [FeatureKey]
    var idf: [Float]
}

/// The labels of a training set in the order they appear, with their counts and the line
/// each first appears on, checked before training.
struct LabelTally {
    var index: [String: Int32] = [:]
    var labels: [String] = []
    var firstLine: [Int] = []
    var counts: [Int] = []
    var rows = 0

    /// Counts a message of `label` found at `line`; returns the label's index.
    mutating func add(_ label: String, line: Int) -> Int32 {
        let i: Int32
        if let known = index[label] {
            i = known
        } else {
            i = Int32(labels.count)
            index[label] = i
            labels.append(label)
            firstLine.append(line)
            counts.append(0)
        }
        counts[Int(i)] += 1
        rows += 1
        return i
    }

    /// Puts the labels in sorted order; returns the new index of each old one.
    mutating func sort() -> [Int32] {
        let sorted = labels.sorted()
        let newIndex = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Int32($0)) })
        let remap = labels.map { newIndex[$0]! }
        var sortedCounts = [Int](repeating: 0, count: sorted.count)
        var lines = [Int](repeating: 0, count: sorted.count)
        for (old, new) in remap.enumerated() {
            sortedCounts[Int(new)] = counts[old]
            lines[Int(new)] = firstLine[old]
        }
        labels = sorted
        index = newIndex
        counts = sortedCounts
        firstLine = lines
        return remap
    }

    /// Puts the labels in sorted order (returning the new index of each old one) and checks
    /// the set can be trained on: there are rows, every label can be stored and answered
    /// (``Model/labelProblem(_:)``, naming the line it first appears on), and there are enough
    /// labels and examples. A count shard (`requireTwoPerLabel` false) may hold one example of
    /// a label, or one label only: shards cut from a file sorted by label do;
    /// ``Model/merging(_:)`` checks the merged whole.
    ///
    /// - Throws: ``TrainingError`` or ``DataError`` naming `source`.
    mutating func validate(source: String, requireTwoPerLabel: Bool = true) throws -> [Int32] {
        if rows == 0 { throw TrainingError(message: "\(source): no training rows") }
        for (i, label) in labels.enumerated() {
            if let problem = Model.labelProblem(label) { throw DataError(file: source, line: firstLine[i], message: problem) }
        }
        let remap = sort()
        if labels.count < 2 && requireTwoPerLabel {
            throw TrainingError(message: "\(source): only one label (`\(labels[0])`); training needs at least two")
        }
        for (i, n) in counts.enumerated() where n < 2 && requireTwoPerLabel {
            throw TrainingError(
                message: "\(source):\(firstLine[i]): label `\(labels[i])` has only one example; every label needs at least 2 (add examples or fix the label)")
        }
        return remap
    }
}

/// Messages reduced to hashed features in memory, ready to train on.
struct TrainingSet {
    let options: TrainingOptions
    let extractor: FeatureExtractor
    let workspace = FeatureWorkspace()
    var raw = RawFeatures()
    var tally = LabelTally()

    /// The labels (in sorted order once ``validate(source:requireTwoPerLabel:)`` has run).
    var labels: [String] { tally.labels }

    /// A set for `options`; a ``TrainingError`` if they cannot train (see
    /// ``TrainingOptions/problem()``), before any message is tokenized with them.
    init(options: TrainingOptions) throws {
        if let p = options.problem() { throw TrainingError(message: p) }
        self.options = options
        self.extractor = FeatureExtractor(tokenizer: options.tokenizer, features: options.features)
    }

    mutating func add(_ text: String, label: String, line: Int) {
        let index = tally.add(label, line: line)
        extractor.extract(text, into: workspace)
        raw.append(workspace, label: index)
    }

    /// Labels in sorted order, and the raw features relabelled to match.
    mutating func sortLabels() {
        let remap = tally.sort()
        raw.labels = raw.labels.map { remap[Int($0)] }
    }

    /// Puts labels in sorted order and checks the set can be trained on (see
    /// ``LabelTally/validate(source:requireTwoPerLabel:)``).
    mutating func validate(source: String, requireTwoPerLabel: Bool = true) throws {
        let remap = try tally.validate(source: source, requireTwoPerLabel: requireTwoPerLabel)
        raw.labels = raw.labels.map { remap[Int($0)] }
    }

    mutating func train(trainer: Trainer, source: String) throws -> Model {
        try validate(source: source)
        return try ModelBuilder(options: options, labels: labels, progress: trainer.progress, memoryBudget: trainer.memoryBudget, tracker: trainer.tracker)
            .fit(.memory(raw))
    }
}
