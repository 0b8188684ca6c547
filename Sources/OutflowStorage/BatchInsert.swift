// Bulk inserts through multi-row `INSERT ... VALUES (...), (...)` statements: SQLite's
// per-statement work (reset, step, the VDBE's setup) is paid once per batch instead of once
// per row, which is most of what a load spends inside SQLite besides the B-tree itself.

import OutflowCore

/// Collects rows and inserts them `rowsPerStatement` at a time.
package final class BatchInsert<Values> {
    private let db: Database
    private let head: String
    private let tuple: String
    private let columns: Int
    private let rowsPerStatement: Int
    private let bind: (Values, Statement, Int) throws -> Void
    private var pending: [Values] = []
    private var full: Statement?

    /// `head` is `INSERT INTO t (a, b, c) VALUES`; `bind` binds one row's values at the given
    /// parameter offset (the first parameter of the row is `offset + 1`).
    package init(db: Database, head: String, columns: Int, rowsPerStatement: Int = 32,
         bind: @escaping (Values, Statement, Int) throws -> Void) {
        self.db = db
        self.head = head
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        self.bind = bind
        tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        pending.reserveCapacity(rowsPerStatement)
    }

    package func add(_ values: Values) throws {
        pending.append(values)
        if pending.count == rowsPerStatement {
            if full == nil { full = try statement(rows: rowsPerStatement) }
            try flush(into: full!)
        }
    }

    /// Inserts the rows still waiting.
    package func finish() throws {
        guard !pending.isEmpty else { return }
        try flush(into: try statement(rows: pending.count))
    }

    private func statement(rows: Int) throws -> Statement {
        try db.prepare(head + " " + Array(repeating: tuple, count: rows).joined(separator: ", "))
    }

    private func flush(into statement: Statement) throws {
        for (k, values) in pending.enumerated() { try bind(values, statement, k * columns) }
        try statement.run()
        pending.removeAll(keepingCapacity: true)
    }
}
