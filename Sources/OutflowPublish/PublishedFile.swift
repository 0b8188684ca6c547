// One file of a run folder, rendered and ready to write.

/// One file of a run folder.
public struct PublishedFile: Sendable {
    /// What a file holds: text (written as UTF-8) or bytes (`report.xlsx`).
    public enum Content: Sendable, Equatable {
        case text(String)
        case bytes([UInt8])

        /// The bytes written to disk.
        public var bytes: [UInt8] {
            switch self {
            case .text(let text): return Array(text.utf8)
            case .bytes(let bytes): return bytes
            }
        }
    }

    public var name: String
    public var content: Content
    public var restricted = false

    public init(name: String, content: String, restricted: Bool = false) {
        self.name = name
        self.content = .text(content)
        self.restricted = restricted
    }

    public init(name: String, bytes: [UInt8], restricted: Bool = false) {
        self.name = name
        self.content = .bytes(bytes)
        self.restricted = restricted
    }
}
