// manifest.json (docs/outputs.md): the run id, tool version, pipeline file and its hash,
// the cut-off, every input file the data comes from with its counts and status, and
// every stage with rows and seconds. Written last, so a folder with a manifest is whole.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// The facts of one run, as written to manifest.json.
public struct Manifest {
    public var runId: String
    public var command: String
    public var pipelinePath: String
    public var pipelineSHA256: String
    public var asOf: Day?
    public var status: String
    public var exitStatus: Int32
    public var startedAt: String
    public var finishedAt: String
    public var inputs: [FileOutcome]
    public var stages: [StageRecord]
    /// The questionnaire instrument file and its SHA-256, when the pipeline names one.
    public var instrument: (path: String, sha256: String)?
    /// Changes to the database that come from no delivery: persons on the erasure list and
    /// retries of refused files (a run whose deliveries are unchanged still republishes after them).
    public var erasures: Int?
    public var retries: Int?

    public func json() -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("runId", .string(runId)),
            ("version", .string(Outflow.version)),
            ("command", .string(command)),
            ("pipeline", .object([("path", .string(pipelinePath)), ("sha256", .string(pipelineSHA256))])),
        ]
        if let instrument { pairs.append(("instrument", .object([("path", .string(instrument.path)), ("sha256", .string(instrument.sha256))]))) }
        pairs += [
            ("asOf", .from(asOf?.iso)),
            ("status", .string(status)),
            ("exitStatus", .int(Int(exitStatus))),
            ("startedAt", .string(startedAt)),
            ("finishedAt", .string(finishedAt)),
            ("inputs", .array(inputs.map(Self.input))),
        ]
        if erasures != nil || retries != nil {
            pairs.append(("database", .object([("erasures", .from(erasures)), ("retries", .from(retries))])))
        }
        pairs.append(("stages", .array(stages.map { stage in
            .object([
                ("name", .string(stage.name)),
                ("status", .string(stage.status)),
                ("seconds", .double(stage.seconds, decimals: 3)),
                ("rows", .int(stage.rows)),
                ("peakMiB", .int(stage.peakMiB)),
            ])
        })))
        return .object(pairs)
    }

    /// One input file; a duplicate names the file its bytes were delivered as first.
    private static func input(_ input: FileOutcome) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("source", .string(input.source.rawValue)),
            ("file", .string(input.fileName)),
            ("sha256", .string(input.sha256)),
            ("status", .string(input.status.rawValue)),
            ("rowsRead", .int(input.rowsRead)),
            ("accepted", .int(input.accepted)),
            ("quarantined", .int(input.quarantined)),
            ("error", .from(input.error)),
        ]
        if let duplicateOf = input.duplicateOf { pairs.append(("duplicateOf", .string(duplicateOf))) }
        return .object(pairs)
    }
    package init(runId: String, command: String, pipelinePath: String, pipelineSHA256: String, asOf: Day? = nil, status: String, exitStatus: Int32, startedAt: String, finishedAt: String, inputs: [FileOutcome], stages: [StageRecord]) {
        self.runId = runId
        self.command = command
        self.pipelinePath = pipelinePath
        self.pipelineSHA256 = pipelineSHA256
        self.asOf = asOf
        self.status = status
        self.exitStatus = exitStatus
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.inputs = inputs
        self.stages = stages
    }
}
