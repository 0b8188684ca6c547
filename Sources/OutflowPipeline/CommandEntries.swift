// The library entries behind the `outflow` commands: one function per command and one
// mapping from errors to exit statuses. Each entry that touches the database takes the
// run lock the way a nightly run does, so two writers never meet; `validate` never writes
// the production database at all. The executable parses arguments and calls these.

import Foundation
import OutflowCore
import OutflowStorage
import OutflowIngest
import OutflowPublish

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
    /// Without a `source`, the one whose file pattern matches the file's name (exit 64 when
    /// none or several do).
    public static func validate(pipeline: String, file: String, source: SourceKind?) throws -> ValidationFindings {
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
            + (summary.emptyOptional > 0 ? "; \(summary.emptyOptional) empty values of optional columns left empty" : "")
    }

    /// `erase`: an erasure request, under the run lock (exit 75 while a run holds it). Returns
    /// the lines to print: what was removed, the run folders scrubbed, the inbox files that
    /// still hold the person. A pseudonym found nowhere is exit 65 unless `notYetDelivered`.
    public static func erase(pipeline: String, pseudonym: String, notYetDelivered: Bool = false, dryRun: Bool = false) throws -> String {
        let config = try PipelineConfig.load(path: pipeline)
        return try erase(config: config, pseudonym: pseudonym.lowercased(), keyId: nil, notYetDelivered: notYetDelivered, dryRun: dryRun)
    }

    /// `erase --bsn-file F --key-file K`: the pseudonym of the citizen number in `bsnFile` under
    /// the key in `keyFile` (refused when deliveries were loaded under another key id), erased
    /// as above. The number is never printed, nor the pseudonym made from it.
    public static func erase(pipeline: String, bsnFile: String, keyFile: String, notYetDelivered: Bool = false, dryRun: Bool = false) throws -> String {
        let config = try PipelineConfig.load(path: pipeline)
        let pseudonymiser = try Pseudonymiser(keyFile: keyFile)
        let pseudonym = try pseudonymiser.pseudonym(ofNumberInFile: bsnFile)
        return try erase(config: config, pseudonym: pseudonym, keyId: pseudonymiser.keyId, notYetDelivered: notYetDelivered, dryRun: dryRun)
    }

    private static func erase(config: PipelineConfig, pseudonym: String, keyId: String?, notYetDelivered: Bool, dryRun: Bool) throws -> String {
        // A dry run changes nothing: no database is created and none is migrated.
        let exists = FileManager.default.fileExists(atPath: config.database)
        if !dryRun { try RunFolder.makeDirectory((config.database as NSString).deletingLastPathComponent, .databaseFolder, access: config.access) }
        let lock = dryRun && !exists ? nil : try RunLock(path: config.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let db: Database?
        do { db = dryRun && !exists ? nil : try Database(path: config.database, migrate: !dryRun, access: config.access) } catch let error as SQLiteError {
            throw OutflowError(error.isStorageFailure ? .ioError : .internalError, "database \(config.database): \(error)")
        }
        if let keyId, let db, let established = try FileRegistry(db: db).establishedKeyId(), established != keyId {
            throw OutflowError(.dataError, "the key file has key id \(keyId), but the deliveries were pseudonymised under key id \(established): the number would not give the person's pseudonym; use the suppliers' key")
        }
        let summary = try Erasure(db: db, config: config).erase(pseudonym: pseudonym, notYetDelivered: notYetDelivered, dryRun: dryRun)
        return erasureText(summary)
    }

    /// What an erasure did (or would do), one finding per line, files indented below.
    package static func erasureText(_ summary: Erasure.Summary) -> String {
        let would = summary.dryRun
        var lines: [String] = would ? ["dry run: nothing was changed"] : []
        let rows = summary.removed.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
        if rows.isEmpty {
            lines.append("database: no rows of the person" + (summary.foundAnywhere ? "" : " (not delivered yet)"))
        } else {
            lines.append(would ? "would erase: \(rows)" : "erased: \(rows) (secure_delete, database vacuumed, WAL truncated)")
        }
        let folders = summary.outputFolders.isEmpty ? "no output folder yet" : summary.outputFolders.joined(separator: ", ")
        lines.append("run folders: \(summary.scrubbed.count) files \(would ? "would be scrubbed" : "scrubbed") in \(folders)")
        lines += summary.scrubbed.map { "  " + $0 }
        if !summary.removedFiles.isEmpty {
            lines.append("run folders: \(summary.removedFiles.count) files that are not text \(would ? "would be" : "were") removed whole")
            lines += summary.removedFiles.map { "  " + $0 }
        }
        if summary.inboxFiles.isEmpty {
            lines.append("inbox: no delivery holds the person")
        } else {
            lines.append("inbox: \(summary.inboxFiles.count) deliveries still hold the person; the pipeline never edits deliveries, so ask the supplier for corrected files without the person:")
            lines += summary.inboxFiles.map { "  " + $0 }
        }
        if let since = summary.listedSince {
            lines.append("erasure list: on it since \(since); later deliveries for this person are dropped")
        } else {
            lines.append(would ? "erasure list: would be added; later deliveries for this person would be dropped"
                               : "erasure list: added; later deliveries for this person will be dropped")
        }
        return lines.joined(separator: "\n")
    }

    /// The exit status an error maps to (sysexits).
    public static func exitStatus(of error: Error) -> ExitStatus {
        Job.exitStatus(of: error)
    }
}
