// The stable reason codes of docs/delivery-contract.md. Row reasons go to the quarantine table with
// the row; file reasons go to the file registry when a whole file is refused. Both are
// documented in docs/schema.md and never renamed.


/// Why one row was quarantined.
public enum RowReason: String, Sendable, CaseIterable {
    case missingValue = "missing_value"
    case badDate = "bad_date"
    case badCode = "bad_code"
    case badPseudonym = "bad_pseudonym"
    case badNumber = "bad_number"
    case badKeyId = "bad_key_id"
    case fieldCount = "field_count"
    case duplicateKey = "duplicate_key"
    case outOfRange = "out_of_range"
    case erased = "erased"
}

/// Why a whole file was refused.
public enum FileReason: String, Sendable, CaseIterable {
    case unreadable
    case noHeader = "no_header"
    case unterminatedQuote = "unterminated_quote"
    case fieldTooLarge = "field_too_large"
    case tooManyFields = "too_many_fields"
    case missingColumn = "missing_column"
    case duplicateColumn = "duplicate_column"
    case noRows = "no_rows"
    case citizenNumber = "citizen_number"
    case noExtractionDate = "no_extraction_date"
    case snapshotOutOfOrder = "snapshot_out_of_order"
    case tooManyRejects = "too_many_rejects"
    case keyMismatch = "key_mismatch"
    case truncatedSnapshot = "truncated_snapshot"
    case columnDropped = "column_dropped"
    case badFileName = "bad_file_name"

    /// Reasons that come from the file's name rather than its bytes: the same bytes under
    /// another name are judged again.
    public var isAboutTheName: Bool {
        self == .noExtractionDate || self == .snapshotOutOfOrder || self == .badFileName
    }

    /// Reasons that are a judgement on a threshold or a change rather than a broken file:
    /// `outflow retry --accept REASON` may load such a file once a supplier confirms it.
    public static let acceptable: [FileReason] = [.truncatedSnapshot, .tooManyRejects, .columnDropped]
}

/// A row that cannot be accepted: the column at fault, the reason and the delivered value.
public struct RowRejection: Error, Sendable, Equatable {
    public let column: String?
    public let reason: RowReason
    public let raw: String?

    public init(_ reason: RowReason, column: String?, raw: String?) {
        self.reason = reason
        self.column = column
        self.raw = raw
    }
}

/// A file that cannot be loaded at all, with the one line an operator reads.
public struct FileRejection: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let row: Int?
    public let reason: FileReason
    public let detail: String
    /// Row counts reached before the file was refused (zero for header problems).
    public var rowsRead = 0, accepted = 0, quarantined = 0

    public init(file: String, row: Int? = nil, reason: FileReason, detail: String) {
        self.file = file
        self.row = row
        self.reason = reason
        self.detail = detail
    }

    /// One line, whatever the file or column names hold (line breaks are escaped).
    public var description: String {
        OneLine.escape("\(file): " + (row.map { "row \($0): " } ?? "") + detail + " [\(reason.rawValue)]")
    }
}
