// The flat key table behind the person index and duplicate-key detection, checked against
// Swift's Set and Dictionary: random keys through many growth steps, keys that share a
// first slot (probing, wrap-around at the end of the table), forgetting the keys of a
// rolled-back load, and the person index numbering pseudonyms as it did with a Dictionary.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowSynthetic
import OutflowTestSupport

struct FlatKeyTableTests {
    typealias Key = FlatKeyTable.Key

    func randomKey(_ random: inout SeededRandom) -> Key { Key(high: random.next(), low: random.next()) }

    @Test func setMatchesSwiftSetThroughGrowth() {
        var random = SeededRandom(seed: 11)
        let table = FlatKeyTable()
        var reference: Set<[UInt64]> = []
        var drawn: [Key] = []
        for step in 0..<60_000 {
            // Every fourth insert repeats an earlier key.
            let key = step % 4 == 3 ? drawn[random.int(0...(drawn.count - 1))] : randomKey(&random)
            if step % 4 != 3 { drawn.append(key) }
            let inserted = table.insert(key)
            #expect(inserted == reference.insert([key.high, key.low]).inserted)
            if step & 0x0FFF == 0 { #expect(table.count == reference.count) }
        }
        #expect(table.count == reference.count)
        #expect(table.highestId == Int32(reference.count))
        for key in drawn { #expect(table.id(of: key) != nil) }
        for _ in 0..<1000 { #expect(table.id(of: randomKey(&random)) == nil) }
    }

    @Test func mapMatchesSwiftDictionaryWithGivenIds() {
        var random = SeededRandom(seed: 12)
        let table = FlatKeyTable()
        table.reserve(5000)
        var reference: [[UInt64]: Int32] = [:]
        var keys: [Key] = []
        var nextId: Int32 = 1
        for step in 0..<20_000 {
            let key = step % 3 == 2 ? keys[random.int(0...(keys.count - 1))] : randomKey(&random)
            if step % 3 != 2 { keys.append(key) }
            // Ids with gaps, as persons removed by an erasure leave them.
            let (id, inserted) = table.insert(key, id: nextId)
            if let known = reference[[key.high, key.low]] {
                #expect(!inserted && id == known)
            } else {
                #expect(inserted && id == nextId)
                reference[[key.high, key.low]] = nextId
                nextId += Int32(random.int(1...3))
            }
        }
        #expect(table.count == reference.count)
        for key in keys { #expect(table.id(of: key) == reference[[key.high, key.low]]) }
    }

    @Test func keysSharingASlotProbeAndWrapAround() {
        let table = FlatKeyTable()
        // The first slot comes from the top bits of high x 0x9E3779B97F4A7C15. This high makes
        // that product all ones, so every key with it starts at the last slot whatever the
        // table's size: the run wraps to the start and is carried through each growth.
        let lastHigh: UInt64 = 0x0E21_7C1E_66C8_8CC3
        let last = (0..<300).map { Key(high: lastHigh, low: UInt64($0) << 7 | 1) }
        // High 0 starts at slot 0, where the wrapped run lands.
        let first = (0..<50).map { Key(high: 0, low: UInt64($0 + 1) << 32 | 5) }
        var reference: Set<[UInt64]> = []
        for (i, key) in zip(0..., last + first + [Key(high: 0, low: 0)]) {
            #expect(table.insert(key, id: Int32(i + 1)) == (Int32(i + 1), true))
            reference.insert([key.high, key.low])
        }
        for key in last + first { #expect(!table.insert(key)) }
        #expect(table.count == reference.count)
        for (i, key) in zip(0..., last + first + [Key(high: 0, low: 0)]) { #expect(table.id(of: key) == Int32(i + 1)) }
        #expect(table.id(of: Key(high: lastHigh, low: 2)) == nil)
        #expect(table.id(of: Key(high: 0, low: 5)) == nil)
        #expect(table.id(of: Key(high: 0, low: 1)) == nil)
    }

    @Test func removeAllAboveForgetsTheLaterKeysOnly() {
        var random = SeededRandom(seed: 13)
        let table = FlatKeyTable()
        let keys = (0..<3000).map { _ in randomKey(&random) }
        for key in keys { #expect(table.insert(key)) }
        table.removeAll(above: 1000)
        #expect(table.count == 1000 && table.highestId == 1000)
        for (i, key) in keys.prefix(1000).enumerated() { #expect(table.id(of: key) == Int32(i + 1)) }
        for key in keys.dropFirst(1000) { #expect(table.id(of: key) == nil) }
        // Numbering goes on after the highest id kept, and a forgotten key is new again.
        #expect(table.insert(keys[2500]) && table.id(of: keys[2500]) == 1001)
        #expect(!table.insert(keys[5]) && table.count == 1001)
        table.removeAll(above: 2000)
        #expect(table.count == 1001)
        table.removeAll(above: 0)
        #expect(table.count == 0 && table.highestId == 0 && table.id(of: keys[0]) == nil)
        #expect(table.insert(keys[0]) && table.id(of: keys[0]) == 1)
    }

    // MARK: - Person index

    func pseudonym(_ n: Int) -> Pseudonym { Pseudonym(hex: P(n))! }

    func insert(_ persons: [(id: Int, pseudonym: String)], into db: Database) throws {
        for person in persons {
            try db.run("INSERT INTO person (person_id, pseudo_id) VALUES (?, ?)", [.int(person.id), .text(person.pseudonym)])
        }
    }

    @Test func personIndexNumbersPseudonymsInFirstSeenOrder() throws {
        let ws = try Workspace()
        let db = try ws.open()
        let index = try PersonIndex(db: db)
        // What a Dictionary from pseudonym to id gave: the next id for a new person, the
        // same id for a repeat.
        var random = SeededRandom(seed: 14)
        var reference: [String: Int] = [:]
        for _ in 0..<5000 {
            let n = random.int(1...2000)
            let expected = reference[P(n)] ?? reference.count + 1
            reference[P(n)] = expected
            #expect(index.id(for: pseudonym(n), text: P(n)) == expected)
        }
        let pending = index.takePending()
        #expect(pending.map { $0.id } == Array(1...reference.count))
        #expect(pending.allSatisfy { reference[$0.pseudonym] == $0.id })
        #expect(index.takePending().isEmpty)
        try insert(pending, into: db)

        // Persons assigned after a mark are forgotten when the load rolls back to it.
        let mark = index.mark
        #expect(index.id(for: pseudonym(5000), text: P(5000)) == reference.count + 1)
        #expect(index.id(for: pseudonym(5002), text: P(5002)) == reference.count + 2)
        index.rollBack(to: mark)
        #expect(index.takePending().isEmpty && index.mark == mark)
        for (text, id) in reference { #expect(index.id(for: Pseudonym(hex: text)!, text: text) == id) }
        #expect(index.id(for: pseudonym(5001), text: P(5001)) == reference.count + 1)
        #expect(index.id(for: pseudonym(5000), text: P(5000)) == reference.count + 2)
        // A fresh index from the database agrees with the rolled-back one on what was saved.
        let fresh = try PersonIndex(db: db)
        for (text, id) in reference.prefix(200) { #expect(fresh.id(for: Pseudonym(hex: text)!, text: text) == id) }
        #expect(fresh.takePending().isEmpty)
    }

    @Test func personIndexContinuesAfterTheHighestIdInTheDatabase() throws {
        let ws = try Workspace()
        let db = try ws.open()
        // Ids 3 and 4 are gone (an erasure); the next person gets 8, not 6.
        try insert([(1, P(1)), (2, P(2)), (5, P(5)), (6, P(6)), (7, P(7))], into: db)
        let index = try PersonIndex(db: db)
        #expect(index.id(for: pseudonym(5), text: P(5)) == 5)
        #expect(index.id(for: pseudonym(7), text: P(7)) == 7)
        #expect(index.id(for: pseudonym(3), text: P(3)) == 8)
        #expect(index.id(for: pseudonym(1), text: P(1)) == 1)
        #expect(index.takePending().map { $0.pseudonym } == [P(3)])
    }
}
