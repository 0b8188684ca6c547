// `outflow validate`: check one delivery against its source's contract without loading it.
// The file goes through the real loader against a database the caller provides (a copy of
// the production database, so duplicate keys, key ids and snapshot truncation are judged
// as a run would), inside a transaction that is always rolled back; the findings are
// printed, values that look like citizen numbers withheld.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// The findings of a validation.
public struct ValidationFindings: Sendable {
    public var wouldLoad: Bool
    public var text: String
}

/// Dry-run loading of one file.
public enum Validation {
    /// Trial-loads `file` into `db`, which must not be the production database.
    public static func validate(file: String, source: SourceKind, config: PipelineConfig, db: Database, maxListed: Int = 20) throws -> ValidationFindings {
        if let refusal = FileRejection.forName(path: file) {
            let text = ["file: \((file as NSString).lastPathComponent)", "source: \(source.rawValue)", "verdict: refused: \(refusal)"]
            return ValidationFindings(wouldLoad: false, text: text.joined(separator: "\n") + "\n")
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw OutflowError(.usage, "\(file): no such file or not readable")
        }
        let fingerprint = try FileFingerprint(path: file)
        let name = (file as NSString).lastPathComponent
        var lines: [String] = ["file: \(name)", "source: \(source.rawValue)", "encoding: \(fingerprint.encoding.rawValue)",
                               "sha256: \(fingerprint.sha256)"]
        var probe = fingerprint
        if let known = try FileRegistry(db: db).entry(sha256: fingerprint.sha256) {
            lines.append("note: these exact bytes were already delivered as \(known.fileName) (\(known.status)); a run would skip them")
            lines.append("note: the findings below are for the file as a new delivery")
            // The registry keys files by hash; the rolled-back trial load needs a key of its own.
            probe = FileFingerprint(sha256: "validate:" + fingerprint.sha256, size: fingerprint.size, encoding: fingerprint.encoding)
        }
        var reasons: [(String, Int)] = []
        var samples: [String] = []
        var loader = FileLoader(db: db, config: config, persons: try PersonIndex(db: db), erased: [], runId: "validate")
        loader.inspect = { fileId in
            let quarantine = QuarantineStore(db: db)
            reasons = try quarantine.reasonCounts(fileId: fileId).map { ($0.reason, $0.count) }
            samples = try quarantine.firstRecords(fileId: fileId, limit: maxListed).map { record in
                "  row \(record.rowNumber)" + (record.column.map { ", column \($0)" } ?? "") + ": \(record.reason)"
                    + (record.rawValue.map { " (value: \(QuarantineWriter.safeRawValue($0)))" } ?? "")
            }
        }
        let outcome = try loader.load(path: file, source: source, fingerprint: probe)
        lines.append("rows read: \(outcome.rowsRead)")
        lines.append("accepted: \(outcome.accepted)")
        lines.append("quarantined: \(outcome.quarantined)")
        for (reason, count) in reasons { lines.append("  \(reason): \(count)") }
        if !samples.isEmpty { lines.append("first quarantined rows:"); lines += samples }
        if let error = outcome.error {
            lines.append("verdict: refused: \(error)")
        } else {
            lines.append("verdict: would load")
        }
        return ValidationFindings(wouldLoad: outcome.error == nil, text: lines.joined(separator: "\n") + "\n")
    }
}
