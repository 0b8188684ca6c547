// `outflow erase`: an erasure request under the AVG. The person's rows leave every table
// with SQLite's secure_delete on, the database is vacuumed and its WAL truncated so no old
// page keeps a copy, restricted lists of earlier runs are scrubbed, and the SHA-256 of the
// pseudonym goes on the erasure list so later deliveries for the person are dropped (and
// counted as `erased`). The pseudonym itself is stored nowhere.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// Removes one person from the database and the restricted outputs.
public struct Erasure {
    /// Rows removed per table, and restricted files scrubbed.
    public struct Summary: Sendable {
        public var removed: [(table: String, rows: Int)] = []
        public var scrubbedFiles = 0
        public var wasKnown = false
    }

    package let db: Database
    package let output: String

    public init(db: Database, output: String) {
        self.db = db
        self.output = output
    }

    public func erase(pseudonym: String) throws -> Summary {
        guard Pseudonym(hex: pseudonym) != nil else {
            throw OutflowError(.usage, "--pseudo-id must be 64 lowercase hex characters")
        }
        var summary = Summary()
        let digest = Hex.encode(SHA256.hash(Array(pseudonym.utf8)))
        let store = ErasureStore(db: db)
        let outcome = try store.erase(pseudonym: pseudonym, digest: digest)
        summary.wasKnown = outcome.personKnown
        summary.removed = outcome.removed
        try store.compact()
        summary.scrubbedFiles = scrubRestrictedFiles(pseudonym: pseudonym)
        return summary
    }

    /// Drops every line naming the pseudonym from the restricted files of published runs.
    private func scrubRestrictedFiles(pseudonym: String) -> Int {
        guard let runs = try? FileManager.default.contentsOfDirectory(atPath: output) else { return 0 }
        var scrubbed = 0
        for run in runs {
            let folder = output + "/" + run + "/restricted"
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for file in files {
                let path = folder + "/" + file
                guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains(pseudonym) else { continue }
                let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(pseudonym) }
                try? RunFolder.writeFile(path, Array(kept.joined(separator: "\n").utf8), mode: 0o600)
                scrubbed += 1
            }
        }
        return scrubbed
    }
}
