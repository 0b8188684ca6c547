// `outflow validate`: check one delivery against its source's contract without loading it.
// The file goes through the real loader against a database the caller provides (a copy of
// the production database, so duplicate keys, key ids and snapshot truncation are judged
// as a run would), inside a transaction that is always rolled back; the findings are
// printed, values that look like citizen numbers withheld. Where a load stops at the first
// file error, validate lists them all: the name and the header are judged first, every
// problem of each, and the rows are still read when only the name is wrong (under a
// stand-in name that carries a usable date), so the errors found after reading show too.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// The findings of a validation.
public struct ValidationFindings: Sendable {
    public var wouldLoad: Bool
    public var text: String
    /// The reason code of every file error found, in the order listed.
    public var fileErrors: [FileReason] = []
}

/// Dry-run loading of one file.
public enum Validation {
    /// Trial-loads `file` into `db`, which must not be the production database. Without a
    /// `source`, the source is the one whose file pattern matches the file's name.
    public static func validate(file: String, source: SourceKind?, config: PipelineConfig, db: Database, maxListed: Int = 20) throws -> ValidationFindings {
        if let refusal = FileRejection.forName(path: file) {
            let text = ["file: \((file as NSString).lastPathComponent)", source.map { "source: \($0.rawValue)" }, "verdict: refused: \(refusal)"].compactMap { $0 }
            return ValidationFindings(wouldLoad: false, text: text.joined(separator: "\n") + "\n")
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw OutflowError(.usage, "\(file): no such file or not readable")
        }
        let name = (file as NSString).lastPathComponent
        let inferred = source == nil
        let source = try source ?? self.source(forFileName: name, config: config)
        let fingerprint = try FileFingerprint(path: file)
        var lines: [String] = ["file: \(name)",
                               "source: \(source.rawValue)" + (inferred ? " (its pattern \(config.sources[source]?.files ?? "") matches the name)" : ""),
                               "encoding: \(fingerprint.encoding.rawValue)", "sha256: \(fingerprint.sha256)"]
        var probe = fingerprint
        let registry = FileRegistry(db: db)
        if let known = try registry.entry(sha256: fingerprint.sha256) {
            lines.append("note: these exact bytes were already delivered as \(known.fileName) (\(known.status)); a run would skip them")
            lines.append("note: the findings below are for the file as a new delivery")
            // The registry keys files by hash; the rolled-back trial load needs a key of its own.
            probe = FileFingerprint(sha256: "validate:" + fingerprint.sha256, size: fingerprint.size, encoding: fingerprint.encoding)
        }
        var errors: [FileRejection] = []

        // The name: a snapshot needs an extraction date later than or equal to the newest loaded.
        var standIn: Day?
        if source.isSnapshot {
            let newest = try registry.newestExtraction(source: source)
            if let extraction = FieldValue.extractionDate(fileName: name) {
                if let newest, extraction < newest {
                    errors.append(FileRejection(file: name, reason: .snapshotOutOfOrder, detail: "extraction date \(extraction.iso) is older than the \(source.rawValue) snapshot of \(newest.iso) already loaded"))
                    standIn = newest + 1
                }
            } else {
                errors.append(FileRejection(file: name, reason: .noExtractionDate, detail: "a snapshot file needs its extraction date in its name (YYYY-MM-DD, DD-MM-YYYY or YYYYMMDD)"))
                standIn = newest.map { $0 + 1 } ?? Clock.today()
            }
        }

        // The header: every problem, not only the first.
        var headerProblems: [FileRejection] = []
        do {
            let header = try CSVReader(path: file, encoding: fingerprint.encoding).readHeader()
            headerProblems = problems(header: header, columns: columns(of: source, config: config), file: name)
        } catch let error as CSVError {
            headerProblems = [FileLoader.rejection(error, name)]
        }
        errors += headerProblems

        // The rows, through the real loader, unless the header stops them being read.
        if headerProblems.isEmpty {
            var reasons: [(String, Int)] = []
            var samples: [String] = []
            var afterReading: [FileRejection] = []
            var loader = FileLoader(db: db, config: config, persons: try PersonIndex(db: db), erased: [], runId: "validate")
            loader.inspect = { fileId, refusals in
                let quarantine = QuarantineStore(db: db)
                reasons = try quarantine.reasonCounts(fileId: fileId).map { ($0.reason, $0.count) }
                samples = try quarantine.firstRecords(fileId: fileId, limit: maxListed).map { record in
                    "  row \(record.rowNumber)" + (record.column.map { ", column \($0)" } ?? "") + ": \(record.reason)"
                        + (record.rawValue.map { " (value: \(QuarantineWriter.safeRawValue($0)))" } ?? "")
                }
                afterReading = refusals
            }
            let outcome: FileOutcome
            if let standIn {
                // The loader reads the date from the name: the rows are read under a stand-in name.
                let folder = NSTemporaryDirectory() + "outflow-validate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                guard mkdir(folder, FileAccess.ownerOnly.mode(.restrictedFolder)) == 0 else {
                    throw OutflowError(.cannotCreate, "\(folder): cannot create folder: \(String(cString: strerror(errno)))")
                }
                defer { try? FileManager.default.removeItem(atPath: folder) }
                let link = folder + "/validate_\(standIn.iso).csv"
                let target = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
                guard symlink(target, link) == 0 else {
                    throw OutflowError(.cannotCreate, "\(link): cannot create: \(String(cString: strerror(errno)))")
                }
                lines.append("note: the rows were read as if the file were dated \(standIn.iso)")
                outcome = try loader.load(path: link, source: source, fingerprint: probe)
            } else {
                outcome = try loader.load(path: file, source: source, fingerprint: probe)
            }
            lines.append("rows read: \(outcome.rowsRead)")
            lines.append("accepted: \(outcome.accepted)")
            lines.append("quarantined: \(outcome.quarantined)")
            for (reason, count) in reasons { lines.append("  \(reason): \(count)") }
            if !samples.isEmpty { lines.append("first quarantined rows:"); lines += samples }
            errors += afterReading
            // A file error while reading (a quote that never closes, ...) ends the load before the checks above.
            if let rejection = outcome.rejection, !afterReading.contains(where: { $0.reason == rejection.reason && $0.detail == rejection.detail }) {
                errors.append(rejection)
            }
        } else {
            lines.append("rows: not read (the header must be right first)")
        }

        if errors.isEmpty {
            lines.append("verdict: would load")
        } else {
            lines.append("file errors: \(errors.count)")
            for error in errors {
                lines.append("  \(error.reason.rawValue): " + (error.row.map { "row \($0): " } ?? "") + withheld(error.detail))
            }
            lines.append("verdict: refused (\(errors.count == 1 ? "1 file error" : "\(errors.count) file errors"))")
        }
        return ValidationFindings(wouldLoad: errors.isEmpty, text: lines.joined(separator: "\n") + "\n", fileErrors: errors.map(\.reason))
    }

    /// The source whose file pattern matches `name`, when exactly one does; otherwise a
    /// usage error naming the patterns.
    public static func source(forFileName name: String, config: PipelineConfig) throws -> SourceKind {
        let configured = SourceKind.allCases.compactMap { kind in config.sources[kind].map { (kind, $0.files) } }
        let matching = configured.filter { fnmatch($0.1, name, 0) == 0 }
        if matching.count == 1 { return matching[0].0 }
        let patterns = configured.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
        let what = matching.isEmpty ? "matches no source's file pattern" : "matches the patterns of \(matching.map(\.0.rawValue).joined(separator: " and "))"
        throw OutflowError(.usage, "\(name) \(what) (\(patterns)); give the source with --source NAME")
    }

    /// The contract's columns of a source.
    static func columns(of source: SourceKind, config: PipelineConfig) -> [ColumnSpec] {
        switch source {
        case .registrations: return RegistrationRows.columns(for: config)
        case .questionnaire: return QuestionnaireRows.columns(for: config)
        case .decisions: return DecisionRows.columns(for: config)
        case .family: return FamilyRows.columns(for: config)
        case .population: return PopulationRows.columns(for: config)
        }
    }

    /// Every problem of a header that `ColumnMapping` refuses a file for (it stops at the
    /// first): citizen-number columns, columns named twice, missing required columns.
    static func problems(header: [String], columns: [ColumnSpec], file: String) -> [FileRejection] {
        var problems: [FileRejection] = []
        var seen = Set<String>()
        var twice = Set<String>()
        for (i, name) in header.map({ $0.lowercased() }).enumerated() {
            if name == "bsn" || name.hasSuffix("_bsn") {
                problems.append(FileRejection(file: file, row: 1, reason: .citizenNumber, detail: "column '\(header[i])' is a citizen number (BSN) column; pseudonymise it first (outflow pseudonymise)"))
                continue
            }
            if !name.isEmpty, !seen.insert(name).inserted, twice.insert(name).inserted {
                problems.append(FileRejection(file: file, row: 1, reason: .duplicateColumn, detail: "column '\(header[i])' appears twice in the header"))
            }
        }
        for spec in columns where spec.required && !seen.contains(spec.name) {
            problems.append(FileRejection(file: file, row: 1, reason: .missingColumn, detail: "required column '\(spec.name)' is missing"))
        }
        return problems
    }

    /// `text` with every run of 8 or 9 digits that passes the elfproef withheld.
    static func withheld(_ text: String) -> String {
        var out = ""
        var digits = ""
        func flush() {
            if (8...9).contains(digits.count), Elfproef.isValid(String(repeating: "0", count: 9 - digits.count) + digits) {
                out += "(withheld)"
            } else {
                out += digits
            }
            digits = ""
        }
        for ch in text {
            if ch.isASCII && ch.isNumber { digits.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }
}
