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
    /// copy, so a million episodes pass the steps in 32 bytes each.
    private struct Candidate {
        var position: Int32
        var index: Day
        var ageLimitDay: Day?
        var subjects: Subjects = []
    }

    public func build(_ inputs: CohortInputs) -> Cohort {
        let episodes = inputs.episodes
        func episode(_ c: Candidate) -> Episode { episodes[Int(c.position)] }
        var steps: [AttritionStep] = []
        // Candidates stay in episode order, which is by person: a person's candidates are one run.
        func distinctPersons(_ candidates: [Candidate]) -> Int {
            var count = 0, last = Int.min
            for c in candidates where episode(c).personId != last { count += 1; last = episode(c).personId }
            return count
        }
        func indexDay(_ e: Episode) -> Day? { cohort.index == .end ? e.end : e.start }

        // 1. Episodes of the snapshot in force (all delivered) ...
        var current = episodes.indices.map { Candidate(position: Int32($0), index: indexDay(episodes[$0]) ?? episodes[$0].start) }
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
        keep("registration episodes started on or before the cut-off") { episode($0).start <= asOf }

        // 2. Has an index date (with index "end": no end date means still participating).
        keep(cohort.index == .end ? "has an end date (not still participating)" : "has a start date") { indexDay(episode($0)) != nil }

        // 3. Index date on or before the cut-off.
        keep("index date on or before the cut-off") { $0.index <= asOf }

        // 4. Role in the cohort's roles.
        keep("role is one of \(cohort.roles.map(\.name).joined(separator: ", "))") { cohort.roles.contains(episode($0).role) }

        // 5. First qualifying episode per person (the earliest index date, then group id).
        if cohort.episodes == .first {
            step("first qualifying episode per person") { current in
                var kept = 0, i = 0
                while i < current.count {
                    let person = episode(current[i]).personId
                    var best = i, j = i + 1
                    while j < current.count && episode(current[j]).personId == person {
                        if (current[j].index, episode(current[j]).groupId) < (current[best].index, episode(current[best]).groupId) { best = j }
                        j += 1
                    }
                    current[kept] = current[best]
                    kept += 1
                    i = j
                }
                current.removeLast(current.count - kept)
            }
        }

        // 6. Outcome observable: a caregiver needs a linked child under the age limit at index.
        step("outcome observable (caregiver has a linked child under \(cohort.ageLimit) at index)") { current in
            for i in current.indices {
                let e = episode(current[i])
                if e.role == .jongere {
                    current[i].subjects = [e.personId]
                    current[i].ageLimitDay = e.birthYear.map { ageLimitDay(birthYear: $0, ageLimit: cohort.ageLimit) }
                } else {
                    let minors = inputs.children[e.personId].filter { child in
                        child.birthYear.map { ageLimitDay(birthYear: $0, ageLimit: cohort.ageLimit) > current[i].index } ?? true
                    }
                    current[i].subjects = Subjects(minors.map(\.personId).sorted())
                    current[i].ageLimitDay = minors.contains { $0.birthYear == nil } ? nil
                        : minors.map { ageLimitDay(birthYear: $0.birthYear!, ageLimit: cohort.ageLimit) }.max()
                }
            }
            current.removeAll { $0.subjects.isEmpty }
        }

        // 7. Not aged out: a youth whose age-limit day is on or before the index date.
        keep("not aged out (under \(cohort.ageLimit) at index)") { c in episode(c).role != .jongere || c.ageLimitDay.map { $0 > c.index } ?? true }

        // 8. Not in individual care at the index date.
        var inCare = 0
        if cohort.excludeInCareAtIndex {
            let before = current.count
            keep("not in individual care at index") { c in
                !c.subjects.contains { s in inputs.care[s].contains { $0.start < c.index && ($0.end == nil || $0.end! >= c.index) } }
            }
            inCare = before - current.count
        }

        // 9. Optional clean window before the index date.
        if cohort.priorCareDays > 0 {
            keep("no individual care in the \(cohort.priorCareDays) days before index") { c in
                !c.subjects.contains { s in inputs.care[s].contains { $0.isActive(from: c.index - cohort.priorCareDays, before: c.index) } }
            }
        }

        let entries = current.map { followUp($0, episode: episode($0), care: inputs.care) }
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
