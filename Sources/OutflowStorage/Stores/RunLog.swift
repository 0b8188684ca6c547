// The `run_log` table: one row per job, opened as 'running' when the job starts and closed
// with its status, exit status and cut-off when it ends, so a crashed run stays visible.
// The audit keeps its match rates here (`audit_json`) for the next run's comparison.

import OutflowCore

/// Reads and writes `run_log`.
package struct RunLogStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    /// Records a job as running, with the folder it writes its run folder into and where in it
    /// (`target`: `latest` for a run folder `latest` is switched to, `reports` for a report
    /// for another cut-off). A rerun under the same id replaces the earlier row.
    package func start(runId: String, command: String, startedAt: String, output: String? = nil, target: String? = nil) throws {
        try db.run("INSERT OR REPLACE INTO run_log (run_id, command, started_at, status, output_folder, target) VALUES (?, ?, ?, 'running', ?, ?)",
                   [.text(runId), .text(command), .text(startedAt), output.map { .text($0) } ?? .null, target.map { .text($0) } ?? .null])
    }

    /// The run ids recorded that start with `prefix` (a run id is unique across output folders).
    package func runIds(startingWith prefix: String) throws -> [String] {
        try db.query("SELECT run_id FROM run_log WHERE substr(run_id, 1, length(?1)) = ?1", [.text(prefix)]) { $0.string(0) }
    }

    /// Every output folder a job recorded, in the order first used. Empty for a database
    /// whose schema predates the column (opened without migrating).
    package func outputFolders() throws -> [String] {
        guard try db.scalarInt("SELECT count(*) FROM pragma_table_info('run_log') WHERE name = 'output_folder'") == 1 else { return [] }
        return try db.query("""
            SELECT output_folder FROM run_log WHERE output_folder IS NOT NULL
            GROUP BY output_folder ORDER BY min(started_at), output_folder
            """) { $0.text(0) ?? "" }
    }

    /// Records how a job ended, stamped with the current time.
    package func finish(runId: String, status: String, exit: Int32, asOf: Day?) throws {
        try db.run("UPDATE run_log SET finished_at = ?, status = ?, exit_status = ?, as_of_day = ? WHERE run_id = ?",
                   [.text(Clock.timestamp()), .text(status), .int(Int(exit)), asOf.map { .int($0.julian) } ?? .null, .text(runId)])
    }

    /// Keeps a run's audit figures (a JSON object) with its row.
    package func recordAudit(_ json: String, runId: String) throws {
        try db.run("UPDATE run_log SET audit_json = ? WHERE run_id = ?", [.text(json), .text(runId)])
    }

    /// The audit figures of the latest published run other than `runId`, nil when none has any.
    package func previousAudit(excluding runId: String) throws -> String? {
        try db.scalarText("""
            SELECT audit_json FROM run_log
            WHERE audit_json IS NOT NULL AND run_id <> ? AND status = 'published' ORDER BY started_at DESC, run_id DESC LIMIT 1
            """, [.text(runId)])
    }
}
