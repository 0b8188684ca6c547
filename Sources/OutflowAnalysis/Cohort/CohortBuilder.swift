// Builds the cohort from episodes, family links, care spells and the population source's
// residents: the attrition steps of methods.md section 3 in their order, then follow-up to
// the first outflow event or the first other ending (sections 4 and 5). Pure: no SQL, so
// every rule is tested on plain values.

import OutflowCore

/// Builds a cohort for one cut-off date.
public struct CohortBuilder: Sendable {
    public var cohort: CohortConfig
    public var asOf: Day

    public init(cohort: CohortConfig, asOf: Day) {
        self.cohort = cohort
        self.asOf = asOf
    }

    /// A candidate entry between attrition steps: a position in the episode list, not a
    /// copy, so a million episodes pass the steps in 8 bytes each.
    private struct Candidate {
        var position: Int32
        var index: Day
    }

    public func build(_ inputs: CohortInputs) -> Cohort {
        let episodes = inputs.episodes
        // The steps read single fields in place: returning a candidate's whole episode would
        // copy it (retaining its group's texts) a few million times over the steps.
        func episode(_ c: Candidate) -> Episode { episodes[Int(c.position)] }
        func person(_ c: Candidate) -> Int { episodes[Int(c.position)].personId }
        var steps: [AttritionStep] = []
        // Candidates stay in episode order, which is by person: a person's candidates are one run.
        func distinctPersons(_ candidates: [Candidate]) -> Int {
            var count = 0, last = Int.min
            for c in candidates where person(c) != last { count += 1; last = person(c) }
            return count
        }
        func indexDay(_ position: Int) -> Day? { cohort.index == .end ? episodes[position].end : episodes[position].start }

        // 1. Episodes of the snapshot in force (all delivered) ...
        var current = episodes.indices.map { Candidate(position: Int32($0), index: indexDay($0) ?? episodes[$0].start) }
        // ... each step filters the candidates in place and records what it excluded.
        func step(_ reason: String, _ change: (inout [Candidate]) -> Void) {
            let (beforeEntries, beforePersons) = (current.count, distinctPersons(current))
            change(&current)
            let persons = distinctPersons(current)
            steps.append(AttritionStep(step: steps.count + 1, reason: reason, entries: current.count, persons: persons,
                                       excludedEntries: beforeEntries - current.count, excludedPersons: beforePersons - persons))
        }
        func keep(_ reason: String, _ predicate: (Candidate) -> Bool) { step(reason) { $0.removeAll { !predicate($0) } } }

        // 1. ... that started on or before the cut-off.
        keep("registration episodes started on or before the cut-off") { episodes[Int($0.position)].start <= asOf }

        // 2. Has an index date (with index "end": no end date means still participating).
        keep(cohort.index == .end ? "has an end date (not still participating)" : "has a start date") { indexDay(Int($0.position)) != nil }

        // 3. Index date on or before the cut-off.
        keep("index date on or before the cut-off") { $0.index <= asOf }

        // 4. Role in the cohort's roles.
        keep("role is one of \(cohort.roles.map(\.name).joined(separator: ", "))") { cohort.roles.contains(episodes[Int($0.position)].role) }

        // 5. First qualifying episode per person (the earliest index date, then group id).
        if cohort.episodes == .first {
            step("first qualifying episode per person") { current in
                var kept = 0, i = 0
                while i < current.count {
                    let first = person(current[i])
                    var best = i, j = i + 1
                    while j < current.count && person(current[j]) == first {
                        if current[j].index < current[best].index
                            || current[j].index == current[best].index && episode(current[j]).groupId < episode(current[best]).groupId { best = j }
                        j += 1
                    }
                    current[kept] = current[best]
                    kept += 1
                    i = j
                }
                current.removeLast(current.count - kept)
            }
        }

        // Steps 6 to 9 look at each candidate once: the first of them it fails is noted (a
        // byte each) and the steps are tallied from the notes afterwards, so a passing
        // candidate's subjects go straight into its entry instead of being kept for each step.
        var failed = [UInt8](repeating: 0, count: current.count)   // 0: passes all four
        var entries: [CohortEntry] = []
        entries.reserveCapacity(current.count)   // at most one each, and no copy while growing
        for (i, c) in current.enumerated() {
            let e = episode(c)
            // 6. Outcome observable: a caregiver needs a linked child under the age limit at index.
            let subjects: Subjects, limit: Day?
            if e.role == .jongere {
                subjects = [e.personId]
                limit = ageLimit(of: e.personId, birthYear: e.birthYear, inputs)
            } else {
                // A child linked twice (family links and the population's parents) counts once.
                var minors: [(id: Int, limit: Day?)] = []
                for child in inputs.children[e.personId] where !minors.contains(where: { $0.id == child.personId }) {
                    let limit = ageLimit(of: child.personId, birthYear: child.birthYear, inputs)
                    if limit.map({ $0 > c.index }) ?? true { minors.append((child.personId, limit)) }
                }
                subjects = Subjects(minors.map(\.id).sorted())
                limit = minors.contains { $0.limit == nil } ? nil : minors.compactMap(\.limit).max()
            }
            // 7. Not aged out: a youth whose age-limit day is on or before the index date.
            // 8. Not in individual care at the index date.
            // 9. Optional clean window before the index date.
            if subjects.isEmpty {
                failed[i] = 6
            } else if e.role == .jongere, let limit, limit <= c.index {
                failed[i] = 7
            } else if cohort.excludeInCareAtIndex,
                      subjects.contains(where: { s in inputs.care[s].contains { $0.start < c.index && ($0.end == nil || $0.end! >= c.index) } }) {
                failed[i] = 8
            } else if cohort.priorCareDays > 0,
                      subjects.contains(where: { s in inputs.care[s].contains { $0.isActive(from: c.index - cohort.priorCareDays, before: c.index) } }) {
                failed[i] = 9
            } else {
                entries.append(followUp(c, episode: e, subjects: subjects, ageLimitDay: limit, own: inputs.resident(e.personId),
                                        care: inputs.care))
            }
        }
        var inCare = 0
        for (number, reason) in [(6, "outcome observable (caregiver has a linked child under \(cohort.ageLimit) at index)"),
                                 (7, "not aged out (under \(cohort.ageLimit) at index)"),
                                 (8, "not in individual care at index"),
                                 (9, "no individual care in the \(cohort.priorCareDays) days before index")] {
            if number == 8 && !cohort.excludeInCareAtIndex || number == 9 && cohort.priorCareDays <= 0 { continue }
            let stepNumber = UInt8(number)
            func remaining(after: Bool) -> (entries: Int, persons: Int) {
                var count = 0, persons = 0, last = Int.min
                for (i, c) in current.enumerated() where failed[i] == 0 || (after ? failed[i] > stepNumber : failed[i] >= stepNumber) {
                    count += 1
                    if person(c) != last { persons += 1; last = person(c) }
                }
                return (count, persons)
            }
            let (before, after) = (remaining(after: false), remaining(after: true))
            if number == 8 { inCare = before.entries - after.entries }
            steps.append(AttritionStep(step: steps.count + 1, reason: reason, entries: after.entries, persons: after.persons,
                                       excludedEntries: before.entries - after.entries, excludedPersons: before.persons - after.persons))
        }
        let groupSizes = cohort.strata.contains("group_size") ? Self.groupSizes(episodes, asOf: asOf) : [:]
        return Cohort(entries: entries, attrition: steps, inCareAtIndex: inCare, groupSizes: groupSizes, residents: inputs.residents)
    }

    /// The day a person turns the age limit: the population source's birth year and month
    /// come first; without a row there, `birthYear` (registration or family link) on 1 July;
    /// nil without either.
    private func ageLimit(of person: Int, birthYear: Int?, _ inputs: CohortInputs) -> Day? {
        if let resident = inputs.resident(person) { return resident.ageLimitDay(ageLimit: cohort.ageLimit) }
        return birthYear.map { ageLimitDay(birthYear: $0, ageLimit: cohort.ageLimit) }
    }

    /// Follow-up of one entry: the first event in [index, E], else the ending at E, the
    /// first of the cut-off, moving out and death (the participant's own population row:
    /// the youth's, or the caregiver's when one is delivered) and the age limit. An ending
    /// dated before the index date ends follow-up on it; endings on one day go to the
    /// first of that list.
    private func followUp(_ c: Candidate, episode: Episode, subjects: Subjects, ageLimitDay: Day?, own: Resident?,
                          care: PersonGroups<CareSpell>) -> CohortEntry {
        var end = asOf, reason = CensorReason.endOfData
        // In the list's order (no array of the three per entry).
        func consider(_ candidate: CensorReason, _ day: Day?) {
            if let day, max(day, c.index) < end { end = max(day, c.index); reason = candidate }
        }
        consider(.movedOut, own?.movedOut)
        consider(.died, own?.died)
        consider(.ageLimit, ageLimitDay)
        var first: Day?
        for subject in subjects {
            for spell in care[subject] where !spell.isExtension && spell.eventDay >= c.index && spell.eventDay <= end {
                if first == nil || spell.eventDay < first! { first = spell.eventDay }
            }
        }
        return CohortEntry(episode: episode, index: c.index, subjects: subjects, ageLimitDay: ageLimitDay,
                           followUpEnd: end, time: (first ?? end) - c.index, eventDay: first, censorReason: first == nil ? reason : nil)
    }

    /// Distinct participants per group among the episodes started by the cut-off.
    static func groupSizes(_ episodes: [Episode], asOf: Day) -> [String: Int] {
        var sizes: [String: Int] = [:]
        var seen = Set<GroupMember>()
        for e in episodes where e.start <= asOf && seen.insert(GroupMember(group: e.groupId, person: e.personId)).inserted {
            sizes[e.groupId, default: 0] += 1
        }
        return sizes
    }

    private struct GroupMember: Hashable {
        var group: String
        var person: Int
    }
}
