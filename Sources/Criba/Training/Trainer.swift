import Foundation

/// Trains models.
///
/// A trainer holds only options and a progress callback; it is `Sendable`, so several
/// trainings (for example of different shards) can run in parallel tasks.
public struct Trainer: Sendable {
    /// The options.
    public var options: TrainingOptions
    /// Receives progress lines (the library never prints).
    public var progress: @Sendable (String) -> Void
    /// The memory a training may use, in bytes (``MemoryBudget/default``, a quarter of the
    /// physical memory, unless set); `nil` for no limit. A CSV file whose features would not
    /// fit is streamed (see ``train(on:warn:)-(LabelledCSV,_)``), and a model whose feature ×
    /// label table would not fit is refused with ``ModelSizeError`` before it is allocated.
    public var memoryBudget: Int? = MemoryBudget.default
    /// Receives where a training is (``ProgressReport``: tuning candidates, calibration models,
    /// folds, SGD epochs, L-BFGS iterations, held-out halves), throttled; `nil` for none. The
    /// library never prints: a command-line tool renders these.
    public var onProgress: ProgressHandler? {
        didSet { tracker = ProgressTracker(onProgress) }
    }
    /// The levels of the training under way, reported to ``onProgress``.
    var tracker = ProgressTracker.silent

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - options: What to train and how.
    ///   - progress: Receives progress lines; it may be called from the training thread only.
    public init(options: TrainingOptions = TrainingOptions(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        BLAS.singleThreaded
        self.options = options
        self.progress = progress
    }

    /// Trains on in-memory examples.
    ///
    /// - Throws: ``TrainingError`` if there are fewer than two labels or a label has a single
    ///   example.
    public func train(on examples: [Example]) throws -> Model {
        var set = try TrainingSet(options: options)
        for (i, e) in examples.enumerated() { set.add(e.text, label: e.label, line: i + 1) }
        return try set.train(trainer: self, source: "examples")
    }

    /// Trains on a labelled CSV file, streaming it (memory holds the features, not the text).
    ///
    /// When the features of every message would not fit in ``memoryBudget`` (estimated from the
    /// file's size and its first 2,000 messages, before anything is held), logistic regression
    /// and SVMs are trained from the file in passes instead, as
    /// ``trainStreaming(on:bufferSize:warn:)`` does, but with each SGD epoch in a uniformly
    /// random order (dealt through temporary files that each hold a sixteenth of the budget);
    /// `warn` says so. That model differs from the in-memory one (another random order, L-BFGS
    /// replaced by SGD, and an SVM's temperature fitted on its training messages).
    /// Standard input and pipes are always held in memory.
    ///
    /// - Throws: ``IOError``, ``DataError``, ``TrainingError`` or ``ModelSizeError``.
    public func train(on csv: LabelledCSV, warn: (String) -> Void = { _ in }) throws -> Model {
        // Naive Bayes needs only counts: stream the file (two passes, memory = the model); the
        // result is the same model, byte for byte.
        if options.algorithm.isCountBased && csv.path != "-" {
            return try trainStreaming(on: csv, warn: warn)
        }
        if let budget = memoryBudget, let footprint = try FeatureFootprint.estimate(csv, options: options),
            footprint.bytes > budget
        {
            // Each epoch deals the messages into temporary files that each hold at most a
            // sixteenth of the budget as vectors.
            let vectors = Double(footprint.rows) * (footprint.occurrencesPerRow * 8 + 32)
            let files = Int(min(Double(Self.largestSpillFileCount), max(1, (vectors / Double(max(budget / 16, 1))).rounded(.up))))
            let sgd = options.solver == .lbfgs ? " with SGD (not L-BFGS)" : ""
            warn(
                "\(csv.path): the features of about \(footprint.rows) messages would take about \(MemoryBudget.describe(footprint.bytes)) in memory, more than the memory budget of \(MemoryBudget.describe(budget)); training\(sgd) from the file in passes instead, shuffled through \(files) temporary file(s)")
            return try trainSpilled(on: csv, files: files, warn: warn).recordingInput(of: csv)
        }
        var set = try TrainingSet(options: options)
        try csv.forEach(warn: warn) { text, label, line in set.add(text, label: label, line: line) }
        return try set.train(trainer: self, source: csv.path).recordingInput(of: csv)
    }

    /// The most temporary files an epoch trained in passes deals its messages into (each open
    /// at once); past that, each file holds more than a sixteenth of the budget.
    static let largestSpillFileCount = 256

    /// Trains on a labelled CSV file given by URL (see ``train(on:warn:)-(LabelledCSV,_)``).
    ///
    /// - Parameters:
    ///   - url: A file URL.
    ///   - csv: How to read the file (columns, delimiter, encoding).
    ///   - warn: Receives notes such as skipped empty rows.
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    public func train(contentsOf url: URL, csv: CSVOptions = CSVOptions(), warn: (String) -> Void = { _ in }) throws -> Model {
        try train(on: LabelledCSV(path: url.path, options: csv), warn: warn)
    }

    /// Trains a naive Bayes count model on one shard of a data set, for
    /// ``Model/merging(_:)``.
    ///
    /// The algorithm is `nb` (or `cnb` if the options ask for it), features are counted with
    /// integer weights (count weighting, no idf, no normalisation) so that sums are exact, and
    /// no feature is dropped (`minCount` is 1: a minimum count only means something for the
    /// merged data). A label may have a single example in a shard, and a shard may hold one
    /// label only. Merging the count models of
    /// the shards of a file gives, byte for byte, the model that ``train(on:warn:)-(LabelledCSV,_)``
    /// trains on the whole file with the same options.
    ///
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError`` (no rows).
    public func trainCounts(on csv: LabelledCSV, warn: (String) -> Void = { _ in }) throws -> Model {
        let o = Self.countOptions(options)
        var set = try TrainingSet(options: o)
        try csv.forEach(warn: warn) { text, label, line in set.add(text, label: label, line: line) }
        try set.validate(source: csv.path, requireTwoPerLabel: false)
        return try ModelBuilder(options: o, labels: set.labels, progress: progress, memoryBudget: memoryBudget, tracker: tracker).fit(.memory(set.raw))
            .recordingInput(of: csv)
    }

    /// `options` for a count model: `nb` unless `cnb`, integer counts, every feature kept.
    public static func countOptions(_ options: TrainingOptions) -> TrainingOptions {
        var o = options
        if !o.algorithm.isCountBased { o.algorithm = .naiveBayes }
        o.features.weighting = .count
        o.features.normalize = false
        o.features.idf = false
        o.minCount = 1
        return o
    }
}
