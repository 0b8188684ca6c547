// Multi-row inserts with values every row shares: the shared values are numbered parameters
// bound once per statement, in full statements and in the shorter last one, at the end of
// the column list or anywhere in it.

import Foundation
import Testing
import OutflowCore
import OutflowStorage

struct BatchInsertTests {
    static func temporaryPath() -> String { NSTemporaryDirectory() + "outflow-batch-" + UUID().uuidString + "/test.sqlite" }

    @Test func sharedValuesReachEveryRowOfFullAndShortStatements() throws {
        let db = try Database(path: Self.temporaryPath())
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT, run TEXT, day INTEGER)")
        try db.transaction {
            let insert = BatchInsert<(Int, String?)>(db: db, head: "INSERT INTO t (a, b, run, day) VALUES", columns: 2,
                                                      constants: [.text("run-7"), .int(2460000)], rowsPerStatement: 4) { row, s, o in
                try s.bind(row.0, at: o + 1)
                try s.bind(row.1, at: o + 2)
            }
            for i in 1...10 { try insert.add((i, i % 3 == 0 ? nil : "r\(i)")) }   // two full statements and a short one
            try insert.finish()
        }
        let rows = try db.query("SELECT a, coalesce(b, '-'), run, day FROM t ORDER BY a") { "\($0.int(0)) \($0.string(1)) \($0.string(2)) \($0.int(3))" }
        #expect(rows == (1...10).map { "\($0) \($0 % 3 == 0 ? "-" : "r\($0)") run-7 2460000" })
    }

    @Test func withoutSharedValuesEveryColumnIsTheRows() throws {
        let db = try Database(path: Self.temporaryPath())
        try db.execute("CREATE TABLE t (a INTEGER, b INTEGER)")
        let insert = BatchInsert<Int>(db: db, head: "INSERT INTO t (a, b) VALUES", columns: 2, rowsPerStatement: 3) { v, s, o in
            try s.bind(v, at: o + 1)
            try s.bind(-v, at: o + 2)
        }
        for i in 1...5 { try insert.add(i) }
        try insert.finish()
        #expect(try db.scalarInt("SELECT sum(a) FROM t") == 15 && db.scalarInt("SELECT sum(b) FROM t") == -15)
    }

    @Test func sharedValuesAroundTheRowsOwnInTableOrder() throws {
        let db = try Database(path: Self.temporaryPath())
        try db.execute("CREATE TABLE t (file INTEGER, a INTEGER, b TEXT, valid INTEGER)")
        let insert = BatchInsert<(Int, String)>(db: db, head: "INSERT INTO t (file, a, b, valid) VALUES",
                                                 layout: [.shared(.int(7)), .row, .row, .shared(.null)], rowsPerStatement: 4) { row, s, o in
            try s.bind(row.0, at: o + 1)
            try s.bind(row.1, at: o + 2)
        }
        for i in 1...9 { try insert.add((i, "r\(i)")) }   // two full statements and a short one
        try insert.finish()
        let rows = try db.query("SELECT file, a, b, coalesce(valid, -1) FROM t ORDER BY a") { "\($0.int(0)) \($0.int(1)) \($0.string(2)) \($0.int(3))" }
        #expect(rows == (1...9).map { "7 \($0) r\($0) -1" })
    }
}
