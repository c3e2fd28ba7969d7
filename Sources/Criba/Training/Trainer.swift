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
    /// - Throws: ``IOError``, ``DataError`` or ``TrainingError``.
    public func train(on csv: LabelledCSV, warn: (String) -> Void = { _ in }) throws -> Model {
        // Naive Bayes needs only counts: stream the file (two passes, memory = the model); the
        // result is the same model, byte for byte.
        if options.algorithm.isCountBased && csv.path != "-" {
            return try trainStreaming(on: csv, warn: warn)
        }
        var set = try TrainingSet(options: options)
        try csv.forEach(warn: warn) { text, label, line in set.add(text, label: label, line: line) }
        return try set.train(trainer: self, source: csv.path)
    }

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
        return try ModelBuilder(options: o, labels: set.labels, progress: progress).fit(.memory(set.raw))
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
