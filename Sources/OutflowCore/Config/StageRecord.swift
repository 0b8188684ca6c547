// One stage of a run as the manifest records it.

/// One stage's record in the manifest.
public struct StageRecord: Sendable {
    public var name: String
    public var status: String
    public var seconds: Double
    public var rows: Int
    /// The process's peak resident memory so far, in MiB (VmHWM), after the stage.
    public var peakMiB: Int

    public init(name: String, status: String, seconds: Double, rows: Int, peakMiB: Int) {
        self.name = name
        self.status = status
        self.seconds = seconds
        self.rows = rows
        self.peakMiB = peakMiB
    }
}
