// Rows of the registrations source (group participation episodes, a snapshot source):
// the contract of spec/inputs.md and the insert into `stg_registration`.

/// Loads registration rows into `stg_registration`.
struct RegistrationRows: SourceRows {
    static let columns = [
        ColumnSpec("pseudo_id", required: true), ColumnSpec("group_id", required: true),
        ColumnSpec("group_type", required: true), ColumnSpec("organisation", required: true),
        ColumnSpec("role", required: true), ColumnSpec("start_date", required: true),
        ColumnSpec("end_date"), ColumnSpec("end_reason"), ColumnSpec("birth_year"),
        ColumnSpec("district"), ColumnSpec("key_id"),
    ]
    static let table = "stg_registration"
    static let keyColumns = ["person_id", "group_id", "start_day"]

    let insert: Statement
    let groupTypes: [String]

    init(db: Database, config: PipelineConfig) throws {
        groupTypes = config.groupTypes
        insert = try db.prepare("""
            INSERT INTO stg_registration (file_id, person_id, group_id, group_type, organisation, role,
                start_day, end_day, end_reason, birth_year, district, row_hash, valid_from)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    func load(_ r: RecordView, _ context: inout LoadContext) throws {
        let pseudonym = try r.pseudonym(0)!
        let groupId = try r.text(1, maxLength: 64)!
        let groupType = try r.code(2, in: groupTypes)!
        let organisation = try r.text(3)!
        let role = try r.code(4, in: ["jongere", "opvoeder"]).flatMap(Role.init(name:))!
        let start = try r.day(5)!
        let end = try r.day(6)
        if let end, end < start { throw r.reject(.outOfRange, 6) }
        let endReason = try r.code(7, in: EndReason.allCases.map(\.name)).flatMap(EndReason.init(name:))
        let lastYear = context.extractionDay?.year ?? 9999
        let birthYear = try r.integer(8, in: 1930...lastYear)
        let district = try r.text(9)
        try context.noteKeyId(r, column: 10)
        let personId = try context.personId(pseudonym, r, column: 0)
        try context.claim(KeyFingerprint { $0.combine(pseudonym); $0.combine(groupId); $0.combine(start.julian) }, r, column: 0)

        var hash = RowHash()
        hash.add(personId); hash.add(groupId); hash.add(groupType); hash.add(organisation); hash.add(role.rawValue)
        hash.add(start.julian); hash.add(end?.julian); hash.add(endReason?.rawValue); hash.add(birthYear); hash.add(district)
        try insert.bind(context.fileId, at: 1)
        try insert.bind(personId, at: 2)
        try insert.bind(groupId, at: 3)
        try insert.bind(groupType, at: 4)
        try insert.bind(organisation, at: 5)
        try insert.bind(role.rawValue, at: 6)
        try insert.bind(start.julian, at: 7)
        try insert.bind(end?.julian, at: 8)
        try insert.bind(endReason?.rawValue, at: 9)
        try insert.bind(birthYear, at: 10)
        try insert.bind(district, at: 11)
        try insert.bind(hash.signed, at: 12)
        try insert.bind(context.extractionDay?.julian, at: 13)
        try insert.run()
    }
}
