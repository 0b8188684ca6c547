// Snapshot history the way dbt snapshots keep it: a row version is valid from the
// extraction date it first appeared in (`valid_from`) until the extraction date it changed
// or disappeared (`valid_to`, NULL while current). A new snapshot is inserted whole with
// `valid_from` = its date; `close` then ends the versions it no longer contains and drops
// its copies of versions that did not change, so unchanged rows keep their first date.

/// Maintains the validity columns of one snapshot staging table.
struct SnapshotHistory {
    let db: Database
    let table: String
    let keyColumns: [String]

    /// Drops the table's indexes before a bulk load: building an index once after the load
    /// (in `close`) is far cheaper than updating it for every row.
    func dropIndexes() throws {
        let names = try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                                 [.text(table)]) { $0.string(0) }
        for name in names { try db.execute("DROP INDEX \(name)") }
    }

    private var sameKey: String {
        (keyColumns + ["row_hash"]).map { "n.\($0) = o.\($0)" }.joined(separator: " AND ")
    }

    /// Ends versions absent from the snapshot of `day` and removes the snapshot's duplicates
    /// of unchanged versions. The index on current versions it needs is built here, once the
    /// rows are in: only these two statements use it, and a bulk insert is faster without it.
    func close(day: Day) throws {
        let d = day.julian
        try db.execute("CREATE INDEX IF NOT EXISTS \(table)_current ON \(table) (\((keyColumns + ["row_hash"]).joined(separator: ", "))) WHERE valid_to IS NULL")
        try db.run("""
            UPDATE \(table) AS o SET valid_to = ?1
            WHERE o.valid_to IS NULL AND o.valid_from < ?1
              AND NOT EXISTS (SELECT 1 FROM \(table) AS n WHERE n.valid_to IS NULL AND n.valid_from = ?1 AND \(sameKey))
            """, [.int(d)])
        try db.run("""
            DELETE FROM \(table) AS n
            WHERE n.valid_to IS NULL AND n.valid_from = ?1
              AND EXISTS (SELECT 1 FROM \(table) AS o WHERE o.valid_to IS NULL AND o.valid_from < ?1 AND \(sameKey))
            """, [.int(d)])
    }

    /// Undoes the earlier snapshot of the same extraction date, which a corrected delivery replaces.
    func supersede(day: Day, registry: FileRegistry, source: SourceKind) throws {
        try db.run("DELETE FROM \(table) WHERE valid_from = ?", [.int(day.julian)])
        try db.run("UPDATE \(table) SET valid_to = NULL WHERE valid_to = ?", [.int(day.julian)])
        try registry.markSuperseded(source: source, extractionDay: day)
    }
}
