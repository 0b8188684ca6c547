// Writing one delivery's rows into staging. Snapshot rows go in through multi-row inserts
// (`BatchInsert`), prepared once per file and rebound for every batch, one concrete writer
// per table so the release build specializes the batch for its row type; questionnaire
// responses go in one at a time, because the table's unique key decides whether a response
// is a duplicate and the loader must know which row it was.

import OutflowCore

/// The writer of one file's rows into a snapshot staging table. Each table has its own
/// final class, so its batches are bound without generic dispatch on the hot path.
package protocol SnapshotStaging: AnyObject {
    /// The staged row the writer takes.
    associatedtype Row: SnapshotRow
    /// Queues one row; a full batch is inserted at once.
    func insert(_ row: consuming Row) throws
    /// Inserts the rows still queued.
    func finish() throws
}

extension BatchInsert where Values: StagedRow {
    /// A multi-row insert into the table of `Values`, every row of the file `fileId` with
    /// `validFrom`: `file_id`, the row's own columns, `valid_from`, as the table orders them.
    convenience init(db: Database, fileId: Int, validFrom: Int?) {
        let layout: [BatchInsert<Values>.Column] = [.shared(.int(fileId))] + Array(repeating: .row, count: Values.columnCount) + [.shared(validFrom.map { .int($0) } ?? .null)]
        self.init(db: db, head: Values.insertHead, layout: layout) { row, statement, offset in
            try row.bind(to: statement, at: offset)
        }
    }
}

/// Inserts one file's registrations into `stg_registration`.
package final class RegistrationStaging: SnapshotStaging {
    private let batch: BatchInsert<StagedRegistration>

    /// A writer for the file `fileId`, its rows valid from `validFrom`.
    package init(db: Database, fileId: Int, validFrom: Int?) { batch = BatchInsert(db: db, fileId: fileId, validFrom: validFrom) }
    /// Queues one registration.
    package func insert(_ row: consuming StagedRegistration) throws { try batch.add(row) }
    /// Inserts the registrations still queued.
    package func finish() throws { try batch.finish() }
}

/// Inserts one file's decisions into `stg_decision`.
package final class DecisionStaging: SnapshotStaging {
    private let batch: BatchInsert<StagedDecision>

    /// A writer for the file `fileId`, its rows valid from `validFrom`.
    package init(db: Database, fileId: Int, validFrom: Int?) { batch = BatchInsert(db: db, fileId: fileId, validFrom: validFrom) }
    /// Queues one decision.
    package func insert(_ row: consuming StagedDecision) throws { try batch.add(row) }
    /// Inserts the decisions still queued.
    package func finish() throws { try batch.finish() }
}

/// Inserts one file's parent-child links into `stg_family`.
package final class FamilyStaging: SnapshotStaging {
    private let batch: BatchInsert<StagedFamilyLink>

    /// A writer for the file `fileId`, its rows valid from `validFrom`.
    package init(db: Database, fileId: Int, validFrom: Int?) { batch = BatchInsert(db: db, fileId: fileId, validFrom: validFrom) }
    /// Queues one link.
    package func insert(_ row: consuming StagedFamilyLink) throws { try batch.add(row) }
    /// Inserts the links still queued.
    package func finish() throws { try batch.finish() }
}

/// Inserts one file's residents into `stg_population`.
package final class PopulationStaging: SnapshotStaging {
    private let batch: BatchInsert<StagedPopulation>

    /// A writer for the file `fileId`, its rows valid from `validFrom`.
    package init(db: Database, fileId: Int, validFrom: Int?) { batch = BatchInsert(db: db, fileId: fileId, validFrom: validFrom) }
    /// Queues one resident.
    package func insert(_ row: consuming StagedPopulation) throws { try batch.add(row) }
    /// Inserts the residents still queued.
    package func finish() throws { try batch.finish() }
}

/// Inserts questionnaire responses into `stg_questionnaire`, their answers packed by the
/// item positions of `ref_item`.
package final class QuestionnaireStaging {
    private let db: Database
    private let fileId: Int
    private let insertResponse: Statement
    /// The `ref_item` position (1-based) of each item, in the order the items were given.
    package let positions: [Int]

    /// Registers `items` in `ref_item` (an item seen before keeps its position) and prepares
    /// the insert for the file `fileId`.
    package init(db: Database, fileId: Int, items: [String]) throws {
        self.db = db
        self.fileId = fileId
        for item in items { try db.run("INSERT OR IGNORE INTO ref_item (item) VALUES (?)", [.text(item)]) }
        let known = Dictionary(uniqueKeysWithValues: try db.query("SELECT item, position FROM ref_item") { row in
            (row.string(0), row.int(1))
        })
        positions = items.map { known[$0]! }
        insertResponse = try db.prepare("""
            INSERT OR IGNORE INTO stg_questionnaire (file_id, person_id, group_id, role, wave, completed_day, answers)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Inserts one response with its packed answers; false when a response of the same
    /// person, wave and group is already staged (from this file or an earlier one).
    package func insert(personId: Int, groupId: String, role: Role, wave: Int, completed: Day, answers: String) throws -> Bool {
        try insertResponse.bind(fileId, at: 1)
        try insertResponse.bind(personId, at: 2)
        try insertResponse.bind(groupId, at: 3)
        try insertResponse.bind(role.rawValue, at: 4)
        try insertResponse.bind(wave, at: 5)
        try insertResponse.bind(completed.julian, at: 6)
        try insertResponse.bind(answers, at: 7)
        try insertResponse.run()
        return db.changes == 1
    }
}
