import ArgumentParser
import Criba

/// Options that decide when `classify` and `predict` answer "unsure".
struct UnsureArguments: ParsableArguments {
    @Option(help: "Answer `unsure` when the top probability is below this (0-1). 0 never answers `unsure`.")
    var threshold: Float = 0

    @Option(help: "Answer `unsure` when the top two probabilities are closer than this (0-1).")
    var margin: Float = 0

    @Option(help: "File of per-label thresholds, one `label<TAB>probability` or `label=probability` per line (# comments); they override --threshold for those labels.")
    var labelThresholds: String?

    @Option(help: "The answer given when unsure; not one of the model's labels.")
    var unsureLabel = "unsure"

    func validate() throws {
        if !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        if !(0...1).contains(margin) { throw ValidationError("--margin must be between 0 and 1") }
        if unsureLabel.isEmpty || Model.labelProblem(unsureLabel) != nil {
            throw ValidationError("--unsure-label must be a non-empty single-line text without tabs")
        }
    }

    /// The policy for a model with `labels`.
    ///
    /// - Throws: ``IOError`` or ``DataError`` from the thresholds file.
    func policy(labels: [String]) throws -> UnsurePolicy {
        // An unsure answer named like a label could not be told from that label's answers.
        if labels.contains(unsureLabel) {
            throw ValidationError(
                "--unsure-label `\(unsureLabel)` is one of the model's labels; unsure answers would look like real `\(unsureLabel)` answers. Choose another name (default: unsure)")
        }
        var perLabel: [String: Float] = [:]
        if let path = labelThresholds { perLabel = try UnsurePolicy.readLabelThresholds(path: path, labels: labels) }
        return UnsurePolicy(threshold: threshold, margin: margin, perLabel: perLabel, unsureLabel: unsureLabel)
    }
}
