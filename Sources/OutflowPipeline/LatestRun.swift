// Idle nights: a nightly run whose deliveries, pipeline file, instrument and cut-off are those
// `latest` was built from publishes nothing new. The comparison is with what latest's
// manifest says it was built from, never with "this run loaded nothing": a run killed after
// loading but before publishing is followed by a run that publishes. Erasures and retries
// change the database without a delivery, so they are part of what is compared; so is the
// tool's version.

import Foundation
import OutflowCore
import OutflowPublish

/// What a published run was built from, read from a manifest.
package struct BuiltFrom: Equatable {
    package var runId: String
    package var version: String
    package var pipelineSHA256: String
    package var instrumentSHA256: String
    package var asOf: String
    package var database: String
    /// Each input file as one canonical line, sorted; `loaded` and `already_loaded` are the same.
    package var inputs: [String]

    /// Reads a manifest's JSON; nil when it is not a whole published report run.
    package init?(manifest data: Data) {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              json["status"] as? String == "published",
              ["run", "report"].contains(json["command"] as? String ?? ""),
              let pipeline = json["pipeline"] as? [String: Any],
              let inputs = json["inputs"] as? [[String: Any]] else { return nil }
        runId = json["runId"] as? String ?? ""
        version = json["version"] as? String ?? ""
        pipelineSHA256 = pipeline["sha256"] as? String ?? ""
        instrumentSHA256 = (json["instrument"] as? [String: Any])?["sha256"] as? String ?? ""
        asOf = json["asOf"] as? String ?? ""
        database = Self.canonical(json["database"] as? [String: Any] ?? [:])
        self.inputs = inputs.map { input in
            var input = input
            if input["status"] as? String == FileOutcome.Status.loaded.rawValue { input["status"] = FileOutcome.Status.alreadyLoaded.rawValue }
            return Self.canonical(input)
        }.sorted()
    }

    /// What `manifest` would say this run is built from.
    package init?(_ manifest: Manifest) {
        self.init(manifest: Data(manifest.json().encoded().utf8))
    }

    /// Equal when everything but the run id is.
    package func isSameBuild(as other: BuiltFrom) -> Bool {
        var other = other
        other.runId = runId
        return self == other
    }

    private static func canonical(_ object: [String: Any]) -> String {
        object.keys.sorted().map { key in "\(key)=\(object[key].map { $0 is NSNull ? "null" : "\($0)" } ?? "null")" }.joined(separator: "\t")
    }

    /// What the run `latest` points to in `output` was built from; nil when there is none.
    package static func latest(output: String) -> BuiltFrom? {
        guard let data = FileManager.default.contents(atPath: output + "/latest/manifest.json") else { return nil }
        return BuiltFrom(manifest: data)
    }
}
