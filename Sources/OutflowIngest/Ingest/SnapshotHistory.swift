// Snapshot history the way dbt snapshots keep it: a row version is valid from the
// extraction date it first appeared in (`valid_from`) until the extraction date it changed
// or disappeared (`valid_to`, NULL while current). Each row of a new snapshot is looked up
// among the current versions as it loads: an identical version is only marked as still
// current (so it keeps its first date), anything else is inserted with `valid_from` = the
// new date; afterwards the versions nobody matched are ended. The matched versions are a
// bitmap of row ids in memory, not a table: marking one costs a bit, not a B-tree insert.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Maintains the validity columns of one snapshot staging table.
package struct SnapshotHistory {
    package let db: Database
    package let table: String
    package let keyColumns: [String]

    /// Drops the table's indexes before a bulk load: building an index once after the load
    /// (in `close`) is far cheaper than updating it for every row.
    package func dropIndexes() throws {
        let names = try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                                 [.text(table)]) { $0.string(0) }
        for name in names { try db.execute("DROP INDEX \(name)") }
    }

    private var sameKey: String {
        (keyColumns + ["row_hash"]).map { "n.\($0) = o.\($0)" }.joined(separator: " AND ")
    }

    /// Starts comparing a new snapshot with the current versions, row by row as it loads.
    package func startComparing() throws -> VersionMatch { try VersionMatch(self) }

    /// Ends every current version the snapshot of `day` did not match: it changed or vanished.
    package func endUnmatched(day: Day, matched: VersionMatch) throws {
        let current = try db.prepare("SELECT rowid FROM \(table) WHERE valid_to IS NULL AND valid_from < ?")
        try current.bind(day.julian, at: 1)
        var unmatched: [Int] = []
        while let row = try current.step() {
            if !matched.isMatched(row.int(0)) { unmatched.append(row.int(0)) }
        }
        let end = try db.prepare("UPDATE \(table) SET valid_to = ? WHERE rowid = ?")
        for rowid in unmatched {
            try end.bind(day.julian, at: 1)
            try end.bind(rowid, at: 2)
            try end.run()
        }
    }

    /// Undoes the earlier snapshot of the same extraction date, which a corrected delivery replaces.
    package func supersede(day: Day, registry: FileRegistry, source: SourceKind) throws {
        try db.run("DELETE FROM \(table) WHERE valid_from = ?", [.int(day.julian)])
        try db.run("UPDATE \(table) SET valid_to = NULL WHERE valid_to = ?", [.int(day.julian)])
        try registry.markSuperseded(source: source, extractionDay: day)
    }
}

/// Matches rows of a new snapshot against the current versions of its table, through the
/// index on current versions (built here, once the previous snapshot is in), and remembers
/// which row ids it matched.
package final class VersionMatch {
    private let lookup: Statement
    /// Row ids are dense integers like person ids: one bit each.
    private var matched = PersonSet()

    package init(_ history: SnapshotHistory) throws {
        let db = history.db
        let columns = history.keyColumns + ["row_hash"]
        try db.execute("CREATE INDEX IF NOT EXISTS \(history.table)_current ON \(history.table) (\(columns.joined(separator: ", "))) WHERE valid_to IS NULL")
        lookup = try db.prepare("SELECT rowid FROM \(history.table) WHERE \(columns.map { "\($0) = ?" }.joined(separator: " AND ")) AND valid_to IS NULL")
    }

    /// True when a current version has exactly these key values and row hash; it is then
    /// marked as still current.
    package func matches(key: [SQLValue], hash: Int) throws -> Bool {
        lookup.reset()
        try lookup.bind(key + [.int(hash)])
        guard let row = try lookup.step() else { return false }
        matched.insert(row.int(0))
        lookup.reset()
        return true
    }

    /// Whether the version with this row id was matched.
    package func isMatched(_ rowid: Int) -> Bool { matched.contains(rowid) }
}
