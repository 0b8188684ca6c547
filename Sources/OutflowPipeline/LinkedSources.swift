// The link stage: one scan of each staging table's rows in force at the cut-off, joined on
// the integer person ids the loader gave every pseudonym. It yields the cohort's inputs
// and, counted on the way, the per-source figures the audit reports, so no table is read
// twice. Persons are sets of small integers (bitmaps), values are grouped per person.

import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

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

    package static let inForce = "valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"

    /// Reads the snapshot in force at `asOf` (validity columns) from the staging tables.
    public static func load(db: Database, config: PipelineConfig, asOf: Day) throws -> LinkedSources {
        let a = [SQLValue.int(asOf.julian)]
        let maxId = try db.scalarInt("SELECT max(person_id) FROM person") ?? 0
        var facts = SourceFacts()

        // Every episode of a group (and district: the participant's) shares one copy of the
        // group's texts; an episode whose group texts differ from the first seen gets its own.
        struct GroupKey: Hashable { var id: String, district: String? }
        var sharedTexts: Set<String> = []   // group types and organisations: few, each stored once
        func shared(_ text: String) -> String { sharedTexts.insert(text).memberAfterInsert }
        var groups: [GroupKey: GroupTexts] = [:]
        func group(_ row: Row) -> GroupTexts {
            let key = GroupKey(id: row.string(1), district: row.text(4))
            let known = groups[key]
            if let known, row.textEquals(2, known.groupType), row.textEquals(3, known.organisation) { return known }
            let texts = GroupTexts(groupId: key.id, groupType: shared(row.string(2)), organisation: shared(row.string(3)), district: key.district)
            if known == nil { groups[key] = texts }
            return texts
        }
        // Read in table order, then put in order of person (a counting sort) and, within a
        // person, of start date and group: cheaper than SQLite sorting a million rows.
        // Arrays are reserved at the table's row count (its largest rowid, read for free), so a
        // million rows are not copied while the arrays grow.
        func rows(_ table: String) throws -> Int { try db.scalarInt("SELECT coalesce(max(rowid), 0) FROM \(table)") ?? 0 }
        var episodePersons: [Int32] = [], delivered: [Episode] = []
        episodePersons.reserveCapacity(try rows("stg_registration"))
        delivered.reserveCapacity(try rows("stg_registration"))
        let registrations = try db.prepare("""
            SELECT person_id, group_id, group_type, organisation, district, role, start_day, end_day, birth_year
            FROM stg_registration WHERE \(inForce)
            """)
        try registrations.bind(a)
        while let row = try registrations.step() {
            episodePersons.append(Int32(row.int(0)))
            delivered.append(Episode(personId: row.int(0), group: group(row), role: Role(rawValue: row.int(5)) ?? .opvoeder,
                                     start: Day(julian: row.int(6)), end: row.optionalInt(7).map(Day.init(julian:)), birthYear: row.optionalInt(8)))
        }
        groups = [:]
        sharedTexts = []
        var episodes = PersonGroups(keys: episodePersons, values: delivered, maxKey: maxId).allValues
        episodePersons = []
        delivered = []
        episodes.sortRunsByPerson()
        facts.registrations.rows = episodes.count
        facts.registrations.persons = zip(episodes, episodes.dropFirst()).reduce(episodes.isEmpty ? 0 : 1) { $0 + ($1.0.personId != $1.1.personId ? 1 : 0) }

        var parents: [Int32] = [], links: [Child] = []
        parents.reserveCapacity(try rows("stg_family"))
        links.reserveCapacity(try rows("stg_family"))
        var linked = PersonSet(maxId: maxId)
        let family = try db.prepare("SELECT parent_id, child_id, child_birth_year FROM stg_family WHERE \(inForce)")
        try family.bind(a)
        while let row = try family.step() {
            parents.append(Int32(row.int(0)))
            links.append(Child(personId: row.int(1), birthYear: row.optionalInt(2)))
            linked.insert(row.int(0))
            linked.insert(row.int(1))
        }
        facts.family = SourceFacts.Counts(rows: links.count, persons: linked.count)
        let children = PersonGroups(keys: parents, values: links, maxKey: maxId)
        parents = []
        links = []

        // The persons whose decisions can count: youth participants and caregivers' children.
        var subjects = PersonSet(maxId: maxId)
        for e in episodes {
            if e.role == .jongere { subjects.insert(e.personId) } else { for child in children[e.personId] { subjects.insert(child.personId) } }
        }
        let categories = config.outcome.productCategories
        let byStart = config.outcome.eventDate == .startDate
        var spellPersons: [Int32] = [], spells: [CareSpell] = []
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
            spellPersons.append(Int32(person))
            spells.append(CareSpell(start: Day(julian: start), end: row.optionalInt(3).map(Day.init(julian:)),
                                    eventDay: Day(julian: byStart ? start : decided), isExtension: reason == ChangeReason.extension_))
        }
        facts.decisions.persons = inDecisions.count
        facts.inDecisions = inDecisions
        facts.decisionsByCategory = Dictionary(uniqueKeysWithValues: byCategory.enumerated().filter { $0.element > 0 })
        return LinkedSources(inputs: CohortInputs(episodes: episodes, children: children, care: PersonGroups(keys: spellPersons, values: spells, maxKey: maxId)), facts: facts)
    }
}

extension Array where Element == Episode {
    /// Orders each person's episodes (adjacent already) by start date and group id.
    package mutating func sortRunsByPerson() {
        var i = 0
        while i < count {
            var j = i + 1
            while j < count && self[j].personId == self[i].personId { j += 1 }
            if j - i > 1 { self[i..<j].sort { ($0.start.julian, $0.groupId) < ($1.start.julian, $1.groupId) } }
            i = j
        }
    }
}
