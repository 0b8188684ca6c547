// The flat tables behind the person index and duplicate-key detection, checked against
// Swift's Set and Dictionary: random keys through many growth steps, ids that share a first
// slot (probing, wrap-around at the end of the table), forgetting the keys of a rolled-back
// load, and the person index numbering pseudonyms as it did with a Dictionary.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowSynthetic
import OutflowTestSupport

struct FlatKeyTableTests {
    func randomPseudonym(_ random: inout SeededRandom) -> Pseudonym {
        Pseudonym(hex: (0..<4).map { _ in String(repeating: "0", count: 16) + String(random.next() as UInt64, radix: 16) }
            .map { String($0.suffix(16)) }.joined())!
    }

    @Test func rowKeySetMatchesSwiftSetThroughGrowth() {
        var random = SeededRandom(seed: 11)
        let set = RowKeySet()
        var reference: Set<[UInt8]> = []
        var drawn: [[UInt8]] = []
        for step in 0..<60_000 {
            // Every fourth insert repeats an earlier key; the others are 0 to 40 bytes, many
            // sharing a prefix with an earlier key or differing from it only in length.
            let key: [UInt8]
            if step % 4 == 3 {
                key = drawn[random.int(0...(drawn.count - 1))]
            } else if step % 4 == 2 {
                key = drawn[random.int(0...(drawn.count - 1))] + [UInt8(random.int(0...1))]
            } else {
                key = (0..<random.int(0...40)).map { _ in UInt8(random.int(0...255)) }
            }
            drawn.append(key)
            let inserted = key.withUnsafeBytes { set.insert($0) }
            #expect(inserted == reference.insert(key).inserted)
            if step & 0x0FFF == 0 { #expect(set.count == reference.count) }
        }
        #expect(set.count == reference.count)
        for key in drawn { #expect(!key.withUnsafeBytes { set.insert($0) }) }
        #expect(set.count == reference.count)
    }

    @Test func mapMatchesSwiftDictionaryWithGivenIds() {
        var random = SeededRandom(seed: 12)
        let table = FlatKeyTable()
        table.reserve(5000)
        var reference: [Pseudonym: Int32] = [:]
        var keys: [Pseudonym] = []
        var nextId: Int32 = 1
        for step in 0..<20_000 {
            let key = step % 3 == 2 ? keys[random.int(0...(keys.count - 1))] : randomPseudonym(&random)
            if step % 3 != 2 { keys.append(key) }
            // Ids with gaps, as persons removed by an erasure leave them.
            let (id, inserted) = table.insert(key, id: nextId)
            if let known = reference[key] {
                #expect(!inserted && id == known)
            } else {
                #expect(inserted && id == nextId)
                reference[key] = nextId
                nextId += Int32(random.int(1...3))
            }
        }
        #expect(table.count == reference.count)
        #expect(table.highestId == reference.values.max())
        for key in keys { #expect(table.id(of: key) == reference[key]) }
        for _ in 0..<1000 { #expect(table.id(of: randomPseudonym(&random)) == nil) }
    }

    @Test func idsSharingASlotProbeAndWrapAround() {
        var slots = FlatSlots()
        defer { slots.deallocate() }
        // The first slot is the hash's top bits. Hash ~0 starts at the last slot whatever the
        // number of slots, so its run wraps to the start, where hash 0 starts, and is carried
        // through each growth; hash 0xC0... starts three quarters in, clear of that run.
        // Id n has hash `hashes[n - 1]`.
        let quarter: UInt64 = 0xC000_0000_0000_0000
        let hashes: [UInt64] = Array(repeating: ~0, count: 300) + Array(repeating: 0, count: 50) + [quarter]
        let hashOf = { (id: Int32) in hashes[Int(id) - 1] }
        for (i, hash) in zip(1..., hashes) {
            let (found, slot) = slots.find(hash) { _ in false }
            #expect(found == 0)
            slots.fill(slot, hash: hash, with: Int32(i), hashOf: hashOf)
        }
        for (slotCount, quarterSlot) in [(512, 384), (8192, 6144)] {
            if slotCount > 512 { slots.reserve(5000, hashOf: hashOf) }
            #expect(slots.count == 351 && slots.slotCount == slotCount)
            // Every id is found on its own hash's run.
            for (i, hash) in zip(1..., hashes) { #expect(slots.find(hash) { $0 == Int32(i) }.id == Int32(i)) }
            // The run of ~0 holds the last slot and slots 0...348, shared with hash 0's run.
            let last = slots.find(~0) { _ in true }
            #expect(last.slot == slotCount - 1 && hashes[Int(last.id) - 1] == ~0)
            #expect(slots.find(~0) { _ in false }.slot == 349 && slots.find(0) { _ in false }.slot == 349)
            #expect(slots.find(quarter) { _ in true }.slot == quarterSlot)
            #expect(slots.find(quarter) { _ in false }.slot == quarterSlot + 1)
        }
    }

    @Test func idsBeyondTheIdBitsWidenThemAndStayFound() {
        var slots = FlatSlots()
        defer { slots.deallocate() }
        // A slot keeps 24 id bits at first, a tag of the hash above them; larger ids widen the
        // id bits (a rebuild), down to a one-bit tag at 31. Hashes that agree in every tag bit
        // or differ only there, and ids that differ only above bit 24, are all told apart.
        let ids: [Int32] = [1, 2, 3, (1 << 24) + 1, (1 << 24) + 2, (1 << 27) + 1, (1 << 30) + 3, .max]
        let hashes: [UInt64] = [0x1234_0000_0000_0001, 0x1234_0000_0000_0001, 0x1234_0000_FF00_0001,
                                0x1234_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0, 0x1234_0000_8000_0001, 0x1234_0000_0000_0001]
        let hashOf = { (id: Int32) in hashes[ids.firstIndex(of: id)!] }
        for (id, hash) in zip(ids, hashes) {
            let (found, slot) = slots.find(hash) { _ in false }
            #expect(found == 0)
            slots.fill(slot, hash: hash, with: id, hashOf: hashOf)
            #expect(slots.count == ids.firstIndex(of: id)! + 1)
            // Every id filled so far is still found under its own hash, and only there.
            for (other, otherHash) in zip(ids, hashes).prefix(slots.count) {
                #expect(slots.find(otherHash) { $0 == other }.id == other)
            }
        }
        slots.rebuild(slotCount: 64, keepingIdsUpTo: 1 << 27, hashOf: hashOf)
        #expect(slots.count == 5)
        for (id, hash) in zip(ids, hashes) { #expect((slots.find(hash) { $0 == id }.id == id) == (id <= 1 << 27)) }
    }

    @Test func removeAllAboveForgetsTheLaterKeysOnly() {
        var random = SeededRandom(seed: 13)
        let table = FlatKeyTable()
        let keys = (0..<3000).map { _ in randomPseudonym(&random) }
        for (i, key) in keys.enumerated() { #expect(table.insert(key, id: Int32(i + 1)) == (Int32(i + 1), true)) }
        table.removeAll(above: 1000)
        #expect(table.count == 1000 && table.highestId == 1000)
        for (i, key) in keys.prefix(1000).enumerated() { #expect(table.id(of: key) == Int32(i + 1)) }
        for key in keys.dropFirst(1000) { #expect(table.id(of: key) == nil) }
        // A forgotten key is new again.
        #expect(table.insert(keys[2500], id: 1001) == (1001, true) && table.id(of: keys[2500]) == 1001)
        #expect(table.insert(keys[5], id: 1002) == (6, false) && table.count == 1001)
        table.removeAll(above: 2000)
        #expect(table.count == 1001)
        table.removeAll(above: 0)
        #expect(table.count == 0 && table.highestId == 0 && table.id(of: keys[0]) == nil)
        #expect(table.insert(keys[0], id: 1) == (1, true) && table.id(of: keys[0]) == 1)
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
