// An erasure request in the database (AVG): the person's rows leave every table that can
// hold them, quarantined rows naming the pseudonym go too, and the pseudonym's SHA-256
// joins the `erasure` list so later deliveries for the person are dropped. secure_delete
// overwrites the freed bytes, and `compact()` rewrites the file and empties the WAL so no
// old page keeps a copy. The pseudonym itself is never stored.

import OutflowCore

/// Erases persons and reads the erasure list.
package struct ErasureStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    /// What one erasure removed.
    package struct Outcome {
        /// Whether the pseudonym had a person id.
        package var personKnown = false
        /// Rows deleted per table, in the order they were deleted.
        package var removed: [(table: String, rows: Int)] = []
    }

    /// The tables holding a person's rows, each with the condition selecting them (`?1` the
    /// person id). Children go before `person`, the row every other one refers to.
    private static let personRows: [(table: String, condition: String)] = [
        ("stg_questionnaire", "person_id = ?1"),
        ("stg_registration", "person_id = ?1"),
        ("stg_decision", "person_id = ?1"),
        ("stg_family", "parent_id = ?1 OR child_id = ?1"),
        ("stg_population", "person_id = ?1 OR parent1_id = ?1 OR parent2_id = ?1"),
        ("mart_cohort_entry", "person_id = ?1"),
        ("person", "person_id = ?1"),
    ]

    /// Quarantined rows whose raw value is the pseudonym (`?1`, lowercase), in any case.
    private static let quarantineCondition = "lower(raw_value) = ?1"

    /// What `erase` would remove, counted without changing anything.
    package func preview(pseudonym: String) throws -> Outcome {
        var outcome = Outcome()
        try db.transaction(.deferred) {
            let id = try db.scalarInt("SELECT person_id FROM person WHERE pseudo_id = ?", [.text(pseudonym)])
            outcome.personKnown = id != nil
            if let id {
                for (table, condition) in Self.personRows {
                    outcome.removed.append((table, try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)", [.int(id)]) ?? 0))
                }
            }
            outcome.removed.append(("quarantine", try db.scalarInt("SELECT count(*) FROM quarantine WHERE \(Self.quarantineCondition)", [.text(pseudonym)]) ?? 0))
        }
        return outcome
    }

    /// When `digest` went on the erasure list, nil when it is not on it.
    package func listedAt(digest: String) throws -> String? {
        try db.scalarText("SELECT erased_at FROM erasure WHERE pseudo_sha256 = ?", [.text(digest)])
    }

    /// Removes the person with `pseudonym` (lowercase hex) in one transaction and lists
    /// `digest` (the pseudonym's SHA-256, hex) as erased now. Quarantined rows
    /// whose raw value is the pseudonym go even when the person was never linked.
    package func erase(pseudonym: String, digest: String) throws -> Outcome {
        var outcome = Outcome()
        try db.execute("PRAGMA secure_delete = ON")
        try db.transaction {
            let id = try db.scalarInt("SELECT person_id FROM person WHERE pseudo_id = ?", [.text(pseudonym)])
            outcome.personKnown = id != nil
            if let id {
                for (table, condition) in Self.personRows {
                    try db.run("DELETE FROM \(table) WHERE \(condition)", [.int(id)])
                    outcome.removed.append((table, db.changes))
                }
            }
            try db.run("DELETE FROM quarantine WHERE \(Self.quarantineCondition)", [.text(pseudonym)])
            outcome.removed.append(("quarantine", db.changes))
            try db.run("INSERT OR IGNORE INTO erasure (pseudo_sha256, erased_at) VALUES (?, ?)", [.text(digest), .text(Clock.timestamp())])
        }
        return outcome
    }

    /// Rewrites the database file without free pages and truncates the WAL, so deleted rows
    /// survive in neither.
    package func compact() throws {
        try db.execute("VACUUM")
        try db.checkpoint()
    }

    /// Persons on the erasure list.
    package func listedCount() throws -> Int {
        try db.scalarInt("SELECT count(*) FROM erasure") ?? 0
    }
}
