// The cohort marts (`mart_cohort_entry`, `mart_attrition`): what the last run computed,
// for analysts who query the database directly (docs/schema.md). Each run replaces both in
// one transaction, so a reader sees the old cohort or the new one, never a mix. Entries
// arrive as plain values; the analysis types stay out of the storage layer.

import OutflowCore

/// Replaces the cohort marts.
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

    /// Replaces both marts with `entries` and `attrition`. `entries` is read once, front to
    /// back, so a lazy view of the cohort is written without an array of rows beside it.
    package func replace(entries: some Sequence<Entry>, attrition: [AttritionStep]) throws {
        try db.transaction {
            try db.execute("DELETE FROM mart_cohort_entry; DELETE FROM mart_attrition;")
            let insert = BatchInsert<Entry>(db: db, head: """
                INSERT INTO mart_cohort_entry (person_id, role, group_id, group_type, organisation, district, index_day, index_year,
                    subject_count, follow_up_end, time_days, event, event_day, censor_reason) VALUES
                """, columns: 14) { e, s, o in
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
            for e in entries { try insert.add(e) }
            try insert.finish()
            let step = try db.prepare("INSERT INTO mart_attrition VALUES (?, ?, ?, ?, ?, ?)")
            for s in attrition {
                try step.bind([.int(s.step), .text(s.reason), .int(s.entries), .int(s.persons), .int(s.excludedEntries), .int(s.excludedPersons)])
                try step.run()
            }
        }
    }
}
