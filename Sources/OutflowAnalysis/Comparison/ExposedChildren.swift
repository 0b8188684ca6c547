// Which children of a cohort are exposed, and on which day (docs/methods.md section 11): the
// youth of every youth entry and the linked minor children of every caregiver entry, each
// once, at its earliest index date. A child with two entries on that day takes its own youth
// entry (it took part itself), else the entry whose group type comes first in code-point
// order, so the choice never depends on the order persons were loaded. A child the register
// does not know, or who did not live in the municipality on its index date, is exposed but
// cannot be matched: it is counted, not offered.

import OutflowCore

/// The exposed children of a cohort, split by whether they can be offered for matching.
public struct ExposedChildren: Sendable, Equatable {
    /// Children in the register and living in the municipality on their index date, in order
    /// of person id.
    public var offered: [ExposedChild]
    /// Exposed children without a population row.
    public var withoutRegister: Int
    /// Exposed children in the register but not living in the municipality on their index date.
    public var notResident: Int

    /// Every exposed child, offered or not.
    public var count: Int { offered.count + withoutRegister + notResident }
    /// Exposed children that cannot be matched.
    public var unmatchable: Int { withoutRegister + notResident }

    /// `register(person)` is the child as the population source holds it on the cut-off (nil:
    /// not in it).
    public init(entries: [CohortEntry], register: (Int) -> RegisteredChild?) {
        var chosen: [Int: Candidate] = [:]
        for entry in entries {
            let youth = entry.episode.role == .jongere
            for subject in entry.subjects {
                let candidate = Candidate(index: entry.index, ownEntry: youth && subject == entry.episode.personId,
                                          role: youth ? "jongere" : "kind van opvoeder", groupType: entry.episode.groupType)
                if let known = chosen[subject], !candidate.comesBefore(known) { continue }
                chosen[subject] = candidate
            }
        }
        offered = []
        withoutRegister = 0
        notResident = 0
        for person in chosen.keys.sorted() {
            let candidate = chosen[person]!
            guard let child = register(person) else {
                withoutRegister += 1
                continue
            }
            guard child.isRegistered(on: candidate.index) else {
                notResident += 1
                continue
            }
            offered.append(ExposedChild(child: child, index: candidate.index, participantRole: candidate.role,
                                        groupType: candidate.groupType))
        }
    }

    /// One entry a child is exposed through.
    private struct Candidate {
        let index: Day
        let ownEntry: Bool
        let role: String
        let groupType: String

        /// Earlier index first; on one day the child's own youth entry, then group type.
        func comesBefore(_ other: Candidate) -> Bool {
            if index != other.index { return index < other.index }
            if ownEntry != other.ownEntry { return ownEntry }
            return Array(groupType.utf8).lexicographicallyPrecedes(Array(other.groupType.utf8))
        }
    }
}
