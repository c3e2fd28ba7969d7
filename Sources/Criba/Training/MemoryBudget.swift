import Foundation

/// How much memory a training may use, and what it would need.
///
/// Two things grow with the data: the features of every message, which the in-memory path
/// holds (about 24 bytes per feature occurrence, counting the vectors and the halves an SVM
/// temperature is fitted on), and the feature × label table of the model (weights, and counts
/// or optimiser state). A ``Trainer`` with a budget streams a file whose features would not
/// fit (see ``Trainer/train(on:warn:)-(LabelledCSV,_)``) and refuses a table that would not
/// (``ModelSizeError``), before allocating it.
public enum MemoryBudget {
    /// The default budget: a quarter of the physical memory.
    public static var `default`: Int { Int(clamping: CurrentProcess.physicalMemory / 4) }

    /// Bytes held per feature occurrence by the in-memory path at its peak: the hashed
    /// features (key and count, 8 bytes), their vectors (column and value, 8 bytes), and the
    /// copies an SVM's held-out temperature trains on (8 more).
    static let bytesPerOccurrence = 24
    /// Bytes held per message besides its features (offsets and label, raw and vectorised).
    static let bytesPerMessage = 40

    /// Bytes of the feature × label table of a model being trained: the weights (and their
    /// serialised copy), plus naive Bayes counts (8-byte totals) where the algorithm needs
    /// them, the NB ratios, and the L-BFGS history (10 pairs of vectors and 5 more).
    static func tableBytes(features f: Int, classes c: Int, options o: TrainingOptions) -> Int {
        var perCell = 8
        if o.algorithm.isCountBased {
            perCell += 8
        } else {
            if o.algorithm.usesRatios { perCell += 12 }
            if o.solver == .lbfgs { perCell += 25 * 4 }
        }
        let (cells, overflow) = f.multipliedReportingOverflow(by: c)
        if overflow { return .max }
        let (bytes, overflow2) = cells.multipliedReportingOverflow(by: perCell)
        return overflow2 ? .max : bytes
    }

    /// `bytes` for people: `512 KB`, `3.2 MB`, `5.6 GB` (powers of 1024).
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}

/// The feature × label table of a model would exceed the memory budget: training stops before
/// allocating it. The command-line tool exits with status 65 for it.
public struct ModelSizeError: Error, CustomStringConvertible, Sendable {
    /// Distinct features kept.
    public var features: Int
    /// Labels.
    public var labels: Int
    /// Bytes the table would take.
    public var bytes: Int
    /// The budget it exceeds.
    public var budget: Int
    /// The hash bucket bits in effect (fewer bits, fewer features).
    public var bucketBits: Int

    /// The numbers and the ways out, in library terms.
    public var description: String {
        "the model would need a table of \(features) features × \(labels) labels (about \(MemoryBudget.describe(bytes))), more than the memory budget of \(MemoryBudget.describe(budget)); use fewer hash buckets (bucket bits, now \(bucketBits)), a higher minimum count or fewer labels, or raise the budget"
    }
}

/// An estimate of what the in-memory path would hold for a file, from its first messages.
struct FeatureFootprint {
    /// Estimated messages in the file.
    var rows: Int
    /// Feature occurrences per message in the sample.
    var occurrencesPerRow: Double
    /// Estimated bytes the in-memory path would hold at its peak.
    var bytes: Int

    /// Messages read to estimate the footprint.
    static let sampleRows = 2000

    private struct SampleFull: Error {}

    /// Reads up to ``sampleRows`` messages of `csv` and scales what their features take to the
    /// size of the file; `nil` when `csv` is not a regular file (standard input, a pipe), whose
    /// size is unknown.
    ///
    /// - Throws: ``IOError`` or ``DataError`` from reading the sample.
    static func estimate(_ csv: LabelledCSV, options: TrainingOptions) throws -> FeatureFootprint? {
        guard csv.path != "-",
            let status = FileSystem.status(csv.path), status.kind == .regular, status.size > 0
        else { return nil }
        let size = status.size
        let extractor = FeatureExtractor(tokenizer: options.tokenizer, features: options.features)
        let ws = FeatureWorkspace()
        var rows = 0
        var bytes = 0
        var occurrences = 0
        do {
            try csv.forEach { text, label, _ in
                extractor.extract(text, into: ws)
                occurrences += ws.keyBuffer.buffer.count
                bytes += text.utf8.count + label.utf8.count + 2
                rows += 1
                if rows == sampleRows { throw SampleFull() }
            }
        } catch is SampleFull {}
        guard rows > 0 else { return nil }
        let perRow = Double(occurrences) / Double(rows)
        // Whole file read: exact counts; otherwise scale by the bytes per message.
        let estimatedRows = rows < sampleRows ? rows : Int(Double(size) / (Double(bytes) / Double(rows)))
        let estimate = Double(estimatedRows) * (perRow * Double(MemoryBudget.bytesPerOccurrence) + Double(MemoryBudget.bytesPerMessage))
        return FeatureFootprint(rows: estimatedRows, occurrencesPerRow: perRow, bytes: Int(min(estimate, Double(Int.max / 2))))
    }
}
