// `outflow status PIPELINE.json`: what an operator or a monitoring check needs to know, read
// without disturbing a run: the last run (id, command, status, exit status, when), whether the
// run lock is held and by which process, the refusals still unresolved, the age of each
// source's newest delivery against its `maxAgeDays`, and the database's size. The database
// is opened read-only and the lock only tested (a shared lock taken and dropped at once).
// Exit 0 when all is well, 1 when something needs attention.

import Foundation
import OutflowCore
import OutflowStorage
import OutflowIngest

/// The state of one pipeline.
public struct PipelineStatus: Sendable {
    /// The report, one fact per line.
    public var lines: [String] = []
    /// What needs attention, one short phrase each; empty when all is well.
    public var attention: [String] = []

    public var text: String { lines.joined(separator: "\n") + "\n" }
    public var needsAttention: Bool { !attention.isEmpty }

    /// Reads the state of the pipeline `config` as of `now`.
    package static func read(config: PipelineConfig, now: Date = Date()) throws -> PipelineStatus {
        var status = PipelineStatus()
        status.lines.append("pipeline: \(config.name) (\(config.path))")
        let lock = LockState(path: config.lockPath)
        status.lines.append("lock: " + lock.description)
        guard FileManager.default.fileExists(atPath: config.database) else {
            status.lines.append("database: \(config.database) does not exist yet: no run has loaded anything")
            status.attention.append("no database yet")
            status.finish()
            return status
        }
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        status.lines.append("database: \(config.database), \(Self.mebibytes(size(config.database))) (WAL \(Self.mebibytes(size(config.database + "-wal"))))")
        let db: Database
        do { db = try Database(path: config.database, readOnly: true) } catch {
            status.lines.append("database: cannot be opened: \(error)")
            status.attention.append("database cannot be opened")
            status.finish()
            return status
        }
        status.lastRun(db: db, lock: lock, now: now)
        try status.refusals(db: db)
        try status.sources(db: db, config: config, today: Clock.today(now))
        status.finish()
        return status
    }

    private mutating func lastRun(db: Database, lock: LockState, now: Date) {
        guard let run = try? RunLogStore(db: db).latest() else {
            lines.append("last run: none")
            attention.append("no run yet")
            return
        }
        var line = "last run: \(run.runId) (\(run.command)) \(run.status)"
        if let exit = run.exitStatus { line += ", exit \(exit)" }
        line += ", started \(run.startedAt)"
        if let finished = run.finishedAt { line += ", finished \(finished)" }
        if let day = run.asOfDay { line += ", as of \(Day(julian: day).iso)" }
        lines.append(line)
        switch run.status {
        case "running":
            if case .held = lock {
                if let started = Self.date(run.startedAt), now.timeIntervalSince(started) > 24 * 3600 {
                    attention.append("run \(run.runId) has been running for more than 24 hours")
                }
            } else {
                attention.append("run \(run.runId) did not finish (killed or crashed)")
            }
        case "failed":
            attention.append("last run failed with exit \(run.exitStatus.map(String.init) ?? "?")")
        default:
            if let exit = run.exitStatus, exit != 0 { attention.append("last run exited \(exit)") }
        }
    }

    private mutating func refusals(db: Database) throws {
        let open = try FileRegistry(db: db).unresolvedRefusals()
        lines.append("unresolved refusals: \(open.isEmpty ? "none" : String(open.count))")
        for refusal in open { lines.append("  \(refusal.fileName) (\(refusal.source.rawValue), refused \(refusal.refusedAt)): \(refusal.message)") }
        if !open.isEmpty { attention.append("\(open.count) unresolved refusal\(open.count == 1 ? "" : "s")") }
    }

    private mutating func sources(db: Database, config: PipelineConfig, today: Day) throws {
        lines.append("sources (newest delivery, age in days, maxAgeDays):")
        let deliveries = AuditDeliveryStore(db: db)
        for kind in SourceKind.allCases {
            guard let source = config.sources[kind] else { continue }
            let limit = source.maxAgeDays.map { "maxAgeDays \($0)" } ?? "no maxAgeDays"
            guard let newest = try deliveries.newestDeliveryDay(source: kind.rawValue) else {
                lines.append("  \(kind.rawValue): nothing loaded yet (\(limit))")
                if source.maxAgeDays != nil { attention.append("\(kind.rawValue): nothing loaded") }
                continue
            }
            let age = today - newest
            var line = "  \(kind.rawValue): \(newest.iso), \(age) days old (\(limit))"
            if let maxAge = source.maxAgeDays, age > maxAge {
                line += ": STALE"
                attention.append("\(kind.rawValue) is \(age) days old, more than maxAgeDays \(maxAge)")
            }
            lines.append(line)
        }
    }

    private mutating func finish() {
        lines.append(attention.isEmpty ? "status: ok" : "status: needs attention: " + attention.joined(separator: "; "))
        lines = lines.map(OneLine.escape)
    }

    private static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    private static func date(_ timestamp: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: timestamp)
    }
}

/// Whether a run holds a database's lock, tested without waiting and without creating the file.
package enum LockState: CustomStringConvertible {
    case free
    case held(pid: String)

    package init(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { self = .free; return }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            self = .free
            return
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buffer, buffer.count)
        let pid = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        self = .held(pid: pid.isEmpty ? "?" : pid)
    }

    package var description: String {
        switch self {
        case .free: return "free"
        case .held(let pid): return "held by pid \(pid) (a run is in progress)"
        }
    }
}
