// The typed rows of the snapshot staging tables and the fixed list of staging tables. The
// reading thread builds these plain values while it checks a delivery; the staging writers
// (`StagingStore.swift`) bind them, and only they know the columns they go into. Every table
// name in staging SQL comes from `StagingTable`, never from configuration or a file.

import OutflowCore

/// The staging tables a delivery loads into: the only table names staging SQL is built from.
package enum StagingTable: String, Sendable, CaseIterable {
    case registration = "stg_registration"
    case decision = "stg_decision"
    case family = "stg_family"
    case questionnaire = "stg_questionnaire"
    case population = "stg_population"

    /// The columns that identify a row across snapshot versions, in the order a
    /// `SnapshotRow` binds them (empty for the append-only questionnaire).
    package var keyColumns: [String] {
        switch self {
        case .registration: return ["person_id", "group_id", "start_day"]
        case .decision: return ["decision_id"]
        case .family: return ["parent_id", "child_id"]
        case .questionnaire: return []
        case .population: return ["person_id"]
        }
    }
}

/// A row a `StagingWriter` inserts with multi-row statements.
package protocol StagedRow: Sendable {
    /// The table the row goes into.
    static var table: StagingTable { get }
    /// `INSERT INTO table (columns) VALUES`, the head of the multi-row insert, its columns in
    /// the table's order: `file_id`, the row's own, `valid_from`.
    static var insertHead: String { get }
    /// How many parameters one row binds: every column of `insertHead` but the first and the
    /// last, `file_id` and `valid_from`, which belong to the writer (every row of a file shares them).
    static var columnCount: Int { get }
    /// Binds the row's own columns from parameter `offset + 1` on, in the order of `insertHead`.
    func bind(to statement: Statement, at offset: Int) throws
}

/// A row of a snapshot table, which a new snapshot compares with the current versions.
package protocol SnapshotRow: StagedRow {
    /// Binds the values of `table.keyColumns` from parameter 1 on, then the row hash.
    func bindVersion(to statement: Statement) throws
}

/// One checked registration (group participation episode) for `stg_registration`.
package struct StagedRegistration: Sendable {
    package var personId: Int, groupId: String, groupType: String, organisation: String, role: Role
    package var start: Day, end: Day?, endReason: EndReason?, birthYear: Int?, district: String?, hash: Int

    /// A registration with its row hash (the version comparison's fingerprint of every column).
    package init(personId: Int, groupId: String, groupType: String, organisation: String, role: Role,
                 start: Day, end: Day?, endReason: EndReason?, birthYear: Int?, district: String?, hash: Int) {
        self.personId = personId
        self.groupId = groupId
        self.groupType = groupType
        self.organisation = organisation
        self.role = role
        self.start = start
        self.end = end
        self.endReason = endReason
        self.birthYear = birthYear
        self.district = district
        self.hash = hash
    }
}

extension StagedRegistration: SnapshotRow {
    package static let table = StagingTable.registration
    package static let insertHead = """
        INSERT INTO stg_registration (file_id, person_id, group_id, group_type, organisation, role,
            start_day, end_day, end_reason, birth_year, district, row_hash, valid_from) VALUES
        """
    package static let columnCount = 11

    /// Binds the row's 11 columns after `o`.
    package func bind(to s: Statement, at o: Int) throws {
        try s.bind(personId, at: o + 1)
        try s.bind(groupId, at: o + 2)
        try s.bind(groupType, at: o + 3)
        try s.bind(organisation, at: o + 4)
        try s.bind(role.rawValue, at: o + 5)
        try s.bind(start.julian, at: o + 6)
        try s.bind(end?.julian, at: o + 7)
        try s.bind(endReason?.rawValue, at: o + 8)
        try s.bind(birthYear, at: o + 9)
        try s.bind(district, at: o + 10)
        try s.bind(hash, at: o + 11)
    }

    /// Binds the key columns and the row hash.
    package func bindVersion(to s: Statement) throws {
        try s.bind(personId, at: 1)
        try s.bind(groupId, at: 2)
        try s.bind(start.julian, at: 3)
        try s.bind(hash, at: 4)
    }
}

/// One checked youth-care decision (beschikking) for `stg_decision`.
package struct StagedDecision: Sendable {
    package var personId: Int, decisionId: String, decisionDay: Day, start: Day, end: Day?, category: Int
    package var productCode: String?, provider: String?, municipality: String?, changeReason: Int?, hash: Int

    /// A decision with its row hash (the version comparison's fingerprint of every column).
    package init(personId: Int, decisionId: String, decisionDay: Day, start: Day, end: Day?, category: Int,
                 productCode: String?, provider: String?, municipality: String?, changeReason: Int?, hash: Int) {
        self.personId = personId
        self.decisionId = decisionId
        self.decisionDay = decisionDay
        self.start = start
        self.end = end
        self.category = category
        self.productCode = productCode
        self.provider = provider
        self.municipality = municipality
        self.changeReason = changeReason
        self.hash = hash
    }
}

extension StagedDecision: SnapshotRow {
    package static let table = StagingTable.decision
    package static let insertHead = """
        INSERT INTO stg_decision (file_id, person_id, decision_id, decision_day, start_day, end_day,
            product_category, product_code, provider, municipality, change_reason, row_hash, valid_from) VALUES
        """
    package static let columnCount = 11

    /// Binds the row's 11 columns after `o`.
    package func bind(to s: Statement, at o: Int) throws {
        try s.bind(personId, at: o + 1)
        try s.bind(decisionId, at: o + 2)
        try s.bind(decisionDay.julian, at: o + 3)
        try s.bind(start.julian, at: o + 4)
        try s.bind(end?.julian, at: o + 5)
        try s.bind(category, at: o + 6)
        try s.bind(productCode, at: o + 7)
        try s.bind(provider, at: o + 8)
        try s.bind(municipality, at: o + 9)
        try s.bind(changeReason, at: o + 10)
        try s.bind(hash, at: o + 11)
    }

    /// Binds the key columns and the row hash.
    package func bindVersion(to s: Statement) throws {
        try s.bind(decisionId, at: 1)
        try s.bind(hash, at: 2)
    }
}

/// One checked parent-child link for `stg_family`.
package struct StagedFamilyLink: Sendable {
    package var parentId: Int, childId: Int, birthYear: Int?, hash: Int

    /// A link with its row hash (the version comparison's fingerprint of every column).
    package init(parentId: Int, childId: Int, birthYear: Int?, hash: Int) {
        self.parentId = parentId
        self.childId = childId
        self.birthYear = birthYear
        self.hash = hash
    }
}

extension StagedFamilyLink: SnapshotRow {
    package static let table = StagingTable.family
    package static let insertHead = """
        INSERT INTO stg_family (file_id, parent_id, child_id, child_birth_year, row_hash, valid_from) VALUES
        """
    package static let columnCount = 4

    /// Binds the row's 4 columns after `o`.
    package func bind(to s: Statement, at o: Int) throws {
        try s.bind(parentId, at: o + 1)
        try s.bind(childId, at: o + 2)
        try s.bind(birthYear, at: o + 3)
        try s.bind(hash, at: o + 4)
    }

    /// Binds the key columns and the row hash.
    package func bindVersion(to s: Statement) throws {
        try s.bind(parentId, at: 1)
        try s.bind(childId, at: 2)
        try s.bind(hash, at: 3)
    }
}

/// One checked resident (a child of the population register) for `stg_population`.
package struct StagedPopulation: Sendable {
    package var personId: Int, birthYear: Int, birthMonth: Int?, sex: Sex?, district: String?
    package var registeredFrom: Day?, registeredUntil: Day?, died: Day?, parent1Id: Int?, parent2Id: Int?, hash: Int

    /// A resident with its row hash (the version comparison's fingerprint of every column).
    package init(personId: Int, birthYear: Int, birthMonth: Int?, sex: Sex?, district: String?, registeredFrom: Day?,
                 registeredUntil: Day?, died: Day?, parent1Id: Int?, parent2Id: Int?, hash: Int) {
        self.personId = personId
        self.birthYear = birthYear
        self.birthMonth = birthMonth
        self.sex = sex
        self.district = district
        self.registeredFrom = registeredFrom
        self.registeredUntil = registeredUntil
        self.died = died
        self.parent1Id = parent1Id
        self.parent2Id = parent2Id
        self.hash = hash
    }
}

extension StagedPopulation: SnapshotRow {
    package static let table = StagingTable.population
    package static let insertHead = """
        INSERT INTO stg_population (file_id, person_id, birth_year, birth_month, sex, district, registered_from,
            registered_until, died_day, parent1_id, parent2_id, row_hash, valid_from) VALUES
        """
    package static let columnCount = 11

    /// Binds the row's 11 columns after `o`.
    package func bind(to s: Statement, at o: Int) throws {
        try s.bind(personId, at: o + 1)
        try s.bind(birthYear, at: o + 2)
        try s.bind(birthMonth, at: o + 3)
        try s.bind(sex?.rawValue, at: o + 4)
        try s.bind(district, at: o + 5)
        try s.bind(registeredFrom?.julian, at: o + 6)
        try s.bind(registeredUntil?.julian, at: o + 7)
        try s.bind(died?.julian, at: o + 8)
        try s.bind(parent1Id, at: o + 9)
        try s.bind(parent2Id, at: o + 10)
        try s.bind(hash, at: o + 11)
    }

    /// Binds the key column and the row hash.
    package func bindVersion(to s: Statement) throws {
        try s.bind(personId, at: 1)
        try s.bind(hash, at: 2)
    }
}
