// The comparison stage (docs/methods.md section 11): the exposed children of the cohort
// (youth participants, and caregivers' linked minor children at the caregiver's index date,
// each child once at its earliest), matched on the day of their index to children of the
// population register, both arms followed with the same rules, and the tables built through
// the disclosure gate. The matched sets go to the steward only. The pipeline wires the pieces:
// the pseudonyms that order and rank the draw come from the person table; everything else is
// the analysis target's plain values.

import Foundation
import OutflowCore
import OutflowStorage
import OutflowAnalysis
import OutflowPublish

/// What the comparison stage hands to publishing.
package struct ComparisonOutput {
    /// Per gate (protected, then exact): comparison, comparison_curve and balance.
    package var tables: [[PublishedTable]]
    /// `restricted/matched_sets.csv`.
    package var matchedSets: MatchedSetsFile
    package var matching: Matching
}

/// Builds the comparison for one cut-off.
package struct ComparisonStage {
    package let config: PipelineConfig
    package let asOf: Day
    /// The person table: the pseudonyms that order exposed children, rank candidates and name
    /// the matched sets are read from it in two passes, never all kept in memory.
    package let persons: PersonStore

    package func run(cohort: Cohort, inputs: CohortInputs, gates: [CohortTables]) throws -> ComparisonOutput {
        let matcher = RiskSetMatcher(controlsPerEntry: config.comparison.controlsPerEntry, ageLimit: config.cohort.ageLimit)
        let register = { (person: Int) in inputs.resident(person).map { Self.child(person, $0) } }
        // Exposed children, each once at its earliest index date; only those living in the
        // municipality on that day are offered (otherwise there is nobody like them to draw).
        let exposed = ExposedChildren(entries: cohort.entries, register: register)
        let offered = exposed.offered
        let population = inputs.residents.personIds
        let joins = Self.firstGroupStart(inputs)

        // First pass: every resident's rank (the first 8 bytes of HMAC-SHA256(seed, pseudonym),
        // big-endian) and the exposed children's pseudonyms, for their order.
        let highest = try persons.extent().highestId
        var isResident = PersonSet(maxId: highest)
        for person in population where person <= highest { isResident.insert(person) }
        var isExposed = PersonSet(maxId: highest)
        for e in offered where e.child.personId <= highest { isExposed.insert(e.child.personId) }
        var names = HexTable(highestId: highest)
        var residents = HexTable(highestId: highest)
        try persons.forEach { id, hex in
            guard id <= highest else { return }
            if isResident.contains(id) { residents.add(id, hex) }
            if isExposed.contains(id) { names.add(id, hex) }
        }
        var ranks = Self.ranks(of: residents, key: Array(config.comparison.seed.utf8), highestId: highest)
        residents = HexTable(highestId: 0)
        var cells = matcher.candidates(for: offered, population: population, register: register, care: inputs.care,
                                       firstGroupStart: joins, rank: { $0 <= highest ? ranks[$0] : 0 })
        ranks = []
        let matching = matcher.match(exposed: offered, cells: &cells, care: inputs.care, order: { names.hex($0) })
        cells = CandidateCells.empty
        let counted = Matching(sets: matching.sets, exposed: matching.exposed + exposed.unmatchable, partlyMatched: matching.partlyMatched)

        // Both arms with the same rules; a control also stops the day it or a parent joins a
        // group. Each follow-up keeps the number of its matched set, not a copy of the set.
        let rules = ChildFollowUp(asOf: asOf, ageLimit: config.cohort.ageLimit)
        var exposedTimes: [(set: Int32, time: SurvivalTime)] = [], controlTimes: [(set: Int32, time: SurvivalTime)] = []
        var exposedRecords = BalanceRecords(), controlRecords = BalanceRecords()
        var pairs: [MatchedPair] = []
        for (number, set) in matching.sets.enumerated() {
            let e = set.exposed, n = Int32(number)
            exposedTimes.append((n, rules.follow(e.child, from: e.index, care: inputs.care, joinsGroup: nil).survivalTime))
            exposedRecords.append(balance(e.child, index: e.index, matcher: matcher, care: inputs.care))
            for person in set.controls {
                guard let control = register(person) else { continue }
                controlTimes.append((n, rules.follow(control, from: e.index, care: inputs.care, joinsGroup: joins[person]).survivalTime))
                controlRecords.append(balance(control, index: e.index, matcher: matcher, care: inputs.care))
                pairs.append(MatchedPair(exposed: Int32(e.child.personId), control: Int32(person), day: e.index))
            }
        }
        let strata = Self.strata(sets: matching.sets.map(\.exposed), exposed: exposedTimes, controls: controlTimes,
                                 withDistrict: population.contains { inputs.resident($0)?.district != nil })
        exposedTimes = []
        controlTimes = []
        let tables = gates.map { gate in
            [gate.comparison(strata), gate.comparisonCurve(strata),
             gate.balance(exposed: exposedRecords, comparison: controlRecords, matching: counted, controlsPerEntry: config.comparison.controlsPerEntry)]
        }
        // Second pass: the controls' pseudonyms, for the steward's file.
        var isControl = PersonSet(maxId: highest)
        for pair in pairs where Int(pair.control) <= highest { isControl.insert(Int(pair.control)) }
        try persons.forEach { id, hex in
            if id <= highest, isControl.contains(id) { names.add(id, hex) }
        }
        return ComparisonOutput(tables: tables, matchedSets: MatchedSetsFile(pairs: pairs, names: names), matching: counted)
    }

    // MARK: - Pieces

    /// Each kept person's rank: the first 8 bytes (big-endian) of HMAC-SHA256(key, pseudonym as
    /// 64 hex characters), computed on every core; 0 for persons not kept.
    static func ranks(of pseudonyms: HexTable, key: [UInt8], highestId: Int) -> [UInt64] {
        let hmac = HMACSHA256(key: key)
        let ids = pseudonyms.ids
        var ranks = [UInt64](repeating: 0, count: highestId + 1)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        ranks.withUnsafeMutableBufferPointer { out in
            // Each worker writes only the ranks of its own persons (every `workers`-th id), so
            // no two workers ever touch the same element.
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < ids.count {
                    let id = ids[i]
                    let digest = pseudonyms.hex(id).withUnsafeBytes { hmac.authenticate($0) }
                    out[id] = digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
                    i += workers
                }
            }
        }
        return ranks
    }

    static func child(_ person: Int, _ r: Resident) -> RegisteredChild {
        RegisteredChild(personId: person, birthYear: r.birthYear, birthMonth: r.birthMonth, sex: r.sex?.name, district: r.district,
                        registeredFrom: r.registeredFrom, registeredUntil: r.movedOut, died: r.died)
    }


    /// The earliest day each person, or a parent of theirs, started a group episode.
    static func firstGroupStart(_ inputs: CohortInputs) -> [Int: Day] {
        var first: [Int: Day] = [:]
        func note(_ person: Int, _ day: Day) { if first[person].map({ day < $0 }) ?? true { first[person] = day } }
        for e in inputs.episodes {
            note(e.personId, e.start)
            for child in inputs.children[e.personId] { note(child.personId, e.start) }
        }
        return first
    }

    func balance(_ child: RegisteredChild, index: Day, matcher: RiskSetMatcher, care: PersonGroups<CareSpell>) -> BalanceRecord {
        let birth = Day(year: child.birthYear, month: child.birthMonth ?? 7, day: 1)!
        return BalanceRecord(birthYear: child.birthYear, ageAtIndex: Double(index - birth) / 365.25, sex: child.sex, district: child.district,
                             priorCare: matcher.hadPriorCare(child.personId, before: index, care: care),
                             earlierDecisions: care[child.personId].reduce(0) { $0 + ($1.start < index ? 1 : 0) })
    }

    /// `all`, then participant role, group type, index year and (with districts) district;
    /// controls take their exposed child's values (`sets[set]`), so matched sets stay together.
    static func strata(sets: [ExposedChild], exposed: [(set: Int32, time: SurvivalTime)], controls: [(set: Int32, time: SurvivalTime)],
                       withDistrict: Bool) -> [ComparisonStratum] {
        var variables: [(String, (ExposedChild) -> String)] = [
            ("participant_role", { $0.participantRole }), ("group_type", { $0.groupType }), ("index_year", { String($0.index.year) }),
        ]
        if withDistrict { variables.append(("district", { $0.child.district ?? "(unknown)" })) }
        // Times are handed over as arrays, so the analysis target's own specialised tally reads them.
        var result = [ComparisonStratum(stratum: .all, exposed: exposed.map(\.time), comparison: controls.map(\.time))]
        for (variable, value) in variables {
            // Each set's value as a number, then each arm's times split by it in one pass.
            let ofSet = sets.map(value)
            let values = Set(ofSet).sorted { a, b in
                if let x = Int(a), let y = Int(b) { return x < y }
                return a < b
            }
            let number = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
            let numberOfSet = ofSet.map { number[$0]! }
            func split(_ times: [(set: Int32, time: SurvivalTime)]) -> [[SurvivalTime]] {
                var parts = [[SurvivalTime]](repeating: [], count: values.count)
                for t in times { parts[numberOfSet[Int(t.set)]].append(t.time) }
                return parts
            }
            let (e, c) = (split(exposed), split(controls))
            for (i, v) in values.enumerated() {
                result.append(ComparisonStratum(stratum: Stratum(variable: variable, value: v), exposed: e[i], comparison: c[i]))
            }
        }
        return result
    }
}

/// One line of `restricted/matched_sets.csv`, by person id.
struct MatchedPair {
    let exposed: Int32
    let control: Int32
    let day: Day
}

/// `restricted/matched_sets.csv`, written line by line when published: a large run has a
/// million pairs, too many to hold as text.
package struct MatchedSetsFile: Sendable {
    let pairs: [MatchedPair]
    let names: HexTable

    package var pairCount: Int { pairs.count }

    /// The file in chunks of about 64 KiB.
    package func write(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = Array("exposed_pseudo_id,control_pseudo_id,index_date\n".utf8)
        buffer.reserveCapacity(1 << 16 + 256)
        for pair in pairs {
            buffer += names.hex(Int(pair.exposed))
            buffer.append(UInt8(ascii: ","))
            buffer += names.hex(Int(pair.control))
            buffer.append(UInt8(ascii: ","))
            buffer += pair.day.iso.utf8
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 16 {
                try buffer.withUnsafeBytes(emit)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try buffer.withUnsafeBytes(emit)
    }
}

/// The pseudonyms of some persons, kept as their 32 bytes in one flat buffer and given back
/// as 64 lowercase hex characters.
struct HexTable: Sendable {
    private var slot: [Int32]
    private var bytes: [UInt8] = []
    /// The persons added, in the order they were added.
    private(set) var ids: [Int] = []

    init(highestId: Int) { slot = [Int32](repeating: -1, count: highestId + 1) }

    /// Keeps the pseudonym `hex` (64 hex characters) of `id`.
    mutating func add(_ id: Int, _ hex: UnsafeBufferPointer<UInt8>) {
        guard slot[id] < 0, hex.count >= 64 else { return }
        slot[id] = Int32(bytes.count / 32)
        ids.append(id)
        for i in stride(from: 0, to: 64, by: 2) { bytes.append((Hex.value(of: hex[i]) ?? 0) << 4 | (Hex.value(of: hex[i + 1]) ?? 0)) }
    }

    /// The pseudonym of `id` as 64 hex characters, empty when it was not added.
    func hex(_ id: Int) -> [UInt8] {
        guard id >= 0, id < slot.count, slot[id] >= 0 else { return [] }
        let start = Int(slot[id]) * 32
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<32 {
            out[2 * i] = Hex.digits[Int(bytes[start + i] >> 4)]
            out[2 * i + 1] = Hex.digits[Int(bytes[start + i] & 0xF)]
        }
        return out
    }
}
