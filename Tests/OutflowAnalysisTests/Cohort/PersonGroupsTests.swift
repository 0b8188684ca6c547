// Per-person groups and person sets against plain dictionaries and sets.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowSynthetic
import OutflowTestSupport

@Suite struct PersonGroupsTests {
    @Test func groupsUnsortedPairsKeepingOrderWithinAPerson() {
        let groups = PersonGroups<String>([(7, "a"), (3, "b"), (7, "c"), (1, "d"), (3, "e"), (7, "f")])
        #expect(Array(groups[7]) == ["a", "c", "f"])
        #expect(Array(groups[3]) == ["b", "e"])
        #expect(Array(groups[1]) == ["d"])
        #expect(groups[2].isEmpty)
        #expect(groups[0].isEmpty)
        #expect(groups[8].isEmpty)
        #expect(Array(groups.personIds) == [1, 3, 7])
        #expect(groups.allValues == ["d", "b", "e", "a", "c", "f"])
        #expect(groups.count == 6)
    }

    @Test func matchesADictionaryOnRandomPairs() {
        var random = SeededRandom(seed: 11)
        var reference: [Int: [Int]] = [:]
        var pairs: [(person: Int, value: Int)] = []
        for value in 0..<5_000 {
            let person = random.int(1...700)
            pairs.append((person, value))
            reference[person, default: []].append(value)
        }
        let groups = PersonGroups(pairs)
        for person in 0...701 { #expect(Array(groups[person]) == (reference[person] ?? [])) }
        let fromDictionary = PersonGroups(reference)
        for person in 0...701 { #expect(Array(fromDictionary[person]) == (reference[person] ?? [])) }
    }

    @Test func countingSortMatchesTheStableGrouping() {
        var random = SeededRandom(seed: 5)
        var keys: [Int32] = [], values: [Int] = []
        for value in 0..<3_000 { keys.append(Int32(random.int(0...300))); values.append(value) }
        let counted = PersonGroups(keys: keys, values: values, maxKey: 250)   // keys above maxKey still count
        let reference = PersonGroups(zip(keys, values).map { (Int($0), $1) })
        for person in 0...301 { #expect(Array(counted[person]) == Array(reference[person])) }
        #expect(Array(counted.personIds) == Array(reference.personIds))
        #expect(PersonGroups<Int>(keys: [], values: [], maxKey: 0).count == 0)
    }

    /// The per-row values a million-person run holds stay as small as their doc comments say.
    @Test func compactLayouts() {
        #expect(MemoryLayout<Episode>.stride == 24)
        #expect(MemoryLayout<Child>.stride == 8)
        #expect(MemoryLayout<CohortEntry>.stride <= 72)
        #expect(MemoryLayout<Response>.stride <= 40)
        #expect(MemoryLayout<Subjects>.stride == 16)
    }

    @Test func emptyGroups() {
        let groups = PersonGroups<Int>()
        #expect(groups[1].isEmpty)
        #expect(groups.count == 0)
        #expect(Array(groups.personIds).isEmpty)
    }

    @Test func personSetCountsEachMemberOnceAndGrows() {
        var set = PersonSet(maxId: 100)
        for id in [5, 64, 63, 0, 5, 100, 64, 1_000] { set.insert(id) }
        #expect(set.count == 6)
        #expect(set.sorted == [0, 5, 63, 64, 100, 1_000])
        #expect(set.contains(1_000) && set.contains(0) && !set.contains(6) && !set.contains(50_000))
        #expect(PersonSet().sorted.isEmpty)
    }

    @Test func sortedIndexFindsOnlyMembers() {
        let ids = [2, 4, 9, 30]
        #expect(ids.sortedIndex(of: 9) == 2)
        #expect(ids.sortedIndex(of: 2) == 0)
        #expect(ids.sortedIndex(of: 30) == 3)
        #expect(ids.sortedIndex(of: 5) == nil)
        #expect(ids.sortedIndex(of: 31) == nil)
        #expect([Int]().sortedIndex(of: 1) == nil)
    }
}
