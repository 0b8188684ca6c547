// The person table (`person`: each pseudonym once, with a dense integer id) and the erasure
// list (`erasure`: SHA-256 digests of erased pseudonyms). The loader keeps its own index of
// `person` in memory, reads the table once to build it, and inserts new persons in
// multi-row batches before the staged rows that refer to them. `person` has no index on
// `pseudo_id`: uniqueness is the in-memory index's job (docs/performance.md).

import OutflowCore

/// Reads of `person` and `erasure`, and the writer of new persons.
package struct PersonStore {
    package let db: Database

    /// The persons of the database `db`.
    package init(db: Database) {
        self.db = db
    }

    /// How many persons there are and the highest id in use (0 when there are none).
    package func extent() throws -> (count: Int, highestId: Int) {
        try db.query("SELECT count(*), coalesce(max(person_id), 0) FROM person") { row in
            (count: row.int(0), highestId: row.int(1))
        }[0]
    }

    /// Calls `body` with the id and the pseudonym's hex text of every person, in ascending
    /// order of id (the table's own order, so the sort is free); the bytes are valid only
    /// during the call, sparing a String per person.
    package func forEach(_ body: (_ id: Int, _ pseudonymHex: UnsafeBufferPointer<UInt8>) -> Void) throws {
        let select = try db.prepare("SELECT person_id, pseudo_id FROM person ORDER BY person_id")
        while let row = try select.step() {
            let id = row.int(PersonColumn.id)
            row.withBytes(PersonColumn.pseudonym) { body(id, $0) }
        }
    }

    /// Positions in the select of `forEach`, so a person is read by name.
    private enum PersonColumn {
        static let id = 0, pseudonym = 1
    }

    /// The SHA-256 (hex) of every pseudonym on the erasure list.
    package func erasedPseudonymDigests() throws -> Set<String> {
        Set(try db.query("SELECT pseudo_sha256 FROM erasure") { $0.string(0) })
    }

    /// A writer of new persons, 64 to a statement.
    package func inserter() -> PersonInserter { PersonInserter(db: db) }
}

/// Inserts new persons into `person` through multi-row statements.
package final class PersonInserter {
    private let batch: BatchInsert<(id: Int, pseudonym: String)>

    /// Prepares nothing yet: the statement is prepared with the first full batch.
    package init(db: Database) {
        batch = BatchInsert(db: db, head: "INSERT INTO person (person_id, pseudo_id) VALUES",
                            columns: 2, rowsPerStatement: 64) { person, statement, offset in
            try statement.bind(person.id, at: offset + 1)
            try statement.bind(person.pseudonym, at: offset + 2)
        }
    }

    /// Queues one person; a full batch is inserted at once.
    package func add(_ person: consuming (id: Int, pseudonym: String)) throws { try batch.add(person) }

    /// Inserts the persons still queued.
    package func finish() throws { try batch.finish() }
}
