// The link stage: one scan of each staging table's rows in force at the cut-off, joined on
// the integer person ids the loader gave every pseudonym. It yields the cohort's inputs
// and, counted on the way, the per-source figures the audit reports, so no table is read
// twice. Persons are sets of small integers (bitmaps), values are grouped per person.

/// What the scans counted for the audit.
public struct SourceFacts: Sendable {
    /// Rows in force and distinct persons of one source.
    public struct Counts: Sendable, Equatable {
        public var rows = 0
        public var persons = 0
    }

    public var registrations = Counts()
    public var decisions = Counts()
    public var family = Counts()
    /// Persons with at least one decision in force (any category).
    public var inDecisions = PersonSet()
    /// Decisions in force by product category.
    public var decisionsByCategory: [Int: Int] = [:]
    public var withdrawn = 0
    public var extensions = 0
    /// Decisions in force whose decision or start date lies after their snapshot's extraction date.
    public var datedAfterExtraction = 0
}

/// The cohort's inputs and the audit's source figures for one cut-off date.
public struct LinkedSources: Sendable {
    public var inputs: CohortInputs
    public var facts: SourceFacts

    static let inForce = "valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"

    /// Reads the snapshot in force at `asOf` (validity columns) from the staging tables.
    public static func load(db: Database, config: PipelineConfig, asOf: Day) throws -> LinkedSources {
        let a = [SQLValue.int(asOf.julian)]
        let maxId = try db.scalarInt("SELECT max(person_id) FROM person") ?? 0
        var facts = SourceFacts()

        // Group types, organisations and districts repeat: one shared copy of each text.
        var texts: [String: String] = [:]
        func shared(_ text: String) -> String {
            if let known = texts[text] { return known }
            texts[text] = text
            return text
        }
        let episodeCount = try db.scalarInt("SELECT count(*) FROM stg_registration WHERE \(inForce)", a) ?? 0
        let episodes = try db.query("""
            SELECT person_id, group_id, group_type, organisation, district, role, start_day, end_day, birth_year
            FROM stg_registration WHERE \(inForce)
            ORDER BY person_id, start_day, group_id
            """, a, expected: episodeCount) { row in
            Episode(personId: row.int(0), groupId: row.string(1), groupType: shared(row.string(2)), organisation: shared(row.string(3)),
                    district: row.text(4).map(shared), role: Role(rawValue: row.int(5)) ?? .opvoeder, start: Day(julian: row.int(6)),
                    end: row.optionalInt(7).map(Day.init(julian:)), birthYear: row.optionalInt(8))
        }
        facts.registrations.rows = episodes.count
        facts.registrations.persons = zip(episodes, episodes.dropFirst()).reduce(episodes.isEmpty ? 0 : 1) { $0 + ($1.0.personId != $1.1.personId ? 1 : 0) }

        var links: [(person: Int, value: Child)] = []
        var linked = PersonSet(maxId: maxId)
        let family = try db.prepare("SELECT parent_id, child_id, child_birth_year FROM stg_family WHERE \(inForce)")
        try family.bind(a)
        while let row = try family.step() {
            links.append((row.int(0), Child(personId: row.int(1), birthYear: row.optionalInt(2))))
            linked.insert(row.int(0))
            linked.insert(row.int(1))
        }
        facts.family = SourceFacts.Counts(rows: links.count, persons: linked.count)
        let children = PersonGroups(links.sorted { ($0.person, $0.value.personId) < ($1.person, $1.value.personId) })
        links = []

        // The persons whose decisions can count: youth participants and caregivers' children.
        var subjects = PersonSet(maxId: maxId)
        for e in episodes {
            if e.role == .jongere { subjects.insert(e.personId) } else { for child in children[e.personId] { subjects.insert(child.personId) } }
        }
        let categories = config.outcome.productCategories
        let byStart = config.outcome.eventDate == .startDate
        var spells: [(person: Int, value: CareSpell)] = []
        var inDecisions = PersonSet(maxId: maxId)
        var byCategory = [Int](repeating: 0, count: 100)
        let decisions = try db.prepare("""
            SELECT person_id, decision_day, start_day, end_day, product_category, coalesce(change_reason, 0), valid_from
            FROM stg_decision WHERE \(inForce)
            """)
        try decisions.bind(a)
        while let row = try decisions.step() {
            let person = row.int(0), decided = row.int(1), start = row.int(2), category = row.int(4), reason = row.int(5)
            facts.decisions.rows += 1
            inDecisions.insert(person)
            byCategory[min(max(category, 0), 99)] += 1
            if reason == ChangeReason.withdrawn { facts.withdrawn += 1 }
            if reason == ChangeReason.extension_ { facts.extensions += 1 }
            if decided > row.int(6) || start > row.int(6) { facts.datedAfterExtraction += 1 }
            guard start <= asOf.julian, reason != ChangeReason.withdrawn, categories.contains(category), subjects.contains(person) else { continue }
            spells.append((person, CareSpell(start: Day(julian: start), end: row.optionalInt(3).map(Day.init(julian:)),
                                             eventDay: Day(julian: byStart ? start : decided), isExtension: reason == ChangeReason.extension_)))
        }
        facts.decisions.persons = inDecisions.count
        facts.inDecisions = inDecisions
        facts.decisionsByCategory = Dictionary(uniqueKeysWithValues: byCategory.enumerated().filter { $0.element > 0 })
        // Within a person, spells in a fixed order whatever order the table returned them in.
        spells.sort { a, b in
            (a.person, a.value.start.julian, a.value.eventDay.julian, a.value.end?.julian ?? Int.max, a.value.isExtension ? 1 : 0)
                < (b.person, b.value.start.julian, b.value.eventDay.julian, b.value.end?.julian ?? Int.max, b.value.isExtension ? 1 : 0)
        }
        return LinkedSources(inputs: CohortInputs(episodes: episodes, children: children, care: PersonGroups(spells)), facts: facts)
    }
}
