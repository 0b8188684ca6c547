// Rows of the decisions source (beschikkingen, a snapshot source): the contract of
// spec/inputs.md with the iJw product categories and change reasons (parsed on the reading
// thread) and the insert into `stg_decision`. Withdrawn rows (change reason 13) are
// accepted and kept; the analysis leaves them out.

/// Decision rows: parsing and the staging insert.
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

    /// One checked decision row.
    struct Values: Sendable {
        var personId: Int, decisionId: String, decisionDay: Day, start: Day, end: Day?, category: Int
        var productCode: String?, provider: String?, municipality: String?, changeReason: Int?, hash: Int
    }

    /// Checks one record against the contract.
    struct Parser: RowParser {
        init(config: PipelineConfig) {}

        func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values {
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
            return Values(personId: personId, decisionId: decisionId, decisionDay: decisionDay, start: start, end: end,
                          category: category, productCode: productCode, provider: provider, municipality: municipality,
                          changeReason: changeReason, hash: hash.signed)
        }
    }

    let insert: Statement
    let fileId: Int
    let validFrom: Int?

    init(db: Database, fileId: Int, validFrom: Int?) throws {
        self.fileId = fileId
        self.validFrom = validFrom
        insert = try db.prepare("""
            INSERT INTO stg_decision (file_id, person_id, decision_id, decision_day, start_day, end_day,
                product_category, product_code, provider, municipality, change_reason, row_hash, valid_from)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    func insert(_ v: Values, line: Int) throws {
        try insert.bind(fileId, at: 1)
        try insert.bind(v.personId, at: 2)
        try insert.bind(v.decisionId, at: 3)
        try insert.bind(v.decisionDay.julian, at: 4)
        try insert.bind(v.start.julian, at: 5)
        try insert.bind(v.end?.julian, at: 6)
        try insert.bind(v.category, at: 7)
        try insert.bind(v.productCode, at: 8)
        try insert.bind(v.provider, at: 9)
        try insert.bind(v.municipality, at: 10)
        try insert.bind(v.changeReason, at: 11)
        try insert.bind(v.hash, at: 12)
        try insert.bind(validFrom, at: 13)
        try insert.run()
    }
}
