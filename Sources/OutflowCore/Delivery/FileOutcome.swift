// What became of one delivery file in a run: the manifest's and the audit's line for it.

/// What happened to one delivery file.
public struct FileOutcome: Sendable {
    public enum Status: String, Sendable {
        case loaded, alreadyLoaded = "already_loaded", rejected, superseded
        /// The same bytes as a file delivered under another name (`duplicateOf`): not read again.
        case duplicate = "duplicate_of"
    }
    public var source: SourceKind
    public var fileName: String
    public var sha256: String
    public var status: Status
    public var rowsRead = 0
    public var accepted = 0
    public var quarantined = 0
    public var error: String?
    public var rejection: FileRejection?
    /// True when this run handled the file (loaded or refused it), false when its bytes were known.
    public var isNew = false
    /// For a duplicate: the name under which these bytes were delivered first.
    public var duplicateOf: String?
    package init(source: SourceKind, fileName: String, sha256: String, status: Status, rowsRead: Int = 0, accepted: Int = 0, quarantined: Int = 0, error: String? = nil, rejection: FileRejection? = nil, isNew: Bool = false, duplicateOf: String? = nil) {
        self.source = source
        self.fileName = fileName
        self.sha256 = sha256
        self.status = status
        self.rowsRead = rowsRead
        self.accepted = accepted
        self.quarantined = quarantined
        self.error = error
        self.rejection = rejection
        self.isNew = isNew
        self.duplicateOf = duplicateOf
    }
}
