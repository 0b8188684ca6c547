// Risk-set matching of docs/methods.md section 11: for each exposed child, in order of index
// date (ties: pseudonym order), up to `controlsPerEntry` children of the population register
// who were eligible on that same day, alike in birth year, sex, district and prior care, drawn
// without replacement in the order of a keyed hash of their pseudonym. Pure: the pipeline
// hands in plain values and a rank function; nothing here touches the database.
//
// Candidates are indexed once by (birth year, sex, district) cell and sorted once by rank.
// An exposed child walks its cell from the front and takes the first eligible candidates not
// drawn yet, which are exactly the best-ranked eligible ones. Days only move forward, so a
// candidate who can never be eligible again (moved out, died, aged out, in a group) is
// dropped from the cell as the walk meets it, and so is one who is drawn; skip links jump
// over dropped candidates, so the whole matching costs about one pass over each cell plus a
// few steps per exposed child, however many days there are.

import OutflowCore

/// A child of the population register, as the comparison needs it. Stored in 40 bytes (ids,
/// years and days narrow, sex as its code), because a register holds a million children and
/// every exposed child carries one.
public struct RegisteredChild: Sendable, Equatable {
    private var id: Int32
    private var year: Int16
    private var month: UInt8      // 0: not delivered
    private var sexCode: UInt8    // 0: not delivered
    public var district: String?
    private var from: Day, until: Day, death: Day   // `none` when empty

    private static let none = Day(julian: Int(Int32.min))

    public var personId: Int {
        get { Int(id) }
        set { id = Int32(newValue) }
    }
    public var birthYear: Int {
        get { Int(year) }
        set { year = Int16(clamping: newValue) }
    }
    /// 1-12; nil when the register does not give it.
    public var birthMonth: Int? {
        get { month == 0 ? nil : Int(month) }
        set { month = UInt8(clamping: newValue ?? 0) }
    }
    /// `M`, `V` or `X`; nil when not delivered.
    public var sex: String? {
        get { Sex(rawValue: Int(sexCode))?.name }
        set { sexCode = UInt8(newValue.flatMap(Sex.init(name:))?.rawValue ?? 0) }
    }
    public var registeredFrom: Day? {
        get { from == Self.none ? nil : from }
        set { from = newValue ?? Self.none }
    }
    public var registeredUntil: Day? {
        get { until == Self.none ? nil : until }
        set { until = newValue ?? Self.none }
    }
    public var died: Day? {
        get { death == Self.none ? nil : death }
        set { death = newValue ?? Self.none }
    }

    public init(personId: Int, birthYear: Int, birthMonth: Int? = nil, sex: String? = nil, district: String? = nil,
                registeredFrom: Day? = nil, registeredUntil: Day? = nil, died: Day? = nil) {
        id = Int32(personId)
        year = 0
        month = 0
        sexCode = 0
        self.district = district
        (from, until, death) = (Self.none, Self.none, Self.none)
        self.birthYear = birthYear
        self.birthMonth = birthMonth
        self.sex = sex
        self.registeredFrom = registeredFrom
        self.registeredUntil = registeredUntil
        self.died = died
    }

    /// A resident of the population source as a child of the register.
    public init(personId: Int, _ r: Resident) {
        id = Int32(personId)
        year = Int16(clamping: r.birthYear)
        month = UInt8(clamping: r.birthMonth ?? 0)
        sexCode = UInt8(clamping: r.sex?.rawValue ?? 0)
        district = r.district
        from = r.registeredFrom ?? Self.none
        until = r.movedOut ?? Self.none
        death = r.died ?? Self.none
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
    var cell: Cell { Cell(birthYear: year, sex: sexCode, district: district) }

    struct Cell: Hashable {
        var birthYear: Int16
        var sex: UInt8
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

/// An exposed child with the controls drawn for it (their person ids, in draw order).
public struct MatchedSet: Sendable, Equatable {
    public var exposed: ExposedChild
    public var controls: [Int]
}

/// The matching's result and its counts. The matched sets are kept flat (the exposed child by
/// its position among those offered, the controls one after another), because a large run
/// has a million of them.
public struct Matching: Sendable {
    /// The exposed children offered for matching, as handed to it.
    public let offered: [ExposedChild]
    /// Per matched set, its exposed child's position in `offered`, in the order of the draw.
    private var entries: [Int32] = []
    /// Per matched set, where its controls end in `controlIds`.
    private var ends: [Int32] = []
    private var controlIds: [Int32] = []
    /// Exposed children counted for the comparison (offered, and any the caller adds).
    public var exposed: Int
    /// Of those, with at least one control.
    public var matched: Int { entries.count }
    /// Without any control (kept out of the comparison).
    public var unmatched: Int { exposed - matched }
    /// Matched with fewer controls than asked.
    public var partlyMatched = 0
    /// Controls drawn, over all sets.
    public var controlCount: Int { controlIds.count }

    /// No matched sets yet; every child offered counts as exposed.
    public init(offered: [ExposedChild]) {
        self.offered = offered
        exposed = offered.count
    }

    mutating func add(entry: Int, controls: [Int32]) {
        entries.append(Int32(entry))
        controlIds += controls
        ends.append(Int32(controlIds.count))
    }

    /// The exposed child of matched set `set` (0..<matched).
    public func exposedChild(ofSet set: Int) -> ExposedChild { offered[Int(entries[set])] }

    /// Every control drawn, set after set, each set's in draw order (positions as in
    /// `controls(ofSet:)`).
    public var allControls: [Int32] { controlIds }

    /// The controls of matched set `set`, in draw order.
    public func controls(ofSet set: Int) -> ArraySlice<Int32> {
        controlIds[(set == 0 ? 0 : Int(ends[set - 1]))..<Int(ends[set])]
    }

    /// Every matched set as a value (for tests and small runs).
    public var sets: [MatchedSet] {
        (0..<matched).map { MatchedSet(exposed: exposedChild(ofSet: $0), controls: controls(ofSet: $0).map { Int($0) }) }
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

    /// Matches `exposed` against `population` (tests and small inputs).
    public func match(exposed: [ExposedChild], population: [RegisteredChild], care: PersonGroups<CareSpell>,
                      firstGroupStart: [Int: Day], order: (Int) -> [UInt8], rank: (Int) -> UInt64) -> Matching {
        var byPerson: [Int: Resident] = [:]
        for c in population where byPerson[c.personId] == nil {
            byPerson[c.personId] = Resident(birthYear: c.birthYear, birthMonth: c.birthMonth, sex: c.sex.flatMap(Sex.init(name:)),
                                            district: c.district, registeredFrom: c.registeredFrom, movedOut: c.registeredUntil, died: c.died)
        }
        let register = Residents(byPerson)
        var cells = candidates(for: exposed, register: register, care: care, firstGroupStart: firstGroupStart,
                               rank: { rank(register.personId(at: $0)) })
        return match(exposed: exposed, cells: &cells, care: care, order: order)
    }

    /// The first half of the matching: the candidates of every cell an exposed child needs,
    /// ranked, so the caller can let go of what it ranked them with before the draw.
    /// - Parameter rank: the rank of the resident at a position of `register` (0..<count).
    public func candidates(for exposed: [ExposedChild], register: Residents, care: PersonGroups<CareSpell>,
                           firstGroupStart: [Int: Day], rank: (_ position: Int) -> UInt64) -> CandidateCells {
        // Only cells some exposed child needs are built, each candidate reduced to the days
        // the walk compares (so the walk reads no register row and no map).
        var needed: Set<RegisteredChild.Cell> = []
        for e in exposed { needed.insert(e.child.cell) }
        var cellNumber: [RegisteredChild.Cell: Int32] = [:]
        for cell in needed { cellNumber[cell] = Int32(cellNumber.count) }
        // One pass over the register into one array, reserved up front (a growing array of a
        // million candidates would briefly need three times its size), then laid out cell by
        // cell in place: each candidate is swapped into its cell's stretch.
        var perCell = [Int](repeating: 0, count: cellNumber.count + 1)
        var spells: [CareDays] = []
        spells.reserveCapacity(care.count)
        var all: [Candidate] = []
        all.reserveCapacity(register.count)
        for k in 0..<register.count {
            let person = register.personId(at: k), child = RegisteredChild(personId: person, register[position: k])
            guard let cell = cellNumber[child.cell] else { continue }
            let first = spells.count
            for spell in care[person] { spells.append(CareDays(start: spell.start, end: spell.end ?? CareDays.open)) }
            all.append(Candidate(child, cell: cell, rank: rank(k), firstGroupStart: firstGroupStart[person],
                                 ageLimit: ageLimit, care: first..<spells.count))
            perCell[Int(cell) + 1] += 1
        }
        for c in 0..<cellNumber.count { perCell[c + 1] += perCell[c] }
        var next = perCell
        for c in 0..<cellNumber.count {
            while next[c] < perCell[c + 1] {
                let home = Int(all[next[c]].cell)
                if home == c {
                    next[c] += 1
                } else {
                    all.swapAt(next[c], next[home])
                    next[home] += 1
                }
            }
        }
        // Each cell in rank order, sorted in place (all of them before any queue shares the array).
        for c in 0..<cellNumber.count where perCell[c] < perCell[c + 1] {
            all[perCell[c]..<perCell[c + 1]].sort { ($0.rank, $0.person) < ($1.rank, $1.person) }
        }
        var queues: [CellQueue] = []
        var queueOfCell = [Int](repeating: -1, count: cellNumber.count)
        for c in 0..<cellNumber.count where perCell[c] < perCell[c + 1] {
            queueOfCell[c] = queues.count
            queues.append(CellQueue(all[perCell[c]..<perCell[c + 1]]))
        }
        all = []
        var cellIndex: [RegisteredChild.Cell: Int] = [:]
        for (cell, number) in cellNumber where queueOfCell[Int(number)] >= 0 { cellIndex[cell] = queueOfCell[Int(number)] }
        return CandidateCells(queues: queues, cellIndex: cellIndex, spells: spells)
    }

    /// The second half: the draw from `cells`, which it uses up.
    public func match(exposed: [ExposedChild], cells: inout CandidateCells, care: PersonGroups<CareSpell>, order: (Int) -> [UInt8]) -> Matching {
        let spells = cells.spells, cellIndex = cells.cellIndex
        // Ties of index date by pseudonym: by its first 8 bytes as a number (the full key only
        // when those agree), so a million keys are not held at once.
        let prefixes = exposed.map { e in order(e.child.personId).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        let sorted = exposed.indices.sorted { a, b in
            if exposed[a].index != exposed[b].index { return exposed[a].index < exposed[b].index }
            if prefixes[a] != prefixes[b] { return prefixes[a] < prefixes[b] }
            return order(exposed[a].child.personId).lexicographicallyPrecedes(order(exposed[b].child.personId))
        }
        var matching = Matching(offered: exposed)
        var controls: [Int32] = []
        controls.reserveCapacity(controlsPerEntry)
        for k in sorted {
            let entry = exposed[k], day = entry.index
            guard let cell = cellIndex[entry.child.cell] else { continue }
            let prior = hadPriorCare(entry.child.personId, before: day, care: care)
            let me = Int32(truncatingIfNeeded: entry.child.personId)
            controls.removeAll(keepingCapacity: true)
            // Only a candidate with care can have had care before: one with prior care walks those.
            cells.queues[cell].walk(onlyWithCare: prior) { c in
                if day >= c.gone { return .drop }
                guard c.from <= day, c.person != me else { return .skip }
                if c.careCount > 0 {
                    var inCare = false, hadCare = false
                    for spell in spells[Int(c.careFirst)..<Int(c.careFirst) + Int(c.careCount)] {
                        if spell.isActive(from: day, before: day) { inCare = true }
                        if spell.isActive(from: day - priorCareDays, before: day) { hadCare = true }
                    }
                    guard !inCare, hadCare == prior else { return .skip }
                }
                controls.append(c.person)
                return controls.count < controlsPerEntry ? .take : .takeAndStop
            }
            if controls.isEmpty { continue }
            if controls.count < controlsPerEntry { matching.partlyMatched += 1 }
            matching.add(entry: k, controls: controls)
        }
        return matching
    }

    /// Eligible as a control on day `d`: registered and alive, under the age limit, not in
    /// individual care (section 3 step 8's rule), and never in a group, nor a parent in one,
    /// on or before `d`.
    public func isEligible(_ child: RegisteredChild, on d: Day, care: PersonGroups<CareSpell>, firstGroupStart: [Int: Day]) -> Bool {
        child.isRegistered(on: d) && child.ageLimitDay(ageLimit) > d
            && (firstGroupStart[child.personId].map { $0 > d } ?? true)
            && !isInCare(child.personId, on: d, care: care)
    }

    /// In individual care on `d` (section 3 step 8's rule): a spell active on the day itself.
    func isInCare(_ person: Int, on d: Day, care: PersonGroups<CareSpell>) -> Bool {
        care[person].contains { $0.isActive(from: d, before: d) }
    }

    /// Any individual-care decision active in the `priorCareDays` before `d`.
    public func hadPriorCare(_ person: Int, before d: Day, care: PersonGroups<CareSpell>) -> Bool {
        hadPriorCare(spells: care[person], before: d)
    }

    /// Any of `spells` active in the `priorCareDays` before `d`.
    public func hadPriorCare(spells: ArraySlice<CareSpell>, before d: Day) -> Bool {
        spells.contains { $0.isActive(from: d - priorCareDays, before: d) }
    }
}
