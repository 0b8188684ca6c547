// Errors of the pipeline file and the run as a whole, each with the one line an operator
// reads and the exit status of docs/outputs.md (sysexits).

/// Exit statuses of `outflow` (sysexits.h).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case usage = 64
    case dataError = 65
    case internalError = 70
    case cannotCreate = 73
    case ioError = 74
    case locked = 75
}

/// A problem that stops a command, with the line printed on stderr.
public struct OutflowError: Error, CustomStringConvertible, Sendable {
    public let status: ExitStatus
    public let message: String

    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// The pipeline file is invalid (exit 65).
    public static func pipeline(_ path: String, _ message: String) -> OutflowError {
        OutflowError(.dataError, "pipeline file \(path): \(message)")
    }
}
