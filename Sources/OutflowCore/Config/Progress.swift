// A progress line for long stages, shown only when stderr is a terminal: rows done and
// rows per second, redrawn in place at most five times a second. Cron runs never see it.

import Foundation


/// Redraws one progress line on a terminal's stderr.
public final class Progress {
    private let label: String
    private let enabled: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0

    public init(label: String, enabled: Bool = Log.stderrIsTerminal) {
        self.label = label
        self.enabled = enabled
    }

    /// Reports the rows done so far.
    public func update(rows: Int) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 200_000_000 else { return }
        lastDraw = now
        let seconds = max(Double(now - start) / 1e9, 1e-3)
        FileHandle.standardError.write(Data(String(format: "\r%@: %d rows (%.0f rows/s)\u{1B}[K", label, rows, Double(rows) / seconds).utf8))
    }

    /// Clears the line.
    public func finish() {
        guard enabled, lastDraw > 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
