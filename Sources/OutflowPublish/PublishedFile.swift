// One file of a run folder, rendered and ready to write.

/// One file of a run folder.
public struct PublishedFile: Sendable {
    /// Hands a file's bytes over in chunks, for a file too large to hold at once.
    public typealias Producer = @Sendable (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void

    /// What a file holds: text (written as UTF-8), bytes (`report.xlsx`), or chunks written
    /// as they are produced (`restricted/matched_sets.csv`).
    public enum Content: Sendable {
        case text(String)
        case bytes([UInt8])
        case chunks(Producer)

        /// The bytes written to disk, all at once.
        public var bytes: [UInt8] {
            get throws {
                switch self {
                case .text(let text): return Array(text.utf8)
                case .bytes(let bytes): return bytes
                case .chunks(let produce):
                    var all: [UInt8] = []
                    try produce { all += $0 }
                    return all
                }
            }
        }

        /// Hands the bytes to `emit`, in one piece or in chunks.
        public func write(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
            switch self {
            case .text(let text): try Array(text.utf8).withUnsafeBytes(emit)
            case .bytes(let bytes): try bytes.withUnsafeBytes(emit)
            case .chunks(let produce): try produce(emit)
            }
        }
    }

    public var name: String

    /// Whether the file is produced in chunks as it is written (a large one).
    public var isStreamed: Bool {
        if case .chunks = content { return true }
        return false
    }
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

    public init(name: String, chunks: @escaping Producer, restricted: Bool = false) {
        self.name = name
        self.content = .chunks(chunks)
        self.restricted = restricted
    }
}
