// Rows of the family source (parent-child links from the population register, a snapshot
// source) and the insert into `stg_family`.

/// Loads parent-child links into `stg_family`.
struct FamilyRows: SourceRows {
    static let columns = [
        ColumnSpec("parent_pseudo_id", required: true), ColumnSpec("child_pseudo_id", required: true),
        ColumnSpec("child_birth_year"), ColumnSpec("key_id"),
    ]
    static let table = "stg_family"
    static let keyColumns = ["parent_id", "child_id"]

    let insert: Statement

    init(db: Database, config: PipelineConfig) throws {
        insert = try db.prepare("""
            INSERT INTO stg_family (file_id, parent_id, child_id, child_birth_year, row_hash, valid_from)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
    }

    func load(_ r: RecordView, _ context: inout LoadContext) throws {
        let parent = try r.pseudonym(0)!
        let child = try r.pseudonym(1)!
        if parent == child { throw r.reject(.outOfRange, 1) }
        let birthYear = try r.integer(2, in: 1900...(context.extractionDay?.year ?? 9999))
        try context.noteKeyId(r, column: 3)
        let parentId = try context.personId(parent, r, column: 0)
        let childId = try context.personId(child, r, column: 1)
        try context.claim(KeyFingerprint { $0.combine(parent); $0.combine(child) }, r, column: 1)

        var hash = RowHash()
        hash.add(parentId); hash.add(childId); hash.add(birthYear)
        try insert.bind(context.fileId, at: 1)
        try insert.bind(parentId, at: 2)
        try insert.bind(childId, at: 3)
        try insert.bind(birthYear, at: 4)
        try insert.bind(hash.signed, at: 5)
        try insert.bind(context.extractionDay?.julian, at: 6)
        try insert.run()
    }
}
