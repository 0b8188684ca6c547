// What the cohort is built from, as plain values: participation episodes, parent-child
// links and care spells (the outcome's decisions) of the snapshot in force at the cut-off.
// `CohortInputs.load` reads them from the staging tables; the builder never touches SQL.

/// One participation episode of one person in one group.
public struct Episode: Sendable, Equatable {
    public var personId: Int
    public var groupId: String
    public var groupType: String
    public var organisation: String
    public var district: String?
    public var role: Role
    public var start: Day
    public var end: Day?
    public var birthYear: Int?

    public init(personId: Int, groupId: String, groupType: String, organisation: String, district: String? = nil,
                role: Role, start: Day, end: Day?, birthYear: Int? = nil) {
        self.personId = personId
        self.groupId = groupId
        self.groupType = groupType
        self.organisation = organisation
        self.district = district
        self.role = role
        self.start = start
        self.end = end
        self.birthYear = birthYear
    }
}

/// A linked child of a caregiver.
public struct Child: Sendable, Equatable {
    public var personId: Int
    public var birthYear: Int?
    public init(personId: Int, birthYear: Int?) {
        self.personId = personId
        self.birthYear = birthYear
    }
}

/// One decision in the outcome's categories (withdrawn rows already left out).
public struct CareSpell: Sendable, Equatable {
    public var start: Day
    public var end: Day?
    /// The outcome's event date: start date or decision date (methods.md section 4).
    public var eventDay: Day
    /// Change reason 04: care, but never an outflow event.
    public var isExtension: Bool

    public init(start: Day, end: Day?, eventDay: Day, isExtension: Bool = false) {
        self.start = start
        self.end = end
        self.eventDay = eventDay
        self.isExtension = isExtension
    }

    /// Active on at least one day of `[from, to)`.
    public func isActive(from: Day, before to: Day) -> Bool {
        start < to && (end == nil || end! >= from)
    }
}

/// Everything the cohort builder reads.
public struct CohortInputs: Sendable {
    /// Episodes of the registrations snapshot in force, including ones starting after the cut-off.
    public var episodes: [Episode]
    public var children: [Int: [Child]]
    public var care: [Int: [CareSpell]]

    public init(episodes: [Episode], children: [Int: [Child]] = [:], care: [Int: [CareSpell]] = [:]) {
        self.episodes = episodes
        self.children = children
        self.care = care
    }

    /// Reads the snapshot in force at `asOf` (validity columns) from the staging tables.
    public static func load(db: Database, config: PipelineConfig, asOf: Day) throws -> CohortInputs {
        let inForce = "valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"
        // Group types, organisations and districts repeat: one shared copy of each text.
        var texts: [String: String] = [:]
        func shared(_ text: String) -> String {
            if let known = texts[text] { return known }
            texts[text] = text
            return text
        }
        let episodeCount = try db.scalarInt("SELECT count(*) FROM stg_registration WHERE \(inForce)", [.int(asOf.julian)]) ?? 0
        let episodes = try db.query("""
            SELECT person_id, group_id, group_type, organisation, district, role, start_day, end_day, birth_year
            FROM stg_registration WHERE \(inForce)
            ORDER BY person_id, start_day, group_id
            """, [.int(asOf.julian)], expected: episodeCount) { row in
            Episode(personId: row.int(0), groupId: row.string(1), groupType: shared(row.string(2)), organisation: shared(row.string(3)),
                    district: row.text(4).map(shared), role: Role(rawValue: row.int(5)) ?? .opvoeder, start: Day(julian: row.int(6)),
                    end: row.optionalInt(7).map(Day.init(julian:)), birthYear: row.optionalInt(8))
        }
        var children: [Int: [Child]] = [:]
        let links = try db.prepare("""
            SELECT parent_id, child_id, child_birth_year FROM stg_family WHERE \(inForce) ORDER BY parent_id, child_id
            """)
        try links.bind([.int(asOf.julian)])
        while let row = try links.step() {
            children[row.int(0), default: []].append(Child(personId: row.int(1), birthYear: row.optionalInt(2)))
        }
        try db.execute("DROP TABLE IF EXISTS temp.subject; CREATE TEMP TABLE subject (person_id INTEGER PRIMARY KEY)")
        let addSubject = try db.prepare("INSERT OR IGNORE INTO temp.subject VALUES (?)")
        for episode in episodes {
            if episode.role == .jongere { try addSubject.bind([.int(episode.personId)]); try addSubject.run() }
            else { for child in children[episode.personId] ?? [] { try addSubject.bind([.int(child.personId)]); try addSubject.run() } }
        }
        let categories = config.outcome.productCategories.sorted().map(String.init).joined(separator: ",")
        let eventColumn = config.outcome.eventDate == .startDate ? "d.start_day" : "d.decision_day"
        var care: [Int: [CareSpell]] = [:]
        let spells = try db.prepare("""
            SELECT d.person_id, d.start_day, d.end_day, \(eventColumn), coalesce(d.change_reason, 0)
            FROM stg_decision d JOIN temp.subject s ON s.person_id = d.person_id
            WHERE d.valid_from <= ?1 AND (d.valid_to IS NULL OR d.valid_to > ?1)
              AND d.start_day <= ?1 AND d.product_category IN (\(categories))
              AND coalesce(d.change_reason, 0) <> \(ChangeReason.withdrawn)
            ORDER BY d.person_id, d.start_day, d.decision_id
            """)
        try spells.bind([.int(asOf.julian)])
        while let row = try spells.step() {
            care[row.int(0), default: []].append(CareSpell(start: Day(julian: row.int(1)), end: row.optionalInt(2).map(Day.init(julian:)),
                                                           eventDay: Day(julian: row.int(3)), isExtension: row.int(4) == ChangeReason.extension_))
        }
        try db.execute("DROP TABLE temp.subject")
        return CohortInputs(episodes: episodes, children: children, care: care)
    }
}
