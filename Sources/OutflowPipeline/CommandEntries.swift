// The library entries behind the `outflow` commands: one function per command and one
// mapping from errors to exit statuses. Each entry that touches the database takes the
// run lock the way a nightly run does, so two writers never meet; `validate` never writes
// the production database at all. The executable parses arguments and calls these.

import Foundation
import OutflowCore
import OutflowStorage
import OutflowIngest

/// One entry per command of `outflow`.
public enum CommandEntries {
    /// Allocator settings for a run; called once at start-up, before any thread starts.
    public static func prepareProcess() {
        MemoryTuning.prepareProcess()
    }

    /// `run`, `ingest`, `report` and `audit`: one job on a pipeline. Returns the lines to
    /// print: a warning per unresolved refusal, then the summary. `force` publishes even when
    /// nothing changed since `latest`; `pruneLogs` names the nightly wrapper's log folder,
    /// whose `outflow-*.log` files older than `logRetentionDays` are removed.
    public static func job(_ kind: JobOptions.Kind, pipeline: String, asOf: Day?, output: String?, verbose: Bool,
                           force: Bool = false, pruneLogs: String? = nil) throws -> String {
        let config = try PipelineConfig.load(path: pipeline)
        if let pruneLogs { LogRetention.prune(folder: pruneLogs, days: config.logRetentionDays) }
        var options = JobOptions(kind: kind, asOf: asOf, output: output, verbose: verbose)
        options.force = force
        let result = try Job(config: config, options: options).run()
        return (result.warnings + [result.summary]).joined(separator: "\n")
    }

    /// `retry`: judges a refused file again and loads it when it passes now (exit 65 when it
    /// is refused again). Returns the summary line.
    public static func retry(pipeline: String, file: String, accepting: [FileReason]) throws -> String {
        let config = try PipelineConfig.load(path: pipeline)
        return try Retry(config: config, user: Retry.currentUser()).run(file: file, accepting: Set(accepting))
    }

    /// `status`: the state of a pipeline, for an operator or a monitoring check.
    public static func status(pipeline: String) throws -> PipelineStatus {
        try PipelineStatus.read(config: try PipelineConfig.load(path: pipeline))
    }

    /// `validate`: a trial load of one delivery into a private copy of the database (read in
    /// one read transaction, so a nightly run beside it is neither blocked nor changed).
    public static func validate(pipeline: String, file: String, source: SourceKind) throws -> ValidationFindings {
        let config = try PipelineConfig.load(path: pipeline)
        let scratch = NSTemporaryDirectory() + "outflow-validate-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(scratch + suffix) } }
        if FileManager.default.fileExists(atPath: config.database) {
            do { try Database.copy(of: config.database, to: scratch) } catch let error as SQLiteError {
                throw OutflowError(error.isStorageFailure ? .ioError : .internalError, "database \(config.database): \(error)")
            }
        }
        let db = try Database(path: scratch)
        return try Validation.validate(file: file, source: source, config: config, db: db)
    }

    /// `pseudonymise`: the suppliers' tool. Returns the summary line.
    public static func pseudonymise(keyFile: String, input: String, output: String, columns: [String]) throws -> String {
        let pseudonymiser = try Pseudonymiser(keyFile: keyFile)
        let summary = try pseudonymiser.run(input: input, output: output, columns: columns)
        return "pseudonymised \(summary.written) of \(summary.rows) rows under key id \(summary.keyId); \(summary.rejected) rejected (see \(summary.rejectsPath))"
    }

    /// `erase`: an erasure request, under the run lock (exit 75 while a run holds it).
    public static func erase(pipeline: String, pseudonym: String) throws -> String {
        let config = try PipelineConfig.load(path: pipeline)
        let lock = try RunLock(path: config.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let db = try Database(path: config.database)
        let summary = try Erasure(db: db, output: config.output).erase(pseudonym: pseudonym.lowercased())
        let removed = summary.removed.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
        return (summary.wasKnown ? "erased: \(removed.isEmpty ? "no rows" : removed)" : "the person was not in the database")
            + "; \(summary.scrubbedFiles) restricted files scrubbed; later deliveries for this person will be dropped"
    }

    /// The exit status an error maps to (sysexits).
    public static func exitStatus(of error: Error) -> ExitStatus {
        Job.exitStatus(of: error)
    }
}
