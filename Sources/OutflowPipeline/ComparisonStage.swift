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
    /// The database: the pseudonyms that order exposed children, rank candidates and name the
    /// matched sets are read from its person table in two passes, never all kept in memory;
    /// the second on a connection of its own, while both arms are followed.
    package let db: Database

    package func run(cohort: Cohort, inputs: CohortInputs, gates: [CohortTables]) throws -> ComparisonOutput {
        let matcher = RiskSetMatcher(controlsPerEntry: config.comparison.controlsPerEntry, ageLimit: config.cohort.ageLimit)
        let register = { (person: Int) in inputs.resident(person).map { RegisteredChild(personId: person, $0) } }
        // Exposed children, each once at its earliest index date; only those living in the
        // municipality on that day are offered (otherwise there is nobody like them to draw).
        let exposed = ExposedChildren(entries: cohort.entries, register: register)
        let offered = exposed.offered
        let population = inputs.residents.personIds
        let joins = Self.firstGroupStart(inputs)

        // First pass: every resident's rank (the first 8 bytes of HMAC-SHA256(seed, pseudonym),
        // big-endian), hashed in batches on every core as the person table is read, and the
        // exposed children's pseudonyms, for their order.
        let persons = PersonStore(db: db)
        let highest = try persons.extent().highestId
        let isResident = PersonSet(population.filter { $0 <= highest }, maxId: highest)
        let isExposed = PersonSet(offered.lazy.map(\.child.personId).filter { $0 <= highest }, maxId: highest)
        var names = HexTable(capacity: isExposed.count)
        var cells: CandidateCells
        do {
            // Ranks by the resident's position in the register, not by person id: the register
            // is a fraction of all persons. They are let go of at the end of this block, before
            // the draw.
            let residents = inputs.residents
            let hasher = RankHasher(key: Array(config.comparison.seed.utf8), count: residents.count)
            // Both in ascending order of id: a resident's position is found by walking along.
            var position = 0
            try persons.forEach { id, hex in
                guard id <= highest else { return }
                if isResident.contains(id) {
                    while position < residents.count && residents.personId(at: position) < id { position += 1 }
                    if position < residents.count && residents.personId(at: position) == id { hasher.add(position, hex) }
                }
                if isExposed.contains(id) { names.add(id, hex) }
            }
            hasher.finish()
            cells = matcher.candidates(for: offered, register: residents, care: inputs.care, firstGroupStart: joins, rank: hasher.rank)
        }
        var matching = matcher.match(exposed: offered, cells: &cells, care: inputs.care, order: { names.hex($0) })
        cells = CandidateCells.empty
        matching.exposed += exposed.unmatchable
        // Second pass, on its own connection while both arms are followed: the controls'
        // pseudonyms, for the steward's file, put in the order of its lines as the person
        // table goes by (so writing the file reads them front to back).
        let controlNames = Background { [path = db.path, access = db.access, controls = matching.allControls] in
            var names = ControlNames(controls: controls)
            try PersonStore(db: try Database.companion(path: path, access: access)).forEach { id, hex in names.offer(id, hex) }
            return names
        }
        defer { _ = try? controlNames.wait() }

        // Both arms with the same rules; a control also stops the day it or a parent joins a
        // group. Each follow-up keeps the number of its matched set, not a copy of the set.
        let rules = ChildFollowUp(asOf: asOf, ageLimit: config.cohort.ageLimit)
        var exposedTimes: [(set: Int32, time: SurvivalTime)] = [], controlTimes: [(set: Int32, time: SurvivalTime)] = []
        exposedTimes.reserveCapacity(matching.matched)
        controlTimes.reserveCapacity(matching.controlCount)
        var exposedRecords = BalanceRecords(), controlRecords = BalanceRecords()
        for number in 0..<matching.matched {
            let e = matching.exposedChild(ofSet: number), n = Int32(number), spells = inputs.care[e.child.personId]
            exposedTimes.append((n, rules.follow(e.child, from: e.index, spells: spells, joinsGroup: nil).survivalTime))
            exposedRecords.append(balance(e.child, index: e.index, matcher: matcher, spells: spells))
            for person in matching.controls(ofSet: number) {
                guard let control = register(Int(person)) else { continue }
                let spells = inputs.care[Int(person)]
                controlTimes.append((n, rules.follow(control, from: e.index, spells: spells, joinsGroup: joins[Int(person)]).survivalTime))
                controlRecords.append(balance(control, index: e.index, matcher: matcher, spells: spells))
            }
        }
        let strata = Self.strata(matching, exposed: exposedTimes, controls: controlTimes,
                                 withDistrict: inputs.residents.anyDistrict)
        exposedTimes = []
        controlTimes = []
        let tables = gates.map { gate in
            [gate.comparison(strata), gate.comparisonCurve(strata),
             gate.balance(exposed: exposedRecords, comparison: controlRecords, matching: matching, controlsPerEntry: config.comparison.controlsPerEntry)]
        }
        let controls = try controlNames.wait()
        return ComparisonOutput(tables: tables, matchedSets: MatchedSetsFile(matching: matching, exposedNames: names, controlNames: controls), matching: matching)
    }

    // MARK: - Pieces

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

    func balance(_ child: RegisteredChild, index: Day, matcher: RiskSetMatcher, spells: ArraySlice<CareSpell>) -> BalanceRecord {
        let birth = Day(year: child.birthYear, month: child.birthMonth ?? 7, day: 1)!
        return BalanceRecord(birthYear: child.birthYear, ageAtIndex: Double(index - birth) / 365.25, sex: child.sex, district: child.district,
                             priorCare: matcher.hadPriorCare(spells: spells, before: index),
                             earlierDecisions: spells.reduce(0) { $0 + ($1.start < index ? 1 : 0) })
    }

    /// `all`, then participant role, group type, index year and (with districts) district;
    /// controls take their exposed child's values (their set's), so matched sets stay together.
    static func strata(_ matching: Matching, exposed: [(set: Int32, time: SurvivalTime)], controls: [(set: Int32, time: SurvivalTime)],
                       withDistrict: Bool) -> [ComparisonStratum] {
        var variables: [(String, (ExposedChild) -> String)] = [
            ("participant_role", { $0.participantRole }), ("group_type", { $0.groupType }), ("index_year", { String($0.index.year) }),
        ]
        if withDistrict { variables.append(("district", { $0.child.district ?? "(unknown)" })) }
        // Times are handed over as arrays, so the analysis target's own specialised tally reads them.
        var result = [ComparisonStratum(stratum: .all, exposed: exposed.map(\.time), comparison: controls.map(\.time))]
        for (variable, value) in variables {
            // Each set's value as a number, then each arm's times split by it in one pass.
            let ofSet = (0..<matching.matched).map { value(matching.exposedChild(ofSet: $0)) }
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

/// `restricted/matched_sets.csv`, written line by line when published: a large run has a
/// million pairs, too many to hold as text.
package struct MatchedSetsFile: Sendable {
    let matching: Matching
    let exposedNames: HexTable
    let controlNames: ControlNames

    package var pairCount: Int { matching.controlCount }

    /// The file in chunks of about 64 KiB: one line per control, sets in draw order. Each
    /// line is 141 bytes, written in place into one buffer (a million lines).
    package func write(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let header = Array("exposed_pseudo_id,control_pseudo_id,index_date\n".utf8)
        try header.withUnsafeBytes(emit)
        let lineLength = 64 + 1 + 64 + 1 + 10 + 1, linesPerChunk = 512
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: lineLength * linesPerChunk)
        defer { buffer.deallocate() }
        // What a set's lines share, written once per set: the exposed child's pseudonym and
        // the index date, around the control's pseudonym.
        let shared = UnsafeMutablePointer<UInt8>.allocate(capacity: lineLength)
        defer { shared.deallocate() }
        var used = 0
        for number in 0..<matching.matched {
            let exposed = matching.exposedChild(ofSet: number)
            let day = Array(exposed.index.iso.utf8)
            guard day.count == 10, exposedNames.writeHex(of: exposed.child.personId, to: shared) else { continue }
            shared[64] = UInt8(ascii: ",")
            shared[129] = UInt8(ascii: ",")
            for i in 0..<10 { shared[130 + i] = day[i] }
            shared[140] = UInt8(ascii: "\n")
            for position in matching.controls(ofSet: number).indices {
                let line = buffer + used
                guard controlNames.writeHex(ofLine: position, to: line + 65) else { continue }
                line.update(from: shared, count: 65)
                (line + 129).update(from: shared + 129, count: lineLength - 129)
                used += lineLength
                if used == lineLength * linesPerChunk {
                    try emit(UnsafeRawBufferPointer(start: buffer, count: used))
                    used = 0
                }
            }
        }
        try emit(UnsafeRawBufferPointer(start: buffer, count: used))
    }
}
