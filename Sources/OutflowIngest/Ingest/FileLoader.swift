// Loading one delivery file: header mapping, the row loop that accepts or quarantines
// every row, the file-level checks, and the snapshot history update, all inside one
// IMMEDIATE transaction, so a refused or interrupted file leaves nothing behind.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// Loads one file of one source into the database.
package struct FileLoader {
    package let db: Database
    package let config: PipelineConfig
    package let persons: PersonIndex
    package let erased: Set<String>
    package let runId: String

    /// When set, the file's quarantine and every file error found after its rows were read
    /// are shown to `inspect`, and the whole load is rolled back (how `outflow validate`
    /// checks without loading, and lists all of a file's errors, not only the first).
    package var inspect: ((Int, [FileRejection]) throws -> Void)? = nil

    /// Bytes refused before, judged again: their registry row goes in the load's transaction,
    /// so a load replaces it; a second refusal updates it (`outflow retry`) or is recorded for
    /// the new name only (the same bytes delivered under another name).
    package enum Rejudging: Sendable {
        case retry(fileId: Int)
        case rename(fileId: Int)

        package var fileId: Int {
            switch self { case .retry(let id), .rename(let id): return id }
        }
    }
    package var rejudging: Rejudging? = nil

    /// File checks a retry was told to accept (`outflow retry --accept REASON`): skipped.
    package var accepting: Set<FileReason> = []

    /// Loads a new file while its fingerprint is still being computed. When the finished
    /// fingerprint says the bytes were delivered before, or that the file is not UTF-8, the
    /// load is rolled back and the file is skipped or read again as it should be.
    package func load(path: String, source: SourceKind, fingerprinting: Fingerprinting) throws -> FileOutcome {
        let pending: Background<FileFingerprint>
        switch fingerprinting {
        case .known(let fingerprint): return try load(path: path, source: source, fingerprint: fingerprint)
        case .pending(let running): pending = running
        }
        let size = InboxFileState(path: path)?.size ?? 0
        let provisional = FileFingerprint(sha256: "pending:\(getpid()):\(path)", size: size, encoding: .utf8)
        do {
            return try load(path: path, source: source, fingerprint: provisional, pending: pending)
        } catch let change as FingerprintChange {
            if let known = try FileRegistry(db: db).entry(sha256: change.fingerprint.sha256) {
                return known.skippedOutcome(as: (path as NSString).lastPathComponent, source: source)
            }
            return try load(path: path, source: source, fingerprint: change.fingerprint)
        }
    }

    /// Loads the file in one transaction.
    package func load(path: String, source: SourceKind, fingerprint: FileFingerprint, pending: Background<FileFingerprint>? = nil) throws -> FileOutcome {
        let name = (path as NSString).lastPathComponent
        var outcome = FileOutcome(source: source, fileName: name, sha256: fingerprint.sha256, status: .loaded)
        let personsBefore = persons.mark
        do {
            try db.transaction {
                if let rejudging { try FileRegistry(db: db).deleteRejected(fileId: rejudging.fileId) }
                outcome = try loadInTransaction(path: path, name: name, source: source, fingerprint: fingerprint, pending: pending)
                if inspect != nil { throw InspectionDone() }
            }
        } catch is InspectionDone {
            persons.rollBack(to: personsBefore)
        } catch let rejection as FileRejection {
            persons.rollBack(to: personsBefore)
            var recorded = fingerprint
            if let pending {
                recorded = try pending.wait()
                if try recorded.encoding != fingerprint.encoding || FileRegistry(db: db).entry(sha256: recorded.sha256) != nil {
                    throw FingerprintChange(fingerprint: recorded)
                }
            }
            outcome.sha256 = recorded.sha256
            outcome.status = .rejected
            outcome.error = rejection.description
            outcome.rejection = rejection
            (outcome.rowsRead, outcome.accepted, outcome.quarantined) = (rejection.rowsRead, rejection.accepted, rejection.quarantined)
            if inspect == nil {
                switch rejudging {
                case nil:
                    try FileRegistry(db: db).recordRejected(outcome, fingerprint: recorded, source: source,
                                                             extractionDay: FieldValue.extractionDate(fileName: name), runId: runId)
                case .retry(let fileId):
                    try FileRegistry(db: db).updateRejected(fileId: fileId, errorCode: rejection.reason.rawValue, error: rejection.description,
                                                             rowsRead: rejection.rowsRead, accepted: rejection.accepted, quarantined: rejection.quarantined)
                case .rename:
                    try RefusedNameStore(db: db).record(sha256: recorded.sha256, fileName: name, source: source,
                                                        errorCode: rejection.reason.rawValue, error: rejection.description, runId: runId)
                }
            }
        } catch {
            persons.rollBack(to: personsBefore)
            throw error
        }
        return outcome
    }

    private func loadInTransaction(path: String, name: String, source: SourceKind, fingerprint: FileFingerprint,
                                   pending: Background<FileFingerprint>?) throws -> FileOutcome {
        switch source {
        case .registrations: return try load(RegistrationRows.self, path: path, name: name, source: source, fingerprint: fingerprint, pending: pending)
        case .decisions: return try load(DecisionRows.self, path: path, name: name, source: source, fingerprint: fingerprint, pending: pending)
        case .family: return try load(FamilyRows.self, path: path, name: name, source: source, fingerprint: fingerprint, pending: pending)
        case .questionnaire: return try load(QuestionnaireRows.self, path: path, name: name, source: source, fingerprint: fingerprint, pending: pending)
        case .population: return try load(PopulationRows.self, path: path, name: name, source: source, fingerprint: fingerprint, pending: pending)
        }
    }

    private func load<Rows: SourceRows>(_ rowsType: Rows.Type, path: String, name: String, source: SourceKind,
                                        fingerprint: FileFingerprint, pending: Background<FileFingerprint>?) throws -> FileOutcome {
        let registry = FileRegistry(db: db)
        let extraction = FieldValue.extractionDate(fileName: name)
        let history = SnapshotStore(db: db, table: Rows.table)
        var superseding = false
        if source.isSnapshot {
            guard let extraction else {
                throw FileRejection(file: name, reason: .noExtractionDate, detail: "a snapshot file needs its extraction date in its name (YYYY-MM-DD, DD-MM-YYYY or YYYYMMDD)")
            }
            if let newest = try registry.newestExtraction(source: source) {
                if extraction < newest {
                    throw FileRejection(file: name, reason: .snapshotOutOfOrder, detail: "extraction date \(extraction.iso) is older than the \(source.rawValue) snapshot of \(newest.iso) already loaded")
                }
                superseding = extraction == newest
            }
        }
        let previousRows = source.isSnapshot ? try registry.previousSnapshotRows(source: source) : nil
        let previousColumns = source.isSnapshot ? try registry.previousSnapshotColumns(source: source) : nil
        // A corrected delivery of the same extraction date replaces the earlier snapshot.
        if superseding, let extraction {
            try history.removeSnapshot(day: extraction)
            try registry.markSuperseded(source: source, extractionDay: extraction)
        }
        // A later snapshot is compared with the current versions row by row; the first one of
        // a source has nothing to compare with and loads fastest without any index.
        let comparing = source.isSnapshot && (previousRows != nil || superseding)
        if source.isSnapshot && !comparing { try history.dropIndexes() }
        let match = comparing ? try history.startComparing() : nil
        let fileId = try registry.insertLoading(name: name, source: source, fingerprint: fingerprint, extractionDay: extraction, runId: runId)

        let reader = try openReader(path: path, name: name, encoding: fingerprint.encoding)
        let header = try readHeader(reader, name: name)
        let columns = Rows.columns(for: config)
        let mapping = try ColumnMapping(header: header, columns: columns, file: name)
        // The contract columns this file delivers; a snapshot must keep those its source's
        // previous snapshot had (a dropped optional column would silently change meanings).
        let delivered = zip(columns, mapping.fieldIndex).filter { $0.1 >= 0 }.map { $0.0.name }
        if let previousColumns, !accepting.contains(.columnDropped) {
            let dropped = previousColumns.columns.filter { column in columns.contains { $0.name == column } && !delivered.contains(column) }
            if !dropped.isEmpty {
                let names = dropped.map { "'\($0)'" }.joined(separator: ", ")
                throw FileRejection(file: name, row: 1, reason: .columnDropped,
                                    detail: "column\(dropped.count > 1 ? "s" : "") \(names) of the previous \(source.rawValue) snapshot (\(previousColumns.file)) \(dropped.count > 1 ? "are" : "is") missing; deliver \(dropped.count > 1 ? "them" : "it") (empty values are allowed), or, once the supplier confirms the change, run outflow retry --accept column_dropped")
            }
        }
        let rows = try Rows(db: db, fileId: fileId, validFrom: extraction?.julian, config: config)
        let parser = Rows.Parser(config: config)
        let view = Unchecked(RecordView(reader: reader, fieldIndex: mapping.fieldIndex, columns: columns))
        let context = ParseContext(fileId: fileId, extractionDay: extraction, persons: persons, erased: erased)
        var quarantine = try QuarantineWriter(db: db, fileId: fileId)
        let newPersons = PersonStore(db: db).inserter()
        var counts = (read: 0, accepted: 0, quarantined: 0, erased: 0)

        let summary = try RowPipeline.run(reader: reader, fileName: name, headerCount: header.count, context: context,
                                          parse: { try parser.parse(view.value, &$0) }) { batch in
            // Persons and rows moved out of the batch in order (it holds them last first).
            while let person = batch.newPersons.popLast() { try newPersons.add(person) }
            while let row = batch.rows.popLast() {
                switch consume row {
                case .accepted(let line, let values):
                    if let match, try rows.isCurrentVersion(values, in: match) {
                        counts.accepted += 1
                        continue
                    }
                    do {
                        try rows.insert(values, line: line)
                        counts.accepted += 1
                    } catch let rejection as RowRejection {
                        counts.quarantined += 1
                        try quarantine.add(row: line, rejection)
                    }
                case .rejected(let line, let rejection):
                    counts.quarantined += 1
                    if rejection.reason == .erased { counts.erased += 1 }
                    try quarantine.add(row: line, rejection)
                }
            }
        }
        try rows.finish()
        try newPersons.finish()
        counts.read = summary.rowsRead
        if var failure = summary.failure {
            (failure.rowsRead, failure.accepted, failure.quarantined) = (counts.read, counts.accepted, counts.quarantined)
            throw failure
        }

        var fingerprint = fingerprint
        if let pending {
            let actual = try pending.wait()
            if try actual.encoding != fingerprint.encoding || registry.entry(sha256: actual.sha256) != nil {
                throw FingerprintChange(fingerprint: actual)
            }
            try registry.setFingerprint(fileId: fileId, actual)
            fingerprint = actual
        }
        func refuse(_ reason: FileReason, _ detail: String) -> FileRejection {
            var rejection = FileRejection(file: name, reason: reason, detail: detail)
            (rejection.rowsRead, rejection.accepted, rejection.quarantined) = (counts.read, counts.accepted, counts.quarantined)
            return rejection
        }
        // Every file error, in this order; a load is refused with the first.
        var refusals: [FileRejection] = []
        for i in summary.citizenNumberColumns {
            refusals.append(refuse(.citizenNumber, "column '\(header[i])' holds what look like citizen numbers (BSN); raw citizen numbers must never be loaded"))
        }
        if counts.read == 0 {
            refusals.append(refuse(.noRows, "the file has no data rows"))
        } else {
            let rejectShare = Double(counts.quarantined - counts.erased) / Double(counts.read)
            if rejectShare > config.maxRejectShare && !accepting.contains(.tooManyRejects) {
                refusals.append(refuse(.tooManyRejects, "\(counts.quarantined - counts.erased) of \(counts.read) rows quarantined (\(Self.percent(rejectShare))), more than maxRejectShare \(Self.percent(config.maxRejectShare)); first: \(quarantine.first ?? "")"))
            }
        }
        let keyId = summary.keyIds.first
        if summary.keyIds.count > 1 {
            refusals.append(refuse(.keyMismatch, "rows carry different key ids (\(summary.keyIds.sorted().joined(separator: ", "))): the file mixes pseudonymisation keys"))
        } else if let keyId, let established = try registry.establishedKeyId(), established != keyId {
            refusals.append(refuse(.keyMismatch, "key_id \(keyId) differs from key_id \(established) of the files already loaded: pseudonyms under different keys cannot be linked"))
        }
        if let previousRows, Double(counts.accepted) < config.minSnapshotShare * Double(previousRows), !accepting.contains(.truncatedSnapshot) {
            refusals.append(refuse(.truncatedSnapshot, "\(counts.accepted) rows, fewer than minSnapshotShare \(Self.percent(config.minSnapshotShare)) of the previous \(source.rawValue) snapshot's \(previousRows) rows (a truncated extract?)"))
        }
        try inspect?(fileId, refusals)
        if let first = refusals.first { throw first }
        if let match, let extraction { try history.endUnmatched(day: extraction, matched: match) }
        try registry.finishLoading(fileId: fileId, read: counts.read, accepted: counts.accepted, quarantined: counts.quarantined,
                                   delimiter: reader.delimiter, keyId: keyId, unknownColumns: mapping.unknown)
        try registry.recordColumns(fileId: fileId, columns: delivered)
        return FileOutcome(source: source, fileName: name, sha256: fingerprint.sha256, status: .loaded,
                           rowsRead: counts.read, accepted: counts.accepted, quarantined: counts.quarantined)
    }

    // MARK: - Reading with file-level errors

    private func openReader(path: String, name: String, encoding: TextEncoding) throws -> CSVReader {
        do { return try CSVReader(path: path, encoding: encoding) } catch let error as CSVError {
            throw FileRejection(file: name, reason: .unreadable, detail: error.description)
        }
    }

    private func readHeader(_ reader: CSVReader, name: String) throws -> [String] {
        do { return try reader.readHeader() } catch let error as CSVError { throw Self.rejection(error, name) }
    }

    package static func rejection(_ error: CSVError, _ name: String) -> FileRejection {
        let reason: FileReason
        switch error.kind {
        case .unreadable: reason = .unreadable
        case .emptyFile: reason = .noHeader
        case .unterminatedQuote: reason = .unterminatedQuote
        case .fieldTooLarge: reason = .fieldTooLarge
        case .tooManyFields: reason = .tooManyFields
        }
        let detail = error.description.replacingOccurrences(of: "\(name): ", with: "").replacingOccurrences(of: "row \(error.row): ", with: "")
        return FileRejection(file: name, row: error.row, reason: reason, detail: detail)
    }

    package static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
}

/// Ends a dry-run load so its transaction rolls back.
private struct InspectionDone: Error {}

/// The finished fingerprint of a file loaded optimistically: its bytes are known already, or
/// it must be read in another encoding. The load rolls back.
private struct FingerprintChange: Error {
    let fingerprint: FileFingerprint
}
