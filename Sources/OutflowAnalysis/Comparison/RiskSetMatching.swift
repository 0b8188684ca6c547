// Risk-set matching of docs/methods.md section 11: for each exposed child, in order of index
// date (ties: pseudonym order), up to `controlsPerEntry` children of the population register
// who were eligible on that same day, alike in birth year, sex, district and prior care, drawn
// without replacement in the order of a keyed hash of their pseudonym and the day. Pure: the
// pipeline hands in plain values and a rank function; nothing here touches the database.
//
// Candidates are indexed once by (birth year, sex, district) cell. Exposed children of the
// same day and cell are matched together, so each cell is ranked once per day it is asked
// for, not once per exposed child; children of other cells never compete for a candidate,
// so this gives the same draw as matching one exposed child after the other.

import OutflowCore

/// A child of the population register, as the comparison needs it.
public struct RegisteredChild: Sendable, Equatable {
    public var personId: Int
    public var birthYear: Int
    /// 1-12; nil when the register does not give it.
    public var birthMonth: Int?
    /// `M`, `V` or `X`; nil when not delivered.
    public var sex: String?
    public var district: String?
    public var registeredFrom: Day?
    public var registeredUntil: Day?
    public var died: Day?

    public init(personId: Int, birthYear: Int, birthMonth: Int? = nil, sex: String? = nil, district: String? = nil,
                registeredFrom: Day? = nil, registeredUntil: Day? = nil, died: Day? = nil) {
        self.personId = personId
        self.birthYear = birthYear
        self.birthMonth = birthMonth
        self.sex = sex
        self.district = district
        self.registeredFrom = registeredFrom
        self.registeredUntil = registeredUntil
        self.died = died
    }

    /// The day the child turns `ageLimit`: the first day of the birth month, else 1 July.
    public func ageLimitDay(_ ageLimit: Int) -> Day {
        Day(year: birthYear + ageLimit, month: birthMonth ?? 7, day: 1)!
    }

    /// Living in the municipality on day `d`.
    public func isRegistered(on d: Day) -> Bool {
        (registeredFrom.map { $0 <= d } ?? true) && (registeredUntil.map { $0 > d } ?? true) && (died.map { $0 > d } ?? true)
    }

    /// The matching cell: birth year, sex and district (missing matches missing).
    var cell: Cell { Cell(birthYear: birthYear, sex: sex, district: district) }

    struct Cell: Hashable {
        var birthYear: Int
        var sex: String?
        var district: String?
    }
}

/// One exposed child to be matched: its own register row, its index date and the stratum
/// values its controls take over.
public struct ExposedChild: Sendable, Equatable {
    public var child: RegisteredChild
    public var index: Day
    /// `jongere`, or `kind van opvoeder` for a caregiver's child.
    public var participantRole: String
    public var groupType: String

    public init(child: RegisteredChild, index: Day, participantRole: String, groupType: String) {
        self.child = child
        self.index = index
        self.participantRole = participantRole
        self.groupType = groupType
    }
}

/// An exposed child with the controls drawn for it.
public struct MatchedSet: Sendable, Equatable {
    public var exposed: ExposedChild
    public var controls: [RegisteredChild]
}

/// The matching's result and its counts.
public struct Matching: Sendable {
    public var sets: [MatchedSet]
    /// Exposed children offered for matching.
    public var exposed: Int
    /// Of those, with at least one control.
    public var matched: Int { sets.count }
    /// Without any control (kept out of the comparison).
    public var unmatched: Int { exposed - sets.count }
    /// Matched with fewer controls than asked.
    public var partlyMatched: Int

    public init(sets: [MatchedSet], exposed: Int, partlyMatched: Int) {
        self.sets = sets
        self.exposed = exposed
        self.partlyMatched = partlyMatched
    }
}

/// The rules of eligibility and likeness, and the draw.
public struct RiskSetMatcher: Sendable {
    public var controlsPerEntry: Int
    public var ageLimit: Int
    public var priorCareDays = 365

    public init(controlsPerEntry: Int, ageLimit: Int) {
        self.controlsPerEntry = controlsPerEntry
        self.ageLimit = ageLimit
    }

    /// Matches `exposed` against `population`.
    /// - Parameters:
    ///   - care: individual-care spells per person (the outcome's categories, withdrawn left out).
    ///   - firstGroupStart: per person, the earliest start of a group episode of the child or
    ///     of a parent; a child is never a control on or after that day.
    ///   - order: the sort key of a person for ties between exposed children (their pseudonym).
    ///   - rank: the draw order of a candidate on a day (a keyed hash of pseudonym and day).
    public func match(exposed: [ExposedChild], population: [RegisteredChild], care: PersonGroups<CareSpell>,
                      firstGroupStart: [Int: Day], order: (Int) -> [UInt8], rank: (Int, Day) -> [UInt8]) -> Matching {
        var cells: [RegisteredChild.Cell: [Int]] = [:]
        for (i, child) in population.enumerated() { cells[child.cell, default: []].append(i) }
        let sorted = exposed.indices.sorted { a, b in
            let (x, y) = (exposed[a], exposed[b])
            if x.index != y.index { return x.index < y.index }
            return order(x.child.personId).lexicographicallyPrecedes(order(y.child.personId))
        }
        var used = Set<Int>()
        var sets: [MatchedSet] = []
        var partly = 0
        var start = 0
        while start < sorted.count {
            // One day at a time; within it, children of different cells never compete for a
            // candidate, so each cell is ranked once and its children matched in order.
            let day = exposed[sorted[start]].index
            var end = start
            var byCell: [RegisteredChild.Cell: [Int]] = [:], cellOrder: [RegisteredChild.Cell] = []
            while end < sorted.count, exposed[sorted[end]].index == day {
                let cell = exposed[sorted[end]].child.cell
                if byCell[cell] == nil { cellOrder.append(cell) }
                byCell[cell, default: []].append(sorted[end])
                end += 1
            }
            for cell in cellOrder {
                let candidates = (cells[cell] ?? []).compactMap { i -> (child: RegisteredChild, prior: Bool, rank: [UInt8])? in
                    let child = population[i]
                    guard !used.contains(child.personId), isEligible(child, on: day, care: care, firstGroupStart: firstGroupStart) else { return nil }
                    return (child, hadPriorCare(child.personId, before: day, care: care), rank(child.personId, day))
                }.sorted { $0.rank.lexicographicallyPrecedes($1.rank) }
                for k in byCell[cell]! {
                    let entry = exposed[k]
                    let prior = hadPriorCare(entry.child.personId, before: day, care: care)
                    var controls: [RegisteredChild] = []
                    for candidate in candidates where controls.count < controlsPerEntry {
                        guard candidate.prior == prior, candidate.child.personId != entry.child.personId,
                              !used.contains(candidate.child.personId) else { continue }
                        used.insert(candidate.child.personId)
                        controls.append(candidate.child)
                    }
                    if controls.isEmpty { continue }
                    if controls.count < controlsPerEntry { partly += 1 }
                    sets.append(MatchedSet(exposed: entry, controls: controls))
                }
            }
            start = end
        }
        return Matching(sets: sets, exposed: exposed.count, partlyMatched: partly)
    }

    /// Eligible as a control on day `d`: registered and alive, under the age limit, not in
    /// individual care (section 3 step 8's rule), and never in a group, nor a parent in one,
    /// on or before `d`.
    public func isEligible(_ child: RegisteredChild, on d: Day, care: PersonGroups<CareSpell>, firstGroupStart: [Int: Day]) -> Bool {
        child.isRegistered(on: d) && child.ageLimitDay(ageLimit) > d
            && (firstGroupStart[child.personId].map { $0 > d } ?? true)
            && !care[child.personId].contains { $0.start < d && ($0.end == nil || $0.end! >= d) }
    }

    /// Any individual-care decision active in the `priorCareDays` before `d`.
    public func hadPriorCare(_ person: Int, before d: Day, care: PersonGroups<CareSpell>) -> Bool {
        care[person].contains { $0.isActive(from: d - priorCareDays, before: d) }
    }
}
