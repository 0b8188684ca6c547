// Snapshot history the way dbt snapshots keep it: a row version is valid from the
// extraction date it first appeared in (`valid_from`) until the extraction date it changed
// or disappeared (`valid_to`, NULL while current). Each row of a new snapshot is looked up
// among the current versions as it loads: an identical version is only marked as still
// current (so it keeps its first date), anything else is inserted with `valid_from` = the
// new date; afterwards the versions nobody matched are ended. The matched versions are a
// bitmap of row ids in memory, not a table: marking one costs a bit, not a B-tree insert.
// Table and column names come from `StagingTable` alone; index names come from the
// database's own catalogue and are quoted.

import Foundation
import OutflowCore

/// Maintains the validity columns of one snapshot staging table.
package struct SnapshotStore {
    package let db: Database
    package let table: StagingTable

    /// The history of `table`.
    package init(db: Database, table: StagingTable) {
        self.db = db
        self.table = table
    }

    /// Drops the table's indexes before a bulk load: building an index once after the load
    /// is far cheaper than updating it for every row.
    package func dropIndexes() throws {
        let names = try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                                 [.text(table.rawValue)]) { $0.string(0) }
        for name in names { try db.execute("DROP INDEX \(Self.quoted(name))") }
    }

    /// Starts comparing a new snapshot with the current versions, row by row as it loads.
    package func startComparing() throws -> VersionMatch { try VersionMatch(db: db, table: table) }

    /// Ends every current version the snapshot of `day` did not match: it changed or vanished.
    package func endUnmatched(day: Day, matched: VersionMatch) throws {
        let current = try db.prepare("SELECT rowid FROM \(table.rawValue) WHERE valid_to IS NULL AND valid_from < ?")
        try current.bind(day.julian, at: 1)
        var unmatched: [Int] = []
        while let row = try current.step() {
            let rowid = row.int(0)
            if !matched.isMatched(rowid) { unmatched.append(rowid) }
        }
        let end = try db.prepare("UPDATE \(table.rawValue) SET valid_to = ? WHERE rowid = ?")
        for rowid in unmatched {
            try end.bind(day.julian, at: 1)
            try end.bind(rowid, at: 2)
            try end.run()
        }
    }

    /// Undoes the snapshot of `day`: its new versions go, and the versions it ended are
    /// current again (a corrected delivery of the same date replaces it).
    package func removeSnapshot(day: Day) throws {
        try db.run("DELETE FROM \(table.rawValue) WHERE valid_from = ?", [.int(day.julian)])
        try db.run("UPDATE \(table.rawValue) SET valid_to = NULL WHERE valid_to = ?", [.int(day.julian)])
    }

    /// An identifier as a quoted SQL name, so a name read from the catalogue cannot be
    /// taken for SQL.
    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Matches rows of a new snapshot against the current versions of its table, through the
/// index on current versions (built here, once the previous snapshot is in), and remembers
/// which row ids it matched.
package final class VersionMatch {
    private let table: StagingTable
    private let lookup: Statement
    /// Row ids are dense integers like person ids: one bit each.
    private var matched = PersonSet()

    /// Builds the index on the current versions of `table` when it is missing and prepares the lookup.
    package init(db: Database, table: StagingTable) throws {
        self.table = table
        let columns = table.keyColumns + ["row_hash"]
        try db.execute("CREATE INDEX IF NOT EXISTS \(table.rawValue)_current ON \(table.rawValue) (\(columns.joined(separator: ", "))) WHERE valid_to IS NULL")
        lookup = try db.prepare("SELECT rowid FROM \(table.rawValue) WHERE \(columns.map { "\($0) = ?" }.joined(separator: " AND ")) AND valid_to IS NULL")
    }

    /// True when a current version has exactly the key values and row hash of `row`; it is
    /// then marked as still current.
    package func matches<Row: SnapshotRow>(_ row: Row) throws -> Bool {
        assert(Row.table == table, "a \(Row.table.rawValue) row compared with \(table.rawValue)")
        lookup.reset()
        try row.bindVersion(to: lookup)
        guard let found = try lookup.step() else { return false }
        matched.insert(found.int(0))
        lookup.reset()
        return true
    }

    /// Whether the version with this row id was matched.
    package func isMatched(_ rowid: Int) -> Bool { matched.contains(rowid) }
}
