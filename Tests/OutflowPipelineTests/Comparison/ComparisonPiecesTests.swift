// The comparison stage's own pieces: ranks hashed on worker threads equal the HMAC computed
// directly, in every slot and across batches; the pseudonym tables give back what they were
// given; matched_sets.csv lines carry each control's own pseudonym in draw order.

import Foundation
import Testing
import OutflowCore
import OutflowAnalysis
@testable import OutflowPipeline
import OutflowTestSupport

struct ComparisonPiecesTests {
    static func hex(_ n: Int) -> [UInt8] { Array(P(n).utf8) }

    @Test func ranksEqualTheHMACPrefixInEverySlotAcrossBatches() {
        let key = Array("outflow".utf8)
        let count = 20_000   // more than two batches
        let hasher = RankHasher(key: key, count: count + 1)
        for slot in 0..<count { Self.hex(slot + 1).withUnsafeBufferPointer { hasher.add(slot, $0) } }
        Array("short".utf8).withUnsafeBufferPointer { hasher.add(count, $0) }   // not 64 characters: rank 0
        hasher.finish()
        let hmac = HMACSHA256(key: key)
        for slot in [0, 1, 8_191, 8_192, 16_383, 16_384, count - 1] {
            let expected = hmac.authenticate(Self.hex(slot + 1)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(hasher.rank(slot) == expected)
        }
        #expect(hasher.rank(count) == 0)
    }

    @Test func pseudonymTablesGiveBackWhatTheyWereGiven() {
        var names = HexTable(capacity: 3)
        for id in [3, 9, 27] { Self.hex(id).withUnsafeBufferPointer { names.add(id, $0) } }
        Self.hex(4).withUnsafeBufferPointer { names.add(4, $0) }   // out of order: ignored
        #expect(names.hex(9) == Self.hex(9) && names.hex(27) == Self.hex(27))
        #expect(names.hex(4).isEmpty && names.hex(10).isEmpty)

        // Controls by line: person 8 drawn twice (lines 0 and 3), person 5 missing from the table.
        var controls = ControlNames(controls: [8, 2, 5, 8])
        for id in [1, 2, 8, 11] { Self.hex(id).withUnsafeBufferPointer { controls.offer(id, $0) } }
        var line = [UInt8](repeating: 0, count: 64)
        func text(_ k: Int) -> String? {
            line.withUnsafeMutableBufferPointer { controls.writeHex(ofLine: k, to: $0.baseAddress!) } ? String(decoding: line, as: UTF8.self) : nil
        }
        #expect(text(0) == P(8) && text(1) == P(2) && text(3) == P(8))
        #expect(text(2) == nil && text(4) == nil)
    }

    @Test func matchedSetsLinesNameEachControlInDrawOrder() throws {
        let day = Day(parsing: "2024-05-01")!
        func exposed(_ id: Int) -> ExposedChild {
            ExposedChild(child: RegisteredChild(personId: id, birthYear: 2012, sex: "V"), index: day, participantRole: "jongere", groupType: "g")
        }
        let population = (20...29).map { RegisteredChild(personId: $0, birthYear: 2012, sex: "V") }
        let matching = RiskSetMatcher(controlsPerEntry: 2, ageLimit: 18)
            .match(exposed: [exposed(1), exposed(2)], population: population, care: PersonGroups(), firstGroupStart: [:],
                   order: { Array(P($0).utf8) }, rank: { UInt64($0) })
        #expect(matching.allControls == matching.sets.flatMap { $0.controls.map(Int32.init) })
        var exposedNames = HexTable(capacity: 2)
        for id in [1, 2] { Self.hex(id).withUnsafeBufferPointer { exposedNames.add(id, $0) } }
        var controlNames = ControlNames(controls: matching.allControls)
        for id in 20...29 { Self.hex(id).withUnsafeBufferPointer { controlNames.offer(id, $0) } }
        var bytes: [UInt8] = []
        try MatchedSetsFile(matching: matching, exposedNames: exposedNames, controlNames: controlNames).write { bytes += $0 }
        let expected = ["exposed_pseudo_id,control_pseudo_id,index_date"]
            + matching.sets.flatMap { set in set.controls.map { "\(P(set.exposed.child.personId)),\(P($0)),2024-05-01" } }
        #expect(String(decoding: bytes, as: UTF8.self) == expected.joined(separator: "\n") + "\n")
        #expect(matching.controlCount == 4)
    }
}
