// Rows of the family source (parent-child links from the population register, a snapshot
// source): parsing and the hand-over to `FamilyStaging` (`stg_family`).

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Parent-child link rows: parsing and the staging insert.
package struct FamilyRows: BatchedSourceRows {
    package static let columns = [
        ColumnSpec("parent_pseudo_id", required: true), ColumnSpec("child_pseudo_id", required: true),
        ColumnSpec("child_birth_year"), ColumnSpec("key_id"),
    ]

    /// One checked link, as staged.
    package typealias Values = StagedFamilyLink

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

    /// The file's rows on their way into staging, in multi-row batches.
    package let staging: FamilyStaging

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        staging = FamilyStaging(db: db, fileId: fileId, validFrom: validFrom)
    }

    /// Looks the row's key and row hash up among the current versions.
    package func isCurrentVersion(_ v: Values, in match: VersionMatch) throws -> Bool { try match.matches(v) }
}
