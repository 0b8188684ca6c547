// Who is exposed, and on which day (docs/methods.md section 11), by hand: each child once at
// its earliest index date; on a tie its own youth entry, then the group type in code-point
// order, whatever order the entries come in; children the register does not know, or who
// did not live here on the day, are counted but not offered.

import Testing
import OutflowCore
import OutflowAnalysis

struct ExposedChildrenTests {
    static let day = Day(year: 2024, month: 3, day: 1)!

    static func entry(_ person: Int, _ role: Role, groupType: String, index: Day, subjects: [Int]) -> CohortEntry {
        CohortEntry(episode: Episode(personId: person, groupId: "G-\(person)", groupType: groupType, organisation: "o", role: role,
                                     start: index - 70, end: index),
                    index: index, subjects: Subjects(subjects), ageLimitDay: nil, followUpEnd: index + 100, time: 100,
                    eventDay: nil, censorReason: .endOfData)
    }

    static func register(_ person: Int) -> RegisteredChild? {
        switch person {
        case 40: return nil                                          // not in the population source
        case 41: var moved = RegisteredChild(personId: 41, birthYear: 2012, sex: "M", district: "Zuid")
                 moved.registeredUntil = day - 5                      // left before its index date
                 return moved
        default: return RegisteredChild(personId: person, birthYear: 2012, sex: "V", district: "Zuid")
        }
    }

    @Test func eachChildOnceAtItsEarliestIndexDate() {
        let d = Self.day
        let entries = [
            Self.entry(1, .opvoeder, groupType: "scheiding", index: d + 30, subjects: [10, 11]),
            Self.entry(2, .opvoeder, groupType: "opvoedgroep", index: d, subjects: [11, 12]),
        ]
        let exposed = ExposedChildren(entries: entries, register: Self.register)
        #expect(exposed.offered.map(\.child.personId) == [10, 11, 12])
        #expect(exposed.offered.map(\.index) == [d + 30, d, d])
        #expect(exposed.offered.map(\.groupType) == ["scheiding", "opvoedgroep", "opvoedgroep"])
        #expect(exposed.count == 3 && exposed.unmatchable == 0)
    }

    @Test func aTieGoesToTheChildsOwnYouthEntryThenTheGroupType() {
        let d = Self.day
        // Youth 20 took part itself and is the child of caregiver 3, whose group ended the
        // same day; child 21 has two caregivers in different groups ending the same day.
        let entries = [
            Self.entry(3, .opvoeder, groupType: "kopp-kov", index: d, subjects: [20, 21]),
            Self.entry(20, .jongere, groupType: "sociale-vaardigheden", index: d, subjects: [20]),
            Self.entry(4, .opvoeder, groupType: "scheiding", index: d, subjects: [21]),
        ]
        for order in [entries, entries.reversed(), [entries[1], entries[2], entries[0]]] {
            let exposed = ExposedChildren(entries: order, register: Self.register)
            #expect(exposed.offered.map(\.child.personId) == [20, 21])
            #expect(exposed.offered.map(\.participantRole) == ["jongere", "kind van opvoeder"])
            #expect(exposed.offered.map(\.groupType) == ["sociale-vaardigheden", "kopp-kov"])
        }
    }

    @Test func childrenWithoutARegisterRowOrNotLivingHereAreCountedNotOffered() {
        let d = Self.day
        let entries = [Self.entry(5, .opvoeder, groupType: "opvoedgroep", index: d, subjects: [40, 41, 42]),
                       Self.entry(6, .opvoeder, groupType: "opvoedgroep", index: d + 7, subjects: [40])]
        let exposed = ExposedChildren(entries: entries, register: Self.register)
        #expect(exposed.offered.map(\.child.personId) == [42])
        #expect(exposed.withoutRegister == 1 && exposed.notResident == 1)
        #expect(exposed.count == 3 && exposed.unmatchable == 2)
    }
}
