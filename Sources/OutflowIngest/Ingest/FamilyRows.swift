// Rows of the family source (parent-child links from the population register, a snapshot
// source): parsing and the insert into `stg_family`.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Parent-child link rows: parsing and the staging insert.
package struct FamilyRows: BatchedSourceRows {
    package static let columns = [
        ColumnSpec("parent_pseudo_id", required: true), ColumnSpec("child_pseudo_id", required: true),
        ColumnSpec("child_birth_year"), ColumnSpec("key_id"),
    ]
    package static let table = "stg_family"
    package static let keyColumns = ["parent_id", "child_id"]

    /// One checked link.
    package struct Values: Sendable {
        package var parentId: Int, childId: Int, birthYear: Int?, hash: Int
    }

    /// Checks one record against the contract.
    package struct Parser: RowParser {
        package init(config: PipelineConfig) {}

        package func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values {
            let parent = try r.pseudonym(0)!
            let child = try r.pseudonym(1)!
            if parent == child { throw r.reject(.outOfRange, 1) }
            let birthYear = try r.integer(2, in: 1900...(context.extractionDay?.year ?? 9999))
            try context.noteKeyId(r, column: 3)
            let parentId = try context.personId(parent, r, column: 0)
            let childId = try context.personId(child, r, column: 1)
            try context.claim(r, column: 1) { $0.append(parentId); $0.append(childId) }
            var hash = RowHash()
            hash.add(parentId); hash.add(childId); hash.add(birthYear)
            return Values(parentId: parentId, childId: childId, birthYear: birthYear, hash: hash.signed)
        }
    }

    package let batch: BatchInsert<Values>

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        batch = BatchInsert(db: db, head: """
            INSERT INTO stg_family (file_id, parent_id, child_id, child_birth_year, row_hash, valid_from) VALUES
            """, columns: 6) { v, s, o in
            try s.bind(fileId, at: o + 1)
            try s.bind(v.parentId, at: o + 2)
            try s.bind(v.childId, at: o + 3)
            try s.bind(v.birthYear, at: o + 4)
            try s.bind(v.hash, at: o + 5)
            try s.bind(validFrom, at: o + 6)
        }
    }

    package func versionKey(_ v: Values) -> (key: [SQLValue], hash: Int)? { ([.int(v.parentId), .int(v.childId)], v.hash) }
}
