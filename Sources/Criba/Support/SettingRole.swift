/// A setting of the caller's that an error or a warning refers to: the library names it in
/// words (``mention``) and never by a front end's spelling, so a front end can show its own
/// name for it instead (the command-line tool shows its option, such as `--text-column`).
public enum SettingRole: String, Sendable, CaseIterable {
    /// The column holding the message text (``CSVOptions/textColumn``).
    case textColumn
    /// The column holding the label (``CSVOptions/labelColumn``).
    case labelColumn
    /// The column whose values group cross-validation folds.
    case groupColumn
    /// The text encoding of a CSV file (``CSVOptions/encoding``).
    case encoding
    /// What to do with rows whose text or label is empty (``CSVOptions/emptyFields``).
    case emptyFields
    /// The initial learning rate of SGD (``TrainingOptions/learningRate``).
    case learningRate
    /// The inverse regularisation strength C (``TrainingOptions/c``).
    case regularization
    /// The longest CSV record or input line accepted (``CSVOptions/maxRecordBytes``).
    case maxRecordBytes
    /// Whether `unlearn` may take out messages the model was trained on, not only ones it
    /// learned.
    case trainingMessages
    /// Whether the model's probabilities are calibrated on held-out folds.
    case calibration

    /// How library messages name the setting, such as "the text column setting".
    public var mention: String {
        switch self {
        case .textColumn: return "the text column setting"
        case .labelColumn: return "the label column setting"
        case .groupColumn: return "the group column setting"
        case .encoding: return "the encoding setting"
        case .emptyFields: return "the empty-fields setting"
        case .learningRate: return "the learning rate setting"
        case .regularization: return "the C setting"
        case .maxRecordBytes: return "the maximum line length setting"
        case .trainingMessages: return "the training-messages setting"
        case .calibration: return "the calibration setting"
        }
    }

    /// `text` with every setting's ``mention`` replaced by `name(setting)`.
    public static func renaming(in text: String, _ name: (SettingRole) -> String) -> String {
        var out = text
        for role in allCases where out.contains(role.mention) {
            out = out.replacing(role.mention, with: name(role))
        }
        return out
    }
}
