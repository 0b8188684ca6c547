// Builds the cohort from episodes, family links and care spells: the attrition steps of
// methods.md section 3 in their order, then follow-up to the first outflow event or
// censoring (sections 4 and 5). Pure: no SQL, so every rule is tested on plain values.

/// Builds a cohort for one cut-off date.
public struct CohortBuilder: Sendable {
    public var cohort: CohortConfig
    public var asOf: Day

    public init(cohort: CohortConfig, asOf: Day) {
        self.cohort = cohort
        self.asOf = asOf
    }

    /// A candidate entry between attrition steps: a position in the episode list, not a
    /// copy, so a million episodes pass the steps without copying their text.
    private struct Candidate {
        var position: Int
        var index: Day
        var subjects: [Int] = []
        var ageLimitDay: Day?
    }

    public func build(_ inputs: CohortInputs) -> Cohort {
        let episodes = inputs.episodes
        var steps: [AttritionStep] = []
        // Candidates stay in episode order, which is by person: a person's candidates are one run.
        func distinctPersons(_ candidates: [Candidate]) -> Int {
            var count = 0, last = Int.min
            for c in candidates where episodes[c.position].personId != last { count += 1; last = episodes[c.position].personId }
            return count
        }
        func record(_ reason: String, _ remaining: [Candidate], before: [Candidate]?) {
            let persons = distinctPersons(remaining)
            let beforeEntries = before?.count ?? remaining.count
            let beforePersons = before.map(distinctPersons) ?? persons
            steps.append(AttritionStep(step: steps.count + 1, reason: reason, entries: remaining.count, persons: persons,
                                       excludedEntries: beforeEntries - remaining.count, excludedPersons: beforePersons - persons))
        }
        func indexDay(_ e: Episode) -> Day? { cohort.index == .end ? e.end : e.start }

        // 1. Episodes of the snapshot in force that started on or before the cut-off.
        let delivered = episodes.indices.map { Candidate(position: $0, index: indexDay(episodes[$0]) ?? episodes[$0].start) }
        var current = delivered.filter { episodes[$0.position].start <= asOf }
        record("registration episodes started on or before the cut-off", current, before: delivered)

        // 2. Has an index date (with index "end": no end date means still participating).
        var next = current.filter { indexDay(episodes[$0.position]) != nil }
        record(cohort.index == .end ? "has an end date (not still participating)" : "has a start date", next, before: current)
        current = next

        // 3. Index date on or before the cut-off.
        next = current.filter { $0.index <= asOf }
        record("index date on or before the cut-off", next, before: current)
        current = next

        // 4. Role in the cohort's roles.
        next = current.filter { cohort.roles.contains(episodes[$0.position].role) }
        record("role is one of \(cohort.roles.map(\.name).joined(separator: ", "))", next, before: current)
        current = next

        // 5. First qualifying episode per person.
        if cohort.episodes == .first {
            next = []
            var i = 0
            while i < current.count {
                let person = episodes[current[i].position].personId
                var best = i, j = i + 1
                while j < current.count && episodes[current[j].position].personId == person {
                    if (current[j].index, episodes[current[j].position].groupId) < (current[best].index, episodes[current[best].position].groupId) { best = j }
                    j += 1
                }
                next.append(current[best])
                i = j
            }
            record("first qualifying episode per person", next, before: current)
            current = next
        }

        // 6. Outcome observable: a caregiver needs a linked child under the age limit at index.
        for i in current.indices {
            let e = episodes[current[i].position]
            if e.role == .jongere {
                current[i].subjects = [e.personId]
                current[i].ageLimitDay = e.birthYear.map { ageLimitDay(birthYear: $0, ageLimit: cohort.ageLimit) }
            } else {
                let minors = inputs.children[e.personId].filter { child in
                    child.birthYear.map { ageLimitDay(birthYear: $0, ageLimit: cohort.ageLimit) > current[i].index } ?? true
                }
                current[i].subjects = minors.map(\.personId).sorted()
                current[i].ageLimitDay = minors.contains { $0.birthYear == nil } ? nil
                    : minors.map { ageLimitDay(birthYear: $0.birthYear!, ageLimit: cohort.ageLimit) }.max()
            }
        }
        next = current.filter { !$0.subjects.isEmpty }
        record("outcome observable (caregiver has a linked child under \(cohort.ageLimit) at index)", next, before: current)
        current = next

        // 7. Not aged out: a youth whose age-limit day is on or before the index date.
        next = current.filter { c in episodes[c.position].role != .jongere || c.ageLimitDay.map { $0 > c.index } ?? true }
        record("not aged out (under \(cohort.ageLimit) at index)", next, before: current)
        current = next

        // 8. Not in individual care at the index date.
        var inCare = 0
        if cohort.excludeInCareAtIndex {
            next = current.filter { c in
                !c.subjects.contains { s in inputs.care[s].contains { $0.start < c.index && ($0.end == nil || $0.end! >= c.index) } }
            }
            inCare = current.count - next.count
            record("not in individual care at index", next, before: current)
            current = next
        }

        // 9. Optional clean window before the index date.
        if cohort.priorCareDays > 0 {
            next = current.filter { c in
                !c.subjects.contains { s in inputs.care[s].contains { $0.isActive(from: c.index - cohort.priorCareDays, before: c.index) } }
            }
            record("no individual care in the \(cohort.priorCareDays) days before index", next, before: current)
            current = next
        }

        let entries = current.map { followUp($0, episode: episodes[$0.position], care: inputs.care) }
        return Cohort(entries: entries, attrition: steps, inCareAtIndex: inCare)
    }

    /// Follow-up of one entry: first event in [index, E], else censoring at E.
    private func followUp(_ c: Candidate, episode: Episode, care: PersonGroups<CareSpell>) -> CohortEntry {
        let end = min(asOf, c.ageLimitDay ?? asOf)
        var first: Day?
        for subject in c.subjects {
            for spell in care[subject] where !spell.isExtension && spell.eventDay >= c.index && spell.eventDay <= end {
                if first == nil || spell.eventDay < first! { first = spell.eventDay }
            }
        }
        let reason: CensorReason? = first != nil ? nil : (c.ageLimitDay.map { $0 < asOf } ?? false) ? .ageLimit : .endOfData
        return CohortEntry(episode: episode, index: c.index, subjects: c.subjects, ageLimitDay: c.ageLimitDay,
                           followUpEnd: end, time: (first ?? end) - c.index, eventDay: first, censorReason: reason)
    }
}
