// Rows of the decisions source (beschikkingen, a snapshot source): the contract of
// spec/inputs.md with the iJw product categories and change reasons, and the insert into
// `stg_decision`. Withdrawn rows (change reason 13) are accepted and kept here; the
// analysis leaves them out.

/// Loads decision rows into `stg_decision`.
struct DecisionRows: SourceRows {
    static let columns = [
        ColumnSpec("pseudo_id", required: true), ColumnSpec("decision_id", required: true),
        ColumnSpec("decision_date", required: true), ColumnSpec("start_date", required: true),
        ColumnSpec("end_date"), ColumnSpec("product_category", required: true),
        ColumnSpec("product_code"), ColumnSpec("provider"), ColumnSpec("municipality"),
        ColumnSpec("change_reason"), ColumnSpec("key_id"),
    ]
    static let table = "stg_decision"
    static let keyColumns = ["decision_id"]

    let insert: Statement

    init(db: Database, config: PipelineConfig) throws {
        insert = try db.prepare("""
            INSERT INTO stg_decision (file_id, person_id, decision_id, decision_day, start_day, end_day,
                product_category, product_code, provider, municipality, change_reason, row_hash, valid_from)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    func load(_ r: RecordView, _ context: inout LoadContext) throws {
        let pseudonym = try r.pseudonym(0)!
        let decisionId = try r.text(1, maxLength: 64)!
        let decisionDay = try r.day(2)!
        let start = try r.day(3)!
        let end = try r.day(4)
        if let end, end < start { throw r.reject(.outOfRange, 4) }
        let category = try r.code(5, digits: 2) { ProductCategory.meanings[$0] != nil }!
        let productCode = try r.text(6, maxLength: 64)
        let provider = try r.text(7, maxLength: 64)
        let municipality = try r.code(8, digits: 4) { $0 > 0 }.map { _ in r.raw(8) }
        let changeReason = try r.code(9, digits: 2) { (1...99).contains($0) }
        try context.noteKeyId(r, column: 10)
        let personId = try context.personId(pseudonym, r, column: 0)
        try context.claim(KeyFingerprint { $0.combine(decisionId) }, r, column: 1)

        var hash = RowHash()
        hash.add(personId); hash.add(decisionId); hash.add(decisionDay.julian); hash.add(start.julian)
        hash.add(end?.julian); hash.add(category); hash.add(productCode); hash.add(provider)
        hash.add(municipality); hash.add(changeReason)
        try insert.bind(context.fileId, at: 1)
        try insert.bind(personId, at: 2)
        try insert.bind(decisionId, at: 3)
        try insert.bind(decisionDay.julian, at: 4)
        try insert.bind(start.julian, at: 5)
        try insert.bind(end?.julian, at: 6)
        try insert.bind(category, at: 7)
        try insert.bind(productCode, at: 8)
        try insert.bind(provider, at: 9)
        try insert.bind(municipality, at: 10)
        try insert.bind(changeReason, at: 11)
        try insert.bind(hash.signed, at: 12)
        try insert.bind(context.extractionDay?.julian, at: 13)
        try insert.run()
    }
}
