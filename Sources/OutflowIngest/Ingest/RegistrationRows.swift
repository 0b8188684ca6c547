// Rows of the registrations source (group participation episodes, a snapshot source):
// the contract of spec/inputs.md (parsed on the reading thread) and the insert into
// `stg_registration` (on the SQLite thread).

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
    package static let table = "stg_registration"
    package static let keyColumns = ["person_id", "group_id", "start_day"]

    /// One checked registration row.
    package struct Values: Sendable {
        package var personId: Int, groupId: String, groupType: String, organisation: String, role: Role
        package var start: Day, end: Day?, endReason: EndReason?, birthYear: Int?, district: String?, hash: Int
    }

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

    package let batch: BatchInsert<Values>

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        batch = BatchInsert(db: db, head: """
            INSERT INTO stg_registration (file_id, person_id, group_id, group_type, organisation, role,
                start_day, end_day, end_reason, birth_year, district, row_hash, valid_from) VALUES
            """, columns: 13) { v, s, o in
            try s.bind(fileId, at: o + 1)
            try s.bind(v.personId, at: o + 2)
            try s.bind(v.groupId, at: o + 3)
            try s.bind(v.groupType, at: o + 4)
            try s.bind(v.organisation, at: o + 5)
            try s.bind(v.role.rawValue, at: o + 6)
            try s.bind(v.start.julian, at: o + 7)
            try s.bind(v.end?.julian, at: o + 8)
            try s.bind(v.endReason?.rawValue, at: o + 9)
            try s.bind(v.birthYear, at: o + 10)
            try s.bind(v.district, at: o + 11)
            try s.bind(v.hash, at: o + 12)
            try s.bind(validFrom, at: o + 13)
        }
    }

    package func versionKey(_ v: Values) -> (key: [SQLValue], hash: Int)? { ([.int(v.personId), .text(v.groupId), .int(v.start.julian)], v.hash) }
}
