// A refused delivery nobody has answered yet: no corrected file has come for its source and
// date. Every run warns about it on stderr (one line each, exit 0, so cron mails it), and the
// report, the audit and `outflow status` show it at the top until it is resolved.

/// An unresolved refusal, as the pages and the warning line show it.
public struct RefusalNotice: Sendable, Equatable {
    public var source: SourceKind
    public var fileName: String
    /// The file reason code, e.g. `truncated_snapshot`.
    public var reason: String
    /// The refusal's one-line message (`file: detail [reason]`).
    public var message: String
    /// When it was refused (UTC timestamp).
    public var refusedAt: String

    public init(source: SourceKind, fileName: String, reason: String, message: String, refusedAt: String) {
        self.source = source
        self.fileName = fileName
        self.reason = reason
        self.message = message
        self.refusedAt = refusedAt
    }

    /// The warning a run prints for it.
    public var warning: String {
        OneLine.escape("unresolved refusal since \(refusedAt): \(message); deliver a corrected file, or see outflow retry --help")
    }
}
