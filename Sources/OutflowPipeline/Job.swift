// The jobs behind `outflow run`, `ingest`, `report` and `audit`: take the lock, open the
// database, run the stages in order, and publish one run folder atomically. A refused
// delivery, a stale source or a failing stage stops the job before anything is published.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// What a job was asked to do.
public struct JobOptions: Sendable {
    public enum Kind: String, Sendable { case run, ingest, report, audit }
    public var kind: Kind
    public var asOf: Day?
    public var output: String?
    public var verbose = false
    /// `run --force`: publish even when nothing changed since the run `latest` points to.
    public var force = false
    /// The clock's today, for freshness checks (tests set it).
    public var today: Day = Clock.today()

    public init(kind: Kind, asOf: Day? = nil, output: String? = nil, verbose: Bool = false) {
        self.kind = kind
        self.asOf = asOf
        self.output = output
        self.verbose = verbose
    }
}

/// The result of a finished job.
public struct JobResult: Sendable {
    public var runId: String
    public var asOf: Day?
    public var folder: String?
    public var ingest: IngestReport
    public var summary: String
    /// One warning line per unresolved refusal (printed before the summary).
    public var warnings: [String] = []
    /// True when the run published nothing: nothing changed since the run `latest` points to.
    public var unchanged = false
}

/// Runs one job against a pipeline.
public struct Job {
    package let config: PipelineConfig
    package let options: JobOptions
    package let log: Log

    public init(config: PipelineConfig, options: JobOptions) {
        self.config = config
        self.options = options
        log = Log(verbose: options.verbose)
    }

    public func run() throws -> JobResult {
        try RunFolder.makeDirectory((config.database as NSString).deletingLastPathComponent, .databaseFolder, access: config.access)
        let lock = try RunLock(path: config.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let db: Database
        do { db = try Database(path: config.database, access: config.access) } catch let error as SQLiteError {
            throw OutflowError(error.isStorageFailure ? .ioError : .internalError, "database \(config.database): \(error)")
        }
        let output = options.output.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? config.output
        // A report reads no inbox, so its cut-off is checked before anything is recorded: a
        // wrong --as-of writes nothing.
        let reportAsOf = options.kind == .report ? try CutOff.resolve(db: db, requested: options.asOf) : nil
        let target = Self.target(options, asOf: reportAsOf)
        let runLog = RunLogStore(db: db)
        let runId = try RunFolder.freshRunId(output: output, recorded: runLog.runIds(startingWith:))
        let startedAt = Clock.timestamp()
        var stages = StageRunner(log: log)
        var ingest = IngestReport()
        try runLog.start(runId: runId, command: options.kind.rawValue, startedAt: startedAt, output: output,
                         target: options.kind == .ingest ? nil : target.name)

        do {
            if options.kind == .run || options.kind == .ingest {
                ingest = try stages.run("ingest", rows: { $0.rowsLoaded }) {
                    try Ingest(db: db, config: config, runId: runId).run(checkpoint: options.kind == .ingest) { outcome in
                        if outcome.isNew { log.info("ingest", "\(outcome.fileName): \(outcome.status.rawValue), \(outcome.rowsRead) read, \(outcome.accepted) accepted, \(outcome.quarantined) quarantined") }
                        if let first = outcome.duplicateOf, !outcome.isNew {
                            log.info("ingest", "\(outcome.fileName): duplicate_of \(first): the same bytes were delivered as \(first); not read again")
                        }
                    }
                }
                if let refused = ingest.rejectedNow.first {
                    let more = ingest.rejectedNow.count > 1 ? " (and \(ingest.rejectedNow.count - 1) more refused files)" : ""
                    throw OutflowError(.dataError, "refused delivery " + (refused.error ?? refused.fileName) + more)
                }
                try Freshness.check(db: db, config: config, today: options.today)
            }
            let warnings = try FileRegistry(db: db).unresolvedRefusals().map { Log.line(.warning, "ingest", $0.warning) }
            if options.kind == .ingest {
                try runLog.finish(runId: runId, status: "ingested", exit: 0, asOf: nil)
                let loaded = ingest.files.filter { $0.isNew && $0.status == .loaded }
                return JobResult(runId: runId, asOf: nil, folder: nil, ingest: ingest,
                                 summary: "ingested \(loaded.count) new files, \(ingest.rowsLoaded) rows", warnings: warnings)
            }
            let asOf = try reportAsOf ?? CutOff.resolve(db: db, requested: options.asOf)
            let inputs = Self.inputs(registry: try FileRegistry(db: db).entries(), ingest: ingest, runId: runId)
            var manifest = Manifest(runId: runId, command: options.kind.rawValue, pipelinePath: config.path,
                                    pipelineSHA256: config.sha256, asOf: asOf, status: "published", exitStatus: 0,
                                    startedAt: startedAt, finishedAt: startedAt, inputs: inputs, stages: [])
            manifest.instrument = config.sources[.questionnaire]?.instrumentPath.map { ($0, (try? SHA256.hexDigest(ofFileAt: $0)) ?? "") }
            manifest.erasures = try ErasureStore(db: db).listedCount()
            manifest.retries = try RetryLogStore(db: db).entries().count
            // An idle night: the deliveries, pipeline, instrument and cut-off of `latest`.
            if options.kind == .run, !options.force, let latest = BuiltFrom.latest(output: output),
               let now = BuiltFrom(manifest), now.isSameBuild(as: latest) {
                try db.checkpoint()
                try runLog.finish(runId: runId, status: "unchanged", exit: 0, asOf: asOf)
                return JobResult(runId: runId, asOf: asOf, folder: nil, ingest: ingest,
                                 summary: "no new deliveries; latest unchanged (run \(latest.runId))", warnings: warnings, unchanged: true)
            }
            let folder = try RunFolder(output: output, runId: runId, target: target, access: config.access)
            do {
                // A run copies the load's WAL into the database file on its own connection while
                // the analysis reads (WAL readers never wait for a checkpoint), and truncates the
                // WAL at the end, when little is left to copy. On failure it is waited for before
                // the run log records the failure.
                let checkpoint = options.kind == .run ? Background { [path = db.path, access = db.access] in
                    try Database.companion(path: path, access: access).checkpointPassively()
                } : nil
                defer { _ = try? checkpoint?.wait() }
                let analysis = try Analysis(db: db, config: config, asOf: asOf, runId: runId)
                    .run(stages: &stages, analyst: options.kind != .audit)
                let refusals = try FileRegistry(db: db).unresolvedRefusals()
                try stages.run("publish", rows: { $0 }) { () -> Int in
                    let files = try Publication(config: config, runId: runId, asOf: asOf, inputs: inputs, db: db, refusals: refusals).files(analysis)
                    // Files streamed in chunks (the matched sets: a hundred MB at 200,000
                    // participants) are written, and synced, on a thread of their own while
                    // the others are.
                    let streamed = files.filter(\.isStreamed)
                    let writing = streamed.isEmpty ? nil : Background { [folder] in
                        for file in streamed { try folder.write(file.name, file.content, restricted: file.restricted) }
                    }
                    let written = Result { for file in files where !file.isStreamed { try folder.write(file.name, file.content, restricted: file.restricted) } }
                    try writing?.wait()
                    try written.get()
                    return files.count
                }
                manifest.finishedAt = Clock.timestamp()
                manifest.stages = stages.records
                try folder.write("manifest.json", manifest.json().encoded())
                if let checkpoint {
                    _ = try? checkpoint.wait()   // a head start only: the checkpoint below does what it left
                    try db.checkpoint()
                }
                let path = try folder.commit()
                RunFolder.prune(output: output, keep: config.keepRuns, current: runId)
                try runLog.finish(runId: runId, status: "published", exit: 0, asOf: asOf)
                try CohortMartStore(db: db).prune(onlyOthersOf: analysis.martEntries)
                if options.kind == .run { try db.checkpoint() }   // what pruning the marts wrote
                return JobResult(runId: runId, asOf: asOf, folder: path, ingest: ingest,
                                 summary: Self.summary(target, path: path, asOf: asOf), warnings: warnings)
            } catch {
                folder.discard()
                throw error
            }
        } catch {
            let status = Self.exitStatus(of: error)
            try? runLog.finish(runId: runId, status: "failed", exit: status.rawValue, asOf: nil)
            try? CohortMartStore(db: db).prune()
            throw error
        }
    }

    /// Where a job publishes: `report --as-of` to `reports/`, everything else to a run folder
    /// `latest` is switched to.
    package static func target(_ options: JobOptions, asOf: Day?) -> RunTarget {
        guard options.kind == .report, options.asOf != nil, let asOf else { return .latest }
        return .report(asOf: asOf)
    }

    /// The line a published job ends with.
    package static func summary(_ target: RunTarget, path: String, asOf: Day) -> String {
        switch target {
        case .latest: return "published \(path) (as of \(asOf.iso))"
        case .report: return "published report \(path) (as of \(asOf.iso)); latest and the nightly run folders unchanged"
        }
    }

    /// Every registry file, with its status as seen by this run, then the files this run
    /// found with the bytes of another (`duplicate_of`).
    package static func inputs(registry: [FileRegistry.Entry], ingest: IngestReport, runId: String) -> [FileOutcome] {
        let handledNow = Set(ingest.files.filter(\.isNew).map(\.sha256))
        return registry.map { $0.outcome(loadedNow: handledNow.contains($0.sha256)) }
            + ingest.files.filter { $0.duplicateOf != nil }.map { file in
                var duplicate = file
                duplicate.status = .duplicate
                duplicate.isNew = false
                return duplicate
            }
    }

    /// The exit status an error maps to.
    public static func exitStatus(of error: Error) -> ExitStatus {
        switch error {
        case let e as OutflowError: return e.status
        case let e as StageFailure: return exitStatus(of: e.underlying)
        case let e as SQLiteError: return e.isStorageFailure ? .ioError : .internalError
        case is FileRejection: return .dataError
        default: return .internalError
        }
    }
}

/// The cut-off date of a run (methods.md section 1).
public enum CutOff {
    /// The newest decisions extraction date, or the requested date when it is not later and
    /// not before the first snapshot of any source.
    public static func resolve(db: Database, requested: Day?) throws -> Day {
        let registry = FileRegistry(db: db)
        guard let newest = try registry.newestExtraction(source: .decisions) else {
            throw OutflowError(.dataError, "no decisions snapshot has been loaded yet, so there is no cut-off date; deliver a beschikkingen file first")
        }
        guard let requested else { return newest }
        guard requested <= newest else {
            throw OutflowError(.dataError, "--as-of \(requested.iso) is later than the newest decisions extraction date \(newest.iso): follow-up cannot run past the data")
        }
        if let (source, first) = try firstSnapshotAfter(requested, registry: registry) {
            throw OutflowError(.dataError, "--as-of \(requested.iso) is before the first snapshot of source \(source.rawValue), \(first.dutch): nothing of it was in force then; choose \(first.dutch) or later")
        }
        return requested
    }

    /// The snapshot source whose first loaded delivery is latest, when that is after `day`.
    private static func firstSnapshotAfter(_ day: Day, registry: FileRegistry) throws -> (SourceKind, Day)? {
        var latestFirst: (SourceKind, Day)?
        for kind in SourceKind.allCases where kind.isSnapshot {
            guard let first = try registry.firstExtraction(source: kind), first > day else { continue }
            if latestFirst == nil || first > latestFirst!.1 { latestFirst = (kind, first) }
        }
        return latestFirst
    }
}

/// Freshness: a source whose newest delivery is older than its `maxAgeDays` stops the run.
package enum Freshness {
    package static func check(db: Database, config: PipelineConfig, today: Day) throws {
        for kind in SourceKind.allCases {
            guard let source = config.sources[kind], let maxAge = source.maxAgeDays else { continue }
            let newest = try AuditDeliveryStore(db: db).newestDeliveryDay(source: kind.rawValue)
            guard let newest else {
                throw OutflowError(.dataError, "source \(kind.rawValue): no delivery loaded yet, but maxAgeDays is \(maxAge)")
            }
            if today - newest > maxAge {
                throw OutflowError(.dataError, "source \(kind.rawValue): newest delivery is of \(newest.iso), \(today - newest) days old, more than maxAgeDays \(maxAge): refusing to report on stale data")
            }
        }
    }
}
