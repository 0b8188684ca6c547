// The SQLite layer: errors that say what was being done, transactions that roll back on
// throw, migrations recorded once (a version-3 database gains the inbox digests), and an
// owner-only WAL database.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowTestSupport

struct DatabaseTests {
    static func temporaryPath() -> String { NSTemporaryDirectory() + "outflow-db-" + UUID().uuidString + "/test.sqlite" }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let db = try Database(path: Self.temporaryPath())
        let error = try #require(throws: SQLiteError.self) {
            try db.run("INSERT INTO person (person_id, pseudo_id) VALUES (?, ?)", [.int(1), .null])
        }
        #expect(error.primaryCode == 19)
        #expect(error.description == "SQLite error 1299: NOT NULL constraint failed: person.pseudo_id - while executing `INSERT INTO person (person_id, pseudo_id) VALUES (?, ?)`")
    }

    @Test func transactionRollsBackOnThrowAndRethrowsTheFirstError() throws {
        struct Boom: Error {}
        let db = try Database(path: Self.temporaryPath())
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO person (person_id, pseudo_id) VALUES (1, 'a')")
                throw Boom()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM person") == 0)
        try db.transaction { try db.run("INSERT INTO person (person_id, pseudo_id) VALUES (1, 'a')") }
        #expect(try db.scalarInt("SELECT count(*) FROM person") == 1)
    }

    @Test func migrationsAreRecordedOnceAndTheFileIsPrivateWAL() throws {
        let path = Self.temporaryPath()
        do { _ = try Database(path: path) }
        let db = try Database(path: path)
        #expect(try db.query("SELECT version FROM schema_migration ORDER BY version") { $0.int(0) } == Migrations.all.map(\.version))
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aVersion3DatabaseGainsTheInboxDigestsAndThePopulationAndKeepsItsRegistry() throws {
        let path = Self.temporaryPath()
        do {
            let old = try Database(path: path, migrate: false)
            try old.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            for sql in [Schema.v1, Schema.v2, Schema.v3] { try old.execute(sql) }
            try old.execute("INSERT INTO schema_migration VALUES (1, 'v1', 'then'), (2, 'v2', 'then'), (3, 'v3', 'then')")
            try old.execute("INSERT INTO ingest_file (source, file_name, sha256, size_bytes, status, loaded_at) VALUES ('decisions', 'f', 'x', 1, 'loaded', 'then')")
        }
        let db = try Database(path: path)
        #expect(try db.query("SELECT version FROM schema_migration ORDER BY version") { $0.int(0) } == Migrations.all.map(\.version))
        #expect(try db.scalarInt("SELECT count(*) FROM inbox_file") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM stg_population") == 0)
        #expect(try db.query("SELECT name FROM ref_sex ORDER BY sex") { $0.string(0) } == ["M", "V", "X"])
        #expect(try db.scalarText("SELECT sha256 FROM ingest_file") == "x")
    }

    @Test func statementsAreReboundPerRow() throws {
        let db = try Database(path: Self.temporaryPath())
        let insert = try db.prepare("INSERT INTO person (person_id, pseudo_id) VALUES (?, ?)")
        for i in 1...3 {
            try insert.bind(i, at: 1)
            try insert.bind("p\(i)", at: 2)
            try insert.run()
        }
        #expect(try db.query("SELECT pseudo_id FROM person ORDER BY person_id") { $0.string(0) } == ["p1", "p2", "p3"])
    }

    @Test func daysAreJulianDayNumbersSQLiteUnderstands() throws {
        let db = try Database(path: Self.temporaryPath())
        let day = try #require(Day(parsing: "29-02-2024"))
        #expect(day.iso == "2024-02-29")
        #expect(try db.scalarText("SELECT date(?)", [.int(day.julian)]) == "2024-02-29")
        #expect(Day(parsing: "2023-02-29") == nil && Day(parsing: "2024-13-01") == nil && Day(parsing: "2024/01/01") == nil)
        #expect(Day(parsing: "2025-01-01")!.julian == 2_460_677)
    }
}
