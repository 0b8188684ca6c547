// The cohort marts (`mart_cohort_entry`, `mart_attrition`): what a run or report computed,
// for analysts who query the database directly (docs/schema.md). Every row carries the job
// (`run_id`) and cut-off (`as_of_day`) it was computed for. A job adds its rows in one
// transaction; once it has published, `prune` keeps only the rows of the job `latest` was
// built from (`v_latest_run`) and of the newest report for another cut-off, so a reader of
// `v_latest_cohort_entry` sees the old cohort or the new one, never a mix. Entries arrive
// as plain values; the analysis types stay out of the storage layer.

import OutflowCore

/// Writes and prunes the cohort marts.
package struct CohortMartStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    /// One row of `mart_cohort_entry`.
    package struct Entry {
        package var personId: Int
        package var role: Role
        package var groupId: String
        package var groupType: String
        package var organisation: String
        package var district: String?
        package var indexDay: Day
        package var indexYear: Int
        package var subjectCount: Int
        package var followUpEnd: Day
        /// Days from index to event or censoring.
        package var timeDays: Int
        package var eventDay: Day?
        package var censorReason: String?

        /// A row from its column values; `eventDay` nil for a censored entry.
        package init(personId: Int, role: Role, groupId: String, groupType: String, organisation: String, district: String?,
                     indexDay: Day, indexYear: Int, subjectCount: Int, followUpEnd: Day, timeDays: Int, eventDay: Day?,
                     censorReason: String?) {
            self.personId = personId
            self.role = role
            self.groupId = groupId
            self.groupType = groupType
            self.organisation = organisation
            self.district = district
            self.indexDay = indexDay
            self.indexYear = indexYear
            self.subjectCount = subjectCount
            self.followUpEnd = followUpEnd
            self.timeDays = timeDays
            self.eventDay = eventDay
            self.censorReason = censorReason
        }
    }

    /// Adds the rows of job `runId` (cut-off `asOf`) to both marts.
    @discardableResult
    package func add(runId: String, asOf: Day, entries: [Entry], attrition: [AttritionStep]) throws -> ClosedRange<Int>? {
        try add(runId: runId, asOf: asOf, count: entries.count, entry: { entries[$0] }, attrition: attrition)
    }

    /// Adds the rows of job `runId` (cut-off `asOf`) to both marts: `count` entries, the
    /// `i`th made by `entry(i)` as it is written, so a million cohort entries go in without
    /// an array of rows beside them (and without a generic sequence, whose every element
    /// would cost a metadata lookup across the module boundary).
    /// Returns the `entry_id`s the job's rows took (nil for none): one transaction appends
    /// them after every row already there, so they are one unbroken range.
    @discardableResult
    package func add(runId: String, asOf: Day, count: Int, entry: (Int) -> Entry, attrition: [AttritionStep]) throws -> ClosedRange<Int>? {
        try db.transaction {
            let before = try db.scalarInt("SELECT max(entry_id) FROM mart_cohort_entry") ?? 0
            let insert = BatchInsert<Entry>(db: db, head: """
                INSERT INTO mart_cohort_entry (person_id, role, group_id, group_type, organisation, district, index_day, index_year,
                    subject_count, follow_up_end, time_days, event, event_day, censor_reason, as_of_day, run_id) VALUES
                """, columns: 14, constants: [.int(asOf.julian), .text(runId)]) { e, s, o in
                try s.bind(e.personId, at: o + 1)
                try s.bind(e.role.rawValue, at: o + 2)
                try s.bind(e.groupId, at: o + 3)
                try s.bind(e.groupType, at: o + 4)
                try s.bind(e.organisation, at: o + 5)
                try s.bind(e.district, at: o + 6)
                try s.bind(e.indexDay.julian, at: o + 7)
                try s.bind(e.indexYear, at: o + 8)
                try s.bind(e.subjectCount, at: o + 9)
                try s.bind(e.followUpEnd.julian, at: o + 10)
                try s.bind(e.timeDays, at: o + 11)
                try s.bind(e.eventDay != nil ? 1 : 0, at: o + 12)
                try s.bind(e.eventDay?.julian, at: o + 13)
                try s.bind(e.censorReason, at: o + 14)
            }
            for i in 0..<count { try insert.add(entry(i)) }
            try insert.finish()
            let step = try db.prepare("""
                INSERT INTO mart_attrition (step, reason, entries, persons, excluded_entries, excluded_persons, as_of_day, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for s in attrition {
                try step.bind([.int(s.step), .text(s.reason), .int(s.entries), .int(s.persons), .int(s.excludedEntries), .int(s.excludedPersons),
                               .int(asOf.julian), .text(runId)])
                try step.run()
            }
            return count > 0 ? (before + 1)...(before + count) : nil
        }
    }

    /// The jobs whose mart rows are kept: the one `latest` was built from and the newest
    /// published report for another cut-off.
    private static let keptRuns = """
        SELECT run_id FROM v_latest_run
        UNION ALL
        SELECT run_id FROM (SELECT run_id FROM run_log WHERE status = 'published' AND target = 'reports'
                            ORDER BY started_at DESC, run_id DESC LIMIT 1)
        """

    /// Removes the mart rows of every other job (earlier nightlies and reports, failed jobs,
    /// rows from before schema version 8 that no job claims). A job that has just published
    /// passes the entry ids its rows took (`kept`): when no other row is left beside them (a
    /// first run, a night after a pruned one) the entry table is not scanned, which at a
    /// million entries is most of what pruning costs.
    package func prune(onlyOthersOf kept: ClosedRange<Int>? = nil) throws {
        try db.transaction {
            var tables = ["mart_cohort_entry", "mart_attrition"]
            if let kept, try db.scalarInt("""
                SELECT (SELECT count(*) FROM (SELECT 1 FROM mart_cohort_entry WHERE entry_id < ? LIMIT 1))
                     + (SELECT count(*) FROM (SELECT 1 FROM mart_cohort_entry WHERE entry_id > ? LIMIT 1))
                """, [.int(kept.lowerBound), .int(kept.upperBound)]) == 0 {
                tables.removeFirst()
            }
            for table in tables {
                try db.execute("DELETE FROM \(table) WHERE run_id IS NULL OR run_id NOT IN (\(Self.keptRuns))")
            }
        }
    }

    /// The jobs that have rows in `mart_cohort_entry`, with their cut-off, by run id.
    package func runs() throws -> [(runId: String, asOf: Day)] {
        try db.query("SELECT DISTINCT run_id, as_of_day FROM mart_cohort_entry WHERE run_id IS NOT NULL ORDER BY run_id") {
            ($0.string(0), Day(julian: $0.int(1)))
        }
    }
}
