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
    /// Residents of the population source in force (persons: the residents themselves).
    public var population = Counts()
    /// Parent-child links the population source adds to the family source's.
    public var populationLinks = 0
    /// Whether the pipeline has a population source.
    public var hasPopulation = false
    /// Persons with a row in the population source in force.
    public var inPopulation = PersonSet()
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

    /// Reads the snapshot in force at `asOf` (validity columns) from the staging tables.
    public static func load(db: Database, config: PipelineConfig, asOf: Day) throws -> LinkedSources {
        let store = InForceStore(db: db)
        let maxId = try store.maxPersonId()
        var facts = SourceFacts()

        let groups = GroupInterner()
        // Read in table order, then put in order of person (a counting sort) and, within a
        // person, of start date and group: cheaper than SQLite sorting a million rows.
        // Arrays are reserved at the table's row count (its largest rowid, read for free), so a
        // million rows are not copied while the arrays grow.
        var episodePersons: [Int32] = [], delivered: [Episode] = []
        let registrationRows = try store.rowCapacity(.registration)
        episodePersons.reserveCapacity(registrationRows)
        delivered.reserveCapacity(registrationRows)
        try store.registrations(asOf: asOf) { row in
            episodePersons.append(row.personId)
            delivered.append(Episode(personId: Int(row.personId), group: groups.texts(of: row), role: Role(rawValue: row.role) ?? .opvoeder,
                                     start: row.start, end: row.end, birthYear: row.birthYear,
                                     endReason: row.endReason.flatMap { EndReason(rawValue: $0) }))
        }
        groups.forgetGroups()
        var episodes = PersonGroups(keys: episodePersons, values: delivered, maxKey: maxId).allValues
        episodePersons = []
        delivered = []
        episodes.sortRunsByPerson()
        facts.registrations.rows = episodes.count
        facts.registrations.persons = zip(episodes, episodes.dropFirst()).reduce(episodes.isEmpty ? 0 : 1) { $0 + ($1.0.personId != $1.1.personId ? 1 : 0) }

        var parents: [Int32] = [], links: [Child] = []
        let familyRows = try store.rowCapacity(.family)
        parents.reserveCapacity(familyRows)
        links.reserveCapacity(familyRows)
        var linked = PersonSet(maxId: maxId)
        try store.familyLinks(asOf: asOf) { link in
            parents.append(link.parentId)
            links.append(Child(personId: Int(link.childId), birthYear: link.childBirthYear))
            linked.insert(Int(link.parentId))
            linked.insert(Int(link.childId))
        }
        facts.family = SourceFacts.Counts(rows: links.count, persons: linked.count)

        // The population source, read on a connection of its own while the decisions are read
        // here (`PopulationRead`).
        var population: Background<PopulationRead>?
        if config.sources[.population] != nil {
            facts.hasPopulation = true
            var familyPairs = Set<UInt64>(minimumCapacity: links.count)
            for (parent, child) in zip(parents, links) { familyPairs.insert(PopulationRead.pair(parent, Int32(child.personId))) }
            let participants = PersonSet(episodes.lazy.map(\.personId), maxId: maxId)
            population = Background { [path = db.path, access = db.access, familyPairs] in
                try PopulationRead(store: InForceStore(db: try Database.companion(path: path, access: access)), asOf: asOf, maxId: maxId,
                                   familyPairs: familyPairs, participants: participants)
            }
        }

        // The persons whose decisions can count: youth participants and caregivers' children,
        // and, since the comparison draws its controls from every resident, every resident.
        func subjects(_ children: PersonGroups<Child>, _ residents: Residents) -> PersonSet {
            var subjects = PersonSet(maxId: maxId)
            for e in episodes {
                if e.role == .jongere { subjects.insert(e.personId) } else { for child in children[e.personId] { subjects.insert(child.personId) } }
            }
            if config.comparison.enabled { for person in residents.personIds { subjects.insert(person) } }
            return subjects
        }
        // Without a population source the links are all in: the subjects are known before the
        // decisions are read, and only theirs are kept.
        var children = PersonGroups<Child>()
        var known: PersonSet?
        if population == nil {
            children = PersonGroups(keys: parents, values: links, maxKey: maxId)
            (parents, links) = ([], [])
            known = subjects(children, Residents())
        }

        // Every decision in force is counted for the audit; a spell is kept when it counts for
        // the outcome (started by the cut-off, not withdrawn, in the outcome's categories) and
        // its person is a subject (checked here when the subjects are known, else once the
        // population source's links are in).
        let categories = config.outcome.productCategories
        let byStart = config.outcome.eventDate == .startDate
        var spellPersons: [Int32] = [], spells: [CareSpell] = []
        var inDecisions = PersonSet(maxId: maxId)
        var byCategory = [Int](repeating: 0, count: 100)
        try store.decisions(asOf: asOf) { d in
            let person = Int(d.personId), category = d.productCategory, reason = d.changeReason
            facts.decisions.rows += 1
            inDecisions.insert(person)
            byCategory[min(max(category, 0), 99)] += 1
            if reason == ChangeReason.withdrawn { facts.withdrawn += 1 }
            if reason == ChangeReason.extension_ { facts.extensions += 1 }
            if d.decisionDay > d.validFrom || d.start > d.validFrom { facts.datedAfterExtraction += 1 }
            guard d.start <= asOf, reason != ChangeReason.withdrawn, categories.contains(category),
                  known?.contains(person) ?? true else { return }
            spellPersons.append(d.personId)
            spells.append(CareSpell(start: d.start, end: d.end, eventDay: byStart ? d.start : d.decisionDay, isExtension: reason == ChangeReason.extension_))
        }

        var residents = Residents()
        if let population {
            let read = try population.wait()
            parents += read.parents
            links += read.links
            residents = read.residents
            facts.population = SourceFacts.Counts(rows: read.rows, persons: read.inPopulation.count)
            facts.populationLinks = read.populationLinks
            facts.inPopulation = read.inPopulation
            children = PersonGroups(keys: parents, values: links, maxKey: maxId)
            (parents, links) = ([], [])
            let subjects = subjects(children, residents)
            var kept = 0
            for i in spells.indices where subjects.contains(Int(spellPersons[i])) {
                spellPersons[kept] = spellPersons[i]
                spells[kept] = spells[i]
                kept += 1
            }
            spellPersons.removeLast(spellPersons.count - kept)
            spells.removeLast(spells.count - kept)
        }
        facts.decisions.persons = inDecisions.count
        facts.inDecisions = inDecisions
        facts.decisionsByCategory = Dictionary(uniqueKeysWithValues: byCategory.enumerated().filter { $0.element > 0 })
        return LinkedSources(inputs: CohortInputs(episodes: episodes, children: children,
                                                  care: PersonGroups(keys: spellPersons, values: spells, maxKey: maxId),
                                                  residents: residents), facts: facts)
    }
}

/// The population source in force at a cut-off: one resident per person (the source's key),
/// and its parents as family links beside the family source's (a link both give counts once,
/// with the family's row). Only links of a participant, as parent or as child, are kept: no
/// other link reaches the cohort, the comparison or the audit, and the register's links to
/// every other child would cost more than the residents.
struct PopulationRead: Sendable {
    var residents: Residents
    var rows = 0
    var inPopulation: PersonSet
    /// Parent-child links the source adds to the family source's, all counted.
    var populationLinks = 0
    /// The kept links: parents, and the child of each.
    var parents: [Int32] = []
    var links: [Child] = []

    static func pair(_ parent: Int32, _ child: Int32) -> UInt64 { UInt64(UInt32(parent)) << 32 | UInt64(UInt32(child)) }

    init(store: InForceStore, asOf: Day, maxId: Int, familyPairs: Set<UInt64>, participants: PersonSet) throws {
        var register = Residents.Builder(capacity: try store.rowCapacity(.population))
        var inPopulation = PersonSet(maxId: maxId)
        var (rows, populationLinks, parents, links) = (0, 0, [Int32](), [Child]())
        try store.residents(asOf: asOf) { row in
            rows += 1
            inPopulation.insert(Int(row.personId))
            register.append(person: row.personId,
                            Resident(birthYear: row.birthYear, birthMonth: row.birthMonth, sex: row.sex.flatMap { Sex(rawValue: $0) },
                                     district: row.district, registeredFrom: row.registeredFrom,
                                     movedOut: row.registeredUntil, died: row.died))
            for parent in [row.parent1Id, row.parent2Id.flatMap { $0 == row.parent1Id ? nil : $0 }].compactMap({ $0 })
            where !familyPairs.contains(Self.pair(parent, row.personId)) {
                populationLinks += 1
                guard participants.contains(Int(parent)) || participants.contains(Int(row.personId)) else { continue }
                parents.append(parent)
                links.append(Child(personId: Int(row.personId), birthYear: row.birthYear))
            }
        }
        residents = register.build(maxKey: maxId)
        self.inPopulation = inPopulation
        (self.rows, self.populationLinks, self.parents, self.links) = (rows, populationLinks, parents, links)
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

/// Every episode of a group (and district: the participant's) shares one copy of the group's
/// texts; an episode whose group texts differ from the first seen gets its own. Group types
/// and organisations are few, and each is stored once. A class with unchecked exclusivity:
/// one thread asks it for every registration row, and as captured local variables the two
/// tables were checked for exclusive access on each of them (it showed in the link profile).
private final class GroupInterner {
    private struct GroupKey: Hashable { var id: String, district: String? }
    @exclusivity(unchecked) private var shared: Set<String> = []
    @exclusivity(unchecked) private var groups: [GroupKey: GroupTexts] = [:]

    /// The texts of the row's group, shared with every earlier row of the same group and texts.
    func texts(of row: InForceStore.Registration) -> GroupTexts {
        let key = GroupKey(id: row.groupId, district: row.district)
        let known = groups[key]
        if let known, row.groupTypeEquals(known.groupType), row.organisationEquals(known.organisation) { return known }
        let texts = GroupTexts(groupId: key.id, groupType: shared.insert(row.groupType).memberAfterInsert,
                               organisation: shared.insert(row.organisation).memberAfterInsert, district: key.district)
        if known == nil { groups[key] = texts }
        return texts
    }

    /// Lets go of the table of groups once every registration is read.
    func forgetGroups() { groups = [:] }
}
