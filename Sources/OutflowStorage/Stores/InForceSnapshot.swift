// The snapshot staging tables (`stg_registration`, `stg_family`, `stg_decision`,
// `stg_population`) as they
// stood on a cut-off date: the row versions whose validity interval holds that day. The
// link stage streams a million rows through these scans, so each hands its rows to a
// closure one at a time, as a small typed value read straight from SQLite's row buffer;
// nothing is collected here. Person ids and days are range-checked as they are narrowed
// to 32 bits (`Row.personId(_:table:)`), so a bad value stops the run instead of wrapping.

import OutflowCore

/// Reads the snapshot tables in force at a cut-off date.
package struct InForceStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    /// The snapshot tables; SQL names a table only through this list.
    package enum Table: String, CaseIterable, Sendable {
        case registration = "stg_registration"
        case decision = "stg_decision"
        case family = "stg_family"
        case population = "stg_population"
    }

    /// A row version in force on day `?1`: valid from on or before it and not ended by it.
    private static let inForce = "valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"

    /// The largest person id of the `person` table (0 when empty): the bound of the bitmaps
    /// and counting sorts the link stage sizes up front.
    package func maxPersonId() throws -> Int {
        let statement = try db.prepare("SELECT max(person_id) AS person_id FROM person")
        guard let row = try statement.step(), !row.isNull(0) else { return 0 }
        return Int(try row.personId(0, table: "person"))
    }

    /// An upper bound on a table's rows, its largest rowid, which SQLite reads from the end
    /// of the table's B-tree without a scan: enough to reserve arrays once.
    package func rowCapacity(_ table: Table) throws -> Int {
        try db.scalarInt("SELECT coalesce(max(rowid), 0) FROM \(table.rawValue)") ?? 0
    }

    // MARK: - Registrations

    /// A registration episode in force, valid only inside the closure it is handed to. The
    /// group's texts are read on demand: most episodes share their group's texts with an
    /// episode seen before, and comparing in place spares making Strings for them.
    package struct Registration {
        private let row: Row
        package let personId: Int32
        /// The `role` code (1 jongere, 2 opvoeder); unknown codes are passed on as they are.
        package let role: Int
        package let start: Day
        package let end: Day?
        package let birthYear: Int?
        /// The `end_reason` code (1-4), nil when not delivered.
        package let endReason: Int?

        fileprivate init(_ row: Row) throws {
            self.row = row
            personId = try row.personId(0, table: Table.registration.rawValue)
            role = row.int(5)
            start = try row.day(6, table: Table.registration.rawValue)
            end = try row.optionalDay(7, table: Table.registration.rawValue)
            birthYear = row.optionalInt(8)
            endReason = row.optionalInt(9)
        }

        package var groupId: String { row.string(1) }
        package var groupType: String { row.string(2) }
        package var organisation: String { row.string(3) }
        package var district: String? { row.text(4) }
        /// Whether the group type is exactly `text`, without making a String.
        package func groupTypeEquals(_ text: String) -> Bool { row.textEquals(2, text) }
        /// Whether the organisation is exactly `text`, without making a String.
        package func organisationEquals(_ text: String) -> Bool { row.textEquals(3, text) }
    }

    /// Hands every registration episode in force at `asOf` to `body`, in table order.
    package func registrations(asOf: Day, _ body: (Registration) throws -> Void) throws {
        let statement = try db.prepare("""
            SELECT person_id, group_id, group_type, organisation, district, role, start_day, end_day, birth_year, end_reason
            FROM stg_registration WHERE \(Self.inForce)
            """)
        try statement.bind(asOf.julian, at: 1)
        while let row = try statement.step() { try body(try Registration(row)) }
    }

    // MARK: - Family links

    /// A parent-child link in force.
    package struct FamilyLink {
        package var parentId: Int32
        package var childId: Int32
        package var childBirthYear: Int?
    }

    /// Hands every family link in force at `asOf` to `body`, in table order.
    package func familyLinks(asOf: Day, _ body: (FamilyLink) throws -> Void) throws {
        let table = Table.family.rawValue
        let statement = try db.prepare("SELECT parent_id, child_id, child_birth_year FROM stg_family WHERE \(Self.inForce)")
        try statement.bind(asOf.julian, at: 1)
        while let row = try statement.step() {
            try body(FamilyLink(parentId: try row.personId(0, table: table), childId: try row.personId(1, table: table),
                                childBirthYear: row.optionalInt(2)))
        }
    }

    // MARK: - Population

    /// A resident of the population source in force, valid only inside the closure it is
    /// handed to; the district is read on demand.
    package struct Resident {
        private let row: Row
        package let personId: Int32
        package let birthYear: Int
        /// 1-12, nil when not delivered.
        package let birthMonth: Int?
        /// The `sex` code (1 M, 2 V, 3 X), nil when not delivered.
        package let sex: Int?
        package let registeredFrom: Day?
        package let registeredUntil: Day?
        package let died: Day?
        package let parent1Id: Int32?
        package let parent2Id: Int32?

        fileprivate init(_ row: Row) throws {
            let table = Table.population.rawValue
            self.row = row
            personId = try row.personId(0, table: table)
            birthYear = row.int(1)
            birthMonth = row.optionalInt(2)
            sex = row.optionalInt(3)
            registeredFrom = try row.optionalDay(5, table: table)
            registeredUntil = try row.optionalDay(6, table: table)
            died = try row.optionalDay(7, table: table)
            parent1Id = row.isNull(8) ? nil : try row.personId(8, table: table)
            parent2Id = row.isNull(9) ? nil : try row.personId(9, table: table)
        }

        package var district: String? { row.text(4) }
    }

    /// Hands every resident of the population snapshot in force at `asOf` to `body`, in table order.
    package func residents(asOf: Day, _ body: (Resident) throws -> Void) throws {
        let statement = try db.prepare("""
            SELECT person_id, birth_year, birth_month, sex, district, registered_from, registered_until, died_day,
                   parent1_id, parent2_id
            FROM stg_population WHERE \(Self.inForce)
            """)
        try statement.bind(asOf.julian, at: 1)
        while let row = try statement.step() { try body(try Resident(row)) }
    }

    // MARK: - Decisions

    /// A decision in force, with the first day of its row version (its snapshot's extraction day).
    package struct Decision {
        package var personId: Int32
        package var decisionDay: Day
        package var start: Day
        package var end: Day?
        package var productCategory: Int
        /// The change reason code, 0 when none was given.
        package var changeReason: Int
        package var validFrom: Day
    }

    /// Hands every decision in force at `asOf` to `body`, in table order.
    package func decisions(asOf: Day, _ body: (Decision) throws -> Void) throws {
        let table = Table.decision.rawValue
        let statement = try db.prepare("""
            SELECT person_id, decision_day, start_day, end_day, product_category, coalesce(change_reason, 0), valid_from
            FROM stg_decision WHERE \(Self.inForce)
            """)
        try statement.bind(asOf.julian, at: 1)
        while let row = try statement.step() {
            try body(Decision(personId: try row.personId(0, table: table), decisionDay: try row.day(1, table: table),
                              start: try row.day(2, table: table), end: try row.optionalDay(3, table: table),
                              productCategory: row.int(4), changeReason: row.int(5), validFrom: try row.day(6, table: table)))
        }
    }

    // MARK: - Snapshot changes

    /// Row versions of `table` that began and that ended on `day` (a snapshot's extraction
    /// day), counted in one scan.
    package func versionChanges(_ table: Table, on day: Int) throws -> (started: Int, ended: Int) {
        try db.query("SELECT total(valid_from = ?1), total(valid_to = ?1) FROM \(table.rawValue)", [.int(day)]) {
            (Int($0.double(0)), Int($0.double(1)))
        }.first ?? (0, 0)
    }
}
