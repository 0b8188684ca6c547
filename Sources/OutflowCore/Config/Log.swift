// Log lines on stderr in a form grep and journalctl handle: UTC timestamp, level, stage,
// message. Info lines appear only with --verbose, so cron stays quiet on success.

import Foundation

/// The run's logger; stdout is never used for logs.
public struct Log: Sendable {
    public enum Level: String, Sendable { case info = "INFO", warning = "WARN", error = "ERROR" }
    public var verbose: Bool

    public init(verbose: Bool = false) { self.verbose = verbose }

    public func info(_ stage: String, _ message: String) {
        if verbose { write(.info, stage, message) }
    }

    public func warning(_ stage: String, _ message: String) { write(.warning, stage, message) }

    public func error(_ stage: String, _ message: String) { write(.error, stage, message) }

    private func write(_ level: Level, _ stage: String, _ message: String) {
        Log.stderr(Log.line(level, stage, message))
    }

    /// One log line: UTC timestamp, level, stage and the message, on one line.
    public static func line(_ level: Level, _ stage: String, _ message: String) -> String {
        "\(Clock.timestamp()) \(level.rawValue) \(stage) \(OneLine.escape(message))"
    }

    /// Writes one line to stderr.
    public static func stderr(_ line: String) {
        FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
    }

    /// True when stderr is a terminal (progress bars only then).
    public static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
