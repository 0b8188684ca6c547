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

    /// A version-7 database with a published run, an older failed one, and their marts.
    static func version7Database(at path: String) throws {
        let old = try Database(path: path, migrate: false)
        try old.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        for (version, sql) in [Schema.v1, Schema.v2, Schema.v3, Schema.v4, Schema.v5, Schema.v6, Schema.v7].enumerated() {
            try old.execute(sql)
            try old.run("INSERT INTO schema_migration VALUES (?, 'old', 'then')", [.int(version + 1)])
        }
        try old.execute("""
            INSERT INTO run_log (run_id, command, started_at, finished_at, as_of_day, status, exit_status) VALUES
                ('20250301T014500Z', 'run', '2025-03-01T01:45:00Z', '2025-03-01T01:46:00Z', 2460735, 'published', 0),
                ('20250401T014500Z', 'report', '2025-04-01T01:45:00Z', '2025-04-01T01:46:00Z', 2460766, 'published', 0),
                ('20250402T014500Z', 'run', '2025-04-02T01:45:00Z', NULL, NULL, 'failed', 70);
            INSERT INTO mart_cohort_entry (person_id, role, group_id, group_type, organisation, index_day, index_year, subject_count,
                follow_up_end, time_days, event) VALUES (1, 1, 'G1', 'opvoedgroep', 'O', 2460600, 2024, 1, 2460766, 166, 0),
                (2, 1, 'G1', 'opvoedgroep', 'O', 2460600, 2024, 1, 2460766, 166, 0);
            INSERT INTO mart_attrition VALUES (1, 'started', 2, 2, 0, 0), (2, 'ended', 2, 2, 0, 0);
            """)
    }

    @Test func aVersion7DatabaseGainsMartsPerRunAndKeepsItsRows() throws {
        let path = Self.temporaryPath()
        try Self.version7Database(at: path)
        let db = try Database(path: path)
        #expect(try db.query("SELECT version FROM schema_migration ORDER BY version") { $0.int(0) } == Migrations.all.map(\.version))
        #expect(Migrations.all.last?.version == 8)
        // The rows there were belong to the newest published job, which moved latest then.
        #expect(try db.query("SELECT DISTINCT run_id, as_of_day, as_of FROM mart_cohort_entry") { "\($0.string(0)) \($0.int(1)) \($0.string(2))" } == ["20250401T014500Z 2460766 2025-03-31"])
        #expect(try db.query("SELECT step, reason, run_id FROM mart_attrition ORDER BY step") { "\($0.int(0)) \($0.string(1)) \($0.string(2))" }
                == ["1 started 20250401T014500Z", "2 ended 20250401T014500Z"])
        #expect(try db.query("SELECT run_id, target FROM run_log ORDER BY run_id") { "\($0.string(0)) \($0.text(1) ?? "NULL")" }
                == ["20250301T014500Z latest", "20250401T014500Z latest", "20250402T014500Z NULL"])
        #expect(try db.scalarText("SELECT as_of FROM v_latest_run") == "2025-03-31")
        #expect(try db.scalarInt("SELECT count(*) FROM v_latest_cohort_entry") == 2)
        #expect(try db.scalarInt("SELECT count(*) FROM v_latest_attrition") == 2)

        // A report for another cut-off adds its rows beside the nightly's; pruning keeps both.
        let marts = CohortMartStore(db: db)
        try db.execute("INSERT INTO run_log (run_id, command, started_at, status, target) VALUES ('20250403T090000Z', 'report', '2025-04-03T09:00:00Z', 'published', 'reports')")
        let entry = CohortMartStore.Entry(personId: 1, role: .jongere, groupId: "G1", groupType: "opvoedgroep", organisation: "O", district: nil,
                                          indexDay: Day(julian: 2460600), indexYear: 2024, subjectCount: 1, followUpEnd: Day(julian: 2460700),
                                          timeDays: 100, eventDay: nil, censorReason: "end_of_data")
        try marts.add(runId: "20250403T090000Z", asOf: Day(julian: 2460700), entries: [entry], attrition: [])
        try marts.add(runId: "20250402T014500Z", asOf: Day(julian: 2460700), entries: [entry, entry], attrition: [])   // the failed run's
        try marts.prune()
        #expect(try marts.runs().map { "\($0.runId) \($0.asOf.iso)" } == ["20250401T014500Z 2025-03-31", "20250403T090000Z 2025-01-24"])
        #expect(try db.scalarInt("SELECT count(*) FROM v_latest_cohort_entry") == 2)
    }

    /// A job's rows take one unbroken range of entry ids; pruning after it skips the scan of
    /// the entry table only when no other job's rows are left there, and prunes as ever else.
    @Test func pruningAfterAJobSkipsTheEntryTableOnlyWhenNothingElseIsThere() throws {
        let db = try Database(path: Self.temporaryPath())
        let marts = CohortMartStore(db: db)
        let entry = CohortMartStore.Entry(personId: 1, role: .jongere, groupId: "G1", groupType: "opvoedgroep", organisation: "O", district: nil,
                                          indexDay: Day(julian: 2460600), indexYear: 2024, subjectCount: 1, followUpEnd: Day(julian: 2460700),
                                          timeDays: 100, eventDay: nil, censorReason: "end_of_data")
        func publish(_ runId: String) throws {
            try db.run("INSERT INTO run_log (run_id, command, started_at, status, target) VALUES (?, 'run', ?, 'published', 'latest')",
                       [.text(runId), .text(runId)])
        }
        let step = AttritionStep(step: 1, reason: "started", entries: 3, persons: 3, excludedEntries: 0, excludedPersons: 0)
        // The first job: its rows alone; an attrition row of a failed job is still removed.
        let first = try marts.add(runId: "A", asOf: Day(julian: 2460700), entries: [entry, entry, entry], attrition: [step])
        try marts.add(runId: "failed", asOf: Day(julian: 2460700), entries: [], attrition: [step])
        #expect(first == 1...3)
        try publish("A")
        try marts.prune(onlyOthersOf: first)
        #expect(try db.scalarInt("SELECT count(*) FROM mart_cohort_entry WHERE run_id = 'A'") == 3)
        #expect(try db.query("SELECT run_id FROM mart_attrition") { $0.string(0) } == ["A"])
        // The next job's rows follow; the first job's are there too, so they are pruned.
        let second = try marts.add(runId: "B", asOf: Day(julian: 2460730), entries: [entry, entry], attrition: [])
        #expect(second == 4...5)
        try publish("B")
        try marts.prune(onlyOthersOf: second)
        #expect(try db.query("SELECT entry_id, run_id FROM mart_cohort_entry ORDER BY entry_id") { "\($0.int(0)) \($0.string(1))" } == ["4 B", "5 B"])
        #expect(try marts.add(runId: "C", asOf: Day(julian: 2460730), entries: [], attrition: []) == nil)
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
