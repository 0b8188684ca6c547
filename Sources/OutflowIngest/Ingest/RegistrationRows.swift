// Rows of the registrations source (group participation episodes, a snapshot source):
// the contract of spec/inputs.md (parsed on the reading thread) and the hand-over to
// `RegistrationStaging`, which inserts into `stg_registration` (on the SQLite thread).

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Registration rows: parsing and the staging insert.
package struct RegistrationRows: BatchedSourceRows {
    package static let columns = [
        ColumnSpec("pseudo_id", required: true), ColumnSpec("group_id", required: true),
        ColumnSpec("group_type", required: true), ColumnSpec("organisation", required: true),
        ColumnSpec("role", required: true), ColumnSpec("start_date", required: true),
        ColumnSpec("end_date"), ColumnSpec("end_reason"), ColumnSpec("birth_year"),
        ColumnSpec("district"), ColumnSpec("key_id"),
    ]

    /// One checked registration row, as staged.
    package typealias Values = StagedRegistration

    /// Checks one record against the contract.
    package struct Parser: RowParser {
        package let groupTypes: CodeList
        package init(config: PipelineConfig) { groupTypes = CodeList(config.groupTypes) }
        package static let endReasons = CodeList(EndReason.allCases.map(\.name))

        package func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values {
            let pseudonym = try r.pseudonym(0)!
            let groupId = try r.text(1, maxLength: 64)!
            let groupType = groupTypes.names[try r.code(2, in: groupTypes)!]
            let organisation = try r.text(3)!
            let role = Role.allCases[try r.code(4, in: Role.codes)!]
            let start = try r.day(5)!
            let end = try r.day(6)
            if let end, end < start { throw r.reject(.outOfRange, 6) }
            let endReason = try r.code(7, in: Self.endReasons).map { EndReason.allCases[$0] }
            let birthYear = try r.integer(8, in: 1930...(context.extractionDay?.year ?? 9999))
            let district = try r.text(9)
            try context.noteKeyId(r, column: 10)
            let personId = try context.personId(pseudonym, r, column: 0)
            try context.claim(r, column: 0) { $0.append(personId); $0.append(groupId); $0.append(start.julian) }
            var hash = RowHash()
            hash.add(personId); hash.add(groupId); hash.add(groupType); hash.add(organisation); hash.add(role.rawValue)
            hash.add(start.julian); hash.add(end?.julian); hash.add(endReason?.rawValue); hash.add(birthYear); hash.add(district)
            return Values(personId: personId, groupId: groupId, groupType: groupType, organisation: organisation, role: role,
                          start: start, end: end, endReason: endReason, birthYear: birthYear, district: district, hash: hash.signed)
        }
    }

    /// The file's rows on their way into staging, in multi-row batches.
    package let staging: RegistrationStaging

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        staging = RegistrationStaging(db: db, fileId: fileId, validFrom: validFrom)
    }

    /// Looks the row's key and row hash up among the current versions.
    package func isCurrentVersion(_ v: Values, in match: VersionMatch) throws -> Bool { try match.matches(v) }
}
