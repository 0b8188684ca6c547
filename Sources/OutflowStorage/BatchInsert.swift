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
    /// The insert's columns in the order `head` lists them.
    private let layout: [Column]

    /// One column of the insert: bound for each row, or one value all rows share (a file id,
    /// a run id, a cut-off), a single parameter every row of a statement refers to, bound
    /// when the statement is prepared.
    package enum Column {
        case row
        case shared(SQLValue)
    }

    /// `head` is `INSERT INTO t (a, b, c) VALUES`, listing the columns as `layout` has them;
    /// `bind` binds one row's own values (the `.row` columns, in order) at the given
    /// parameter offset (the first parameter of the row is `offset + 1`). A layout in the
    /// table's column order costs SQLite least: it builds each record without reordering.
    package init(db: Database, head: String, layout: [Column], rowsPerStatement: Int = 32,
                 bind: @escaping (Values, Statement, Int) throws -> Void) {
        self.db = db
        self.head = head
        self.layout = layout
        self.columns = layout.filter { if case .row = $0 { return true } else { return false } }.count
        self.rowsPerStatement = rowsPerStatement
        self.bind = bind
        pending.reserveCapacity(rowsPerStatement)
    }

    /// An insert of `columns` values per row followed by `constants`, the values of the
    /// insert's last columns that every row shares.
    package convenience init(db: Database, head: String, columns: Int, constants: [SQLValue] = [], rowsPerStatement: Int = 32,
                             bind: @escaping (Values, Statement, Int) throws -> Void) {
        self.init(db: db, head: head, layout: Array(repeating: .row, count: columns) + constants.map { .shared($0) },
                  rowsPerStatement: rowsPerStatement, bind: bind)
    }

    /// Queues one row; taking it (`consuming`) lets a caller that is done with it move it in.
    package func add(_ values: consuming Values) throws {
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
        // Every parameter by number: the rows' own first, row after row, then the shared ones,
        // which every row refers to (a bare `?` after a numbered one would count on from it).
        let tuples = (0..<rows).map { row in
            var own = row * columns, shared = rows * columns
            return "(" + layout.map { column -> String in
                switch column {
                case .row: own += 1; return "?\(own)"
                case .shared: shared += 1; return "?\(shared)"
                }
            }.joined(separator: ", ") + ")"
        }
        let statement = try db.prepare(head + " " + tuples.joined(separator: ", "))
        // The shared values, bound once: their parameters follow every row's own.
        var shared = rows * columns
        for case .shared(let value) in layout {
            shared += 1
            try statement.bind(value, at: shared)
        }
        return statement
    }

    private func flush(into statement: Statement) throws {
        // Each row bound in place: iterating the array would copy every row (retaining its texts).
        try pending.withUnsafeBufferPointer { rows in
            for k in rows.indices { try bind(rows[k], statement, k * columns) }
        }
        try statement.run()
        pending.removeAll(keepingCapacity: true)
    }
}
