// Bulk inserts through multi-row `INSERT ... VALUES (...), (...)` statements: SQLite's
// per-statement work (reset, step, the VDBE's setup) is paid once per batch instead of once
// per row, which is most of what a load spends inside SQLite besides the B-tree itself.

import OutflowCore

/// Collects rows and inserts them `rowsPerStatement` at a time.
/// Used by the thread that owns the connection; `pending` and `full` are
/// `@exclusivity(unchecked)`: no access to one overlaps another, and the runtime's check on
/// every row added showed in the load's profile.
package final class BatchInsert<Values> {
    private let db: Database
    private let head: String
    private let columns: Int
    private let rowsPerStatement: Int
    private let bind: (Values, Statement, Int) throws -> Void
    @exclusivity(unchecked) private var pending: [Values] = []
    @exclusivity(unchecked) private var full: Statement?
    /// Values every row shares (the last columns of the insert), bound once per statement.
    private let constants: [SQLValue]

    /// `head` is `INSERT INTO t (a, b, c) VALUES`; `bind` binds one row's values at the given
    /// parameter offset (the first parameter of the row is `offset + 1`). `constants` are the
    /// values of the insert's last columns, the same in every row (a run id, a cut-off): each
    /// is one parameter that all rows of a statement refer to, bound when it is prepared.
    package init(db: Database, head: String, columns: Int, constants: [SQLValue] = [], rowsPerStatement: Int = 32,
         bind: @escaping (Values, Statement, Int) throws -> Void) {
        self.db = db
        self.head = head
        self.columns = columns
        self.constants = constants
        self.rowsPerStatement = rowsPerStatement
        self.bind = bind
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
        // Every parameter by number: the rows' first, row after row, then the constants, which
        // every row refers to (a bare `?` after a numbered one would count on from it).
        let shared = constants.indices.map { ", ?\(rows * columns + $0 + 1)" }.joined()
        let tuples = (0..<rows).map { row in
            "(" + (1...columns).map { "?\(row * columns + $0)" }.joined(separator: ", ") + shared + ")"
        }
        let statement = try db.prepare(head + " " + tuples.joined(separator: ", "))
        for (k, value) in constants.enumerated() {
            let index = rows * columns + k + 1
            switch value {
            case .null: try statement.bindNull(index)
            case .int(let v): try statement.bind(v, at: index)
            case .double(let v): try statement.bind(v, at: index)
            case .text(let v): try statement.bind(v, at: index)
            }
        }
        return statement
    }

    private func flush(into statement: Statement) throws {
        for (k, values) in pending.enumerated() { try bind(values, statement, k * columns) }
        try statement.run()
        pending.removeAll(keepingCapacity: true)
    }
}
