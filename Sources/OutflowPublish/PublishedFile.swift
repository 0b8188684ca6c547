// One file of a run folder, rendered and ready to write.

/// One file of a run folder.
public struct PublishedFile: Sendable {
    public var name: String
    public var content: String
    public var restricted = false

    public init(name: String, content: String, restricted: Bool = false) {
        self.name = name
        self.content = content
        self.restricted = restricted
    }
}
