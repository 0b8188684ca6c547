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
    package var matchedSets: String
    package var matching: Matching
}

/// Builds the comparison for one cut-off.
package struct ComparisonStage {
    package let config: PipelineConfig
    package let asOf: Day
    package let pseudonyms: [Int: [UInt8]]

    /// The pseudonyms (64 hex bytes) of every person, from the person table.
    package static func pseudonyms(db: Database) throws -> [Int: [UInt8]] {
        var result: [Int: [UInt8]] = [:]
        try PersonStore(db: db).forEach { id, hex in result[id] = Array(hex) }
        return result
    }

    package func run(cohort: Cohort, inputs: CohortInputs, gates: [CohortTables]) -> ComparisonOutput {
        let matcher = RiskSetMatcher(controlsPerEntry: config.comparison.controlsPerEntry, ageLimit: config.cohort.ageLimit)
        let population = Array(inputs.residents.personIds.compactMap { person in inputs.resident(person).map { Self.child(person, $0) } })
        // Exposed children, each once at its earliest index date; only those living in the
        // municipality on that day are offered (otherwise there is nobody like them to draw).
        let exposed = ExposedChildren(entries: cohort.entries) { person in inputs.resident(person).map { Self.child(person, $0) } }
        let offered = exposed.offered
        let joins = Self.firstGroupStart(inputs)
        let key = Array(config.comparison.seed.utf8)
        let hmac = HMACSHA256(key: key)
        let matching = matcher.match(exposed: offered, population: population, care: inputs.care, firstGroupStart: joins,
                                     order: { pseudonyms[$0] ?? [] },
                                     rank: { person, day in hmac.authenticate((pseudonyms[person] ?? []) + Array(day.iso.utf8)) })
        let counted = Matching(sets: matching.sets, exposed: matching.exposed + exposed.unmatchable, partlyMatched: matching.partlyMatched)

        // Both arms with the same rules; a control also stops the day it or a parent joins a group.
        let rules = ChildFollowUp(asOf: asOf, ageLimit: config.cohort.ageLimit)
        var exposedTimes: [(ExposedChild, SurvivalTime)] = [], controlTimes: [(ExposedChild, SurvivalTime)] = []
        var exposedRecords: [BalanceRecord] = [], controlRecords: [BalanceRecord] = []
        for set in matching.sets {
            let e = set.exposed
            exposedTimes.append((e, rules.follow(e.child, from: e.index, care: inputs.care, joinsGroup: nil).survivalTime))
            exposedRecords.append(balance(e.child, index: e.index, matcher: matcher, care: inputs.care))
            for control in set.controls {
                controlTimes.append((e, rules.follow(control, from: e.index, care: inputs.care, joinsGroup: joins[control.personId]).survivalTime))
                controlRecords.append(balance(control, index: e.index, matcher: matcher, care: inputs.care))
            }
        }
        let strata = Self.strata(exposed: exposedTimes, controls: controlTimes, withDistrict: population.contains { $0.district != nil })
        let tables = gates.map { gate in
            [gate.comparison(strata), gate.comparisonCurve(strata),
             gate.balance(exposed: exposedRecords, comparison: controlRecords, matching: counted, controlsPerEntry: config.comparison.controlsPerEntry)]
        }
        var lines = [["exposed_pseudo_id", "control_pseudo_id", "index_date"]]
        for set in matching.sets {
            for control in set.controls {
                lines.append([Self.text(pseudonyms[set.exposed.child.personId]), Self.text(pseudonyms[control.personId]), set.exposed.index.iso])
            }
        }
        return ComparisonOutput(tables: tables, matchedSets: lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n", matching: counted)
    }

    // MARK: - Pieces

    static func child(_ person: Int, _ r: Resident) -> RegisteredChild {
        RegisteredChild(personId: person, birthYear: r.birthYear, birthMonth: r.birthMonth, sex: r.sex?.name, district: r.district,
                        registeredFrom: r.registeredFrom, registeredUntil: r.movedOut, died: r.died)
    }

    static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

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
                             earlierDecisions: care[child.personId].filter { $0.start < index }.count)
    }

    /// `all`, then participant role, group type, index year and (with districts) district;
    /// controls take their exposed child's values, so matched sets stay together.
    static func strata(exposed: [(ExposedChild, SurvivalTime)], controls: [(ExposedChild, SurvivalTime)], withDistrict: Bool) -> [ComparisonStratum] {
        var variables: [(String, (ExposedChild) -> String)] = [
            ("participant_role", { $0.participantRole }), ("group_type", { $0.groupType }), ("index_year", { String($0.index.year) }),
        ]
        if withDistrict { variables.append(("district", { $0.child.district ?? "(unknown)" })) }
        var result = [ComparisonStratum(stratum: .all, exposed: exposed.map(\.1), comparison: controls.map(\.1))]
        for (variable, value) in variables {
            let values = Set(exposed.map { value($0.0) }).sorted { a, b in
                if let x = Int(a), let y = Int(b) { return x < y }
                return a < b
            }
            for v in values {
                result.append(ComparisonStratum(stratum: Stratum(variable: variable, value: v),
                                                exposed: exposed.filter { value($0.0) == v }.map(\.1),
                                                comparison: controls.filter { value($0.0) == v }.map(\.1)))
            }
        }
        return result
    }
}
