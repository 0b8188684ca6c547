// A temporary folder per test with a pipeline file, an inbox and a database path, so tests
// run in parallel without sharing state. Files are written as the suppliers would.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish
import OutflowPipeline

/// A throwaway pipeline workspace under the system temp folder.
package final class Workspace {
    package let root: String
    package var inbox: String { root + "/inbox" }
    package var database: String { root + "/var/outflow.sqlite" }
    package var output: String { root + "/out" }
    package var pipelinePath: String { root + "/pipeline.json" }

    /// With `population`, the pipeline also names the population source (`bevolking_*.csv`).
    package init(extra: String = "", minCell: Int = 10, population: Bool = false) throws {
        root = NSTemporaryDirectory() + "outflow-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
        try Self.instrument.write(toFile: root + "/instrument.json", atomically: true, encoding: .utf8)
        let populationSource = population ? ",\n    \"population\":    { \"files\": \"bevolking_*.csv\", \"mode\": \"snapshot\" }" : ""
        let pipeline = """
            {
              "name": "test",
              "database": "var/outflow.sqlite",
              "inbox": "inbox",
              "output": "out",
              "sources": {
                "registrations": { "files": "registraties_*.csv", "mode": "snapshot" },
                "questionnaire": { "files": "ervaringwijzer_*.csv", "mode": "append", "instrument": "instrument.json" },
                "decisions":     { "files": "beschikkingen_*.csv", "mode": "snapshot" },
                "family":        { "files": "gezinsrelaties_*.csv", "mode": "snapshot" }\(populationSource)
              },
              "disclosure": { "minCell": \(minCell), "curveGridDays": 30 }\(extra)
            }
            """
        try pipeline.write(toFile: pipelinePath, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    package func config() throws -> PipelineConfig { try PipelineConfig.load(path: pipelinePath) }

    /// Drops a delivery into the inbox.
    @discardableResult
    package func deliver(_ name: String, _ content: String) throws -> String {
        let path = inbox + "/" + name
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    package func deliver(_ name: String, bytes: [UInt8]) throws {
        _ = FileManager.default.createFile(atPath: inbox + "/" + name, contents: Data(bytes))
    }

    package func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: inbox + "/" + name) }

    /// Runs ingest only.
    package func ingest() throws -> IngestReport {
        let db = try Database(path: database)
        return try Ingest(db: db, config: try config(), runId: "test").run()
    }

    package func open() throws -> Database { try Database(path: database) }

    /// Runs a job; `force` publishes even when nothing changed since `latest`.
    package func job(_ kind: JobOptions.Kind = .run, asOf: Day? = nil, force: Bool = false) throws -> JobResult {
        var options = JobOptions(kind: kind, asOf: asOf)
        options.force = force
        return try Job(config: try config(), options: options).run()
    }

    package func read(_ relative: String) throws -> String { try String(contentsOfFile: output + "/latest/" + relative, encoding: .utf8) }

    package static let instrument = """
        { "name": "Ervaringwijzer", "version": "1",
          "scale": { "min": 1, "max": 5, "bands": { "disagree": [1, 2], "neutral": [3], "agree": [4, 5] } },
          "items": [
            { "code": "at_ease", "text": "Op mijn gemak", "roles": ["jongere", "opvoeder"] },
            { "code": "can_move_on", "text": "Kan weer verder", "roles": ["jongere", "opvoeder"] },
            { "code": "contact_outside", "text": "Contact buiten de groep", "roles": ["jongere", "opvoeder"], "track": true },
            { "code": "learned_useful", "text": "Geleerd", "roles": ["jongere"] },
            { "code": "family_learned", "text": "Als gezin geleerd", "roles": ["opvoeder"] }
          ] }
        """
}

/// Deterministic test pseudonyms: `P(1)` is 64 hex characters, distinct per number as long
/// as the number's hex does not start with "a" (`P(0xa1)` is `P(1)`: the padding is "a").
package func P(_ n: Int) -> String {
    let hex = String(n, radix: 16)
    return String(repeating: "a", count: 64 - hex.count) + hex
}
