// The questionnaire outputs (methods.md section 9) through the disclosure gate:
// questionnaire.csv (Table 1 per wave, role and item), response.csv (eligible,
// respondents, response rate per wave and role) and persistence.csv (band-to-band
// tables of tracked items between consecutive waves).

import OutflowCore

/// Builds the protected questionnaire tables.
public struct QuestionnaireTables: Sendable {
    public var instrument: Instrument
    public var waves: [WaveConfig]
    public var protection: DisclosureProtection

    public init(instrument: Instrument, waves: [WaveConfig], protection: DisclosureProtection) {
        self.instrument = instrument
        precondition(waves.allSatisfy { (0..<256).contains($0.wave) }, "wave numbers are bytes (the pipeline file allows 1-20)")
        self.waves = waves.sorted { $0.wave < $1.wave }
        self.protection = protection
    }

    /// The position in `waves` of each response wave number (0-255; a response's wave is a
    /// byte), -1 for waves not configured. The first of two equal wave numbers counts.
    package var waveSlots: [Int] {
        var slots = [Int](repeating: -1, count: 256)
        for (w, wave) in waves.enumerated().reversed() { slots[wave.wave] = w }
        return slots
    }

    /// `100 * part / whole` rounded half away from zero to one decimal, in exact integer arithmetic.
    public static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        let tenths = (2000 * part + whole) / (2 * whole)
        return Double(tenths) / 10
    }

    /// Per wave, role and item asked of that role: respondents and the three band shares.
    public func items(_ responses: [Response]) -> PublishedTable { items(itemTallies(responses)) }

    /// Answers counted per configured wave, role, item and value in one flat array: the tally
    /// of wave slot `w`, role r (1, 2), item i and value a is at
    /// `((w * 2 + r - 1) * items + i) * values + a`. One pass; other waves are not counted.
    func itemTallies(_ responses: [Response]) -> [Int] {
        let values = max(instrument.scaleMax, 0) + 1
        let itemCount = instrument.items.count
        let stride = itemCount * values
        let slot = waveSlots
        var tallies = [Int](repeating: 0, count: waves.count * 2 * stride)
        for r in responses {
            let w = slot[r.wave]
            guard w >= 0 else { continue }
            let base = (w * 2 + r.role.rawValue - 1) * stride
            for index in 0..<itemCount {
                if let a = r.answer(index), a < values { tallies[base + index * values + a] += 1 }
            }
        }
        return tallies
    }

    /// `questionnaire.csv` from the tallies of `itemTallies`.
    func items(_ tallies: [Int]) -> PublishedTable {
        let values = max(instrument.scaleMax, 0) + 1
        let stride = instrument.items.count * values
        let slot = waveSlots
        let bands = instrument.bandTable
        var rows: [[Cell]] = []
        for wave in waves {
            for role in Role.allCases {
                let base = (slot[wave.wave] * 2 + role.rawValue - 1) * stride
                for (index, item) in instrument.items.enumerated() where item.roles.contains(role) {
                    var n = 0
                    var counts: [Instrument.Band: Int] = [:]
                    for a in 0..<values {
                        let c = tallies[base + index * values + a]
                        guard c > 0 else { continue }
                        n += c
                        if let band = bands[a] { counts[band, default: 0] += c }
                    }
                    rows.append([.key(String(wave.wave)), .key(role.name), .key(item.code), rounded(n)] + shares(of: counts, respondents: n))
                }
            }
        }
        return PublishedTable(name: "questionnaire", columns: ["wave", "role", "item", "respondents", "pct_disagree", "pct_neutral",
                                                               "pct_agree", "suppressed"], rows: rows, protection: ["respondents": .rounded])
    }

    /// A rounded count, or suppressed.
    private func rounded(_ n: Int) -> Cell { protection.rounded(n).map(Cell.count) ?? .suppressed }

    /// The three band shares computed from the rounded band counts over the rounded number of
    /// respondents shown beside them. A small band is suppressed; when it is the only one, the
    /// smallest other non-empty band is withheld too, so it cannot be had as 100% minus the rest.
    private func shares(of counts: [Instrument.Band: Int], respondents n: Int) -> [Cell] {
        guard n > 0 else { return Instrument.Band.allCases.map { _ in .empty } }
        guard let shownTotal = protection.rounded(n) else { return Instrument.Band.allCases.map { _ in .suppressed } }
        var cells: [Cell] = Instrument.Band.allCases.map { band in
            guard let shown = protection.rounded(counts[band] ?? 0) else { return .suppressed }
            return .percent(Self.percent(shown, of: shownTotal))
        }
        if cells.filter({ $0 == .suppressed }).count == 1 {
            let others = Instrument.Band.allCases.indices.filter { cells[$0] != .suppressed && (counts[Instrument.Band.allCases[$0]] ?? 0) > 0 }
            if let smallest = others.min(by: { (counts[Instrument.Band.allCases[$0]] ?? 0, $0) < (counts[Instrument.Band.allCases[$1]] ?? 0, $1) }) {
                cells[smallest] = .withheld
            }
        }
        return cells
    }

    /// Per wave and role: eligible persons (an episode whose index date + the wave's offset is
    /// on or before the cut-off), respondents (distinct persons) and the response rate.
    public func response(_ responses: [Response], episodes: [Episode], index: CohortConfig.IndexDate, asOf: Day) -> PublishedTable {
        response(responseCounts(responses, episodes: episodes, index: index, asOf: asOf))
    }

    /// Eligible persons and respondents per configured wave and role (wave by wave, roles in
    /// order). One pass over the episodes finds each person's earliest index date per role;
    /// one over the responses marks who responded in each wave and role.
    func responseCounts(_ responses: [Response], episodes: [Episode], index: CohortConfig.IndexDate, asOf: Day) -> [(eligible: Int, respondents: Int)] {
        let maxPerson = max(episodes.lazy.map(\.personId).max() ?? 0, responses.lazy.map(\.personId).max() ?? 0)
        // Earliest index day per role and person (Int32.max: no episode with an index date).
        var earliest = [[Int32]](repeating: [Int32](repeating: .max, count: maxPerson + 1), count: Role.allCases.count)
        for e in episodes {
            guard let day = index == .end ? e.end : e.start else { continue }
            let r = e.role.rawValue - 1
            earliest[r][e.personId] = min(earliest[r][e.personId], Int32(day.julian))
        }
        var responding = [PersonSet](repeating: PersonSet(maxId: maxPerson), count: waves.count * Role.allCases.count)
        let slot = waveSlots
        for r in responses where slot[r.wave] >= 0 {
            responding[slot[r.wave] * Role.allCases.count + r.role.rawValue - 1].insert(r.personId)
        }
        var counts: [(eligible: Int, respondents: Int)] = []
        for wave in waves {
            for role in Role.allCases {
                let last = (asOf - wave.offsetDays).julian
                counts.append((earliest[role.rawValue - 1].reduce(0) { $1 <= last ? $0 + 1 : $0 },
                               responding[slot[wave.wave] * Role.allCases.count + role.rawValue - 1].count))
            }
        }
        return counts
    }

    /// `response.csv` from the counts of `responseCounts`.
    func response(_ counts: [(eligible: Int, respondents: Int)]) -> PublishedTable {
        var rows: [[Cell]] = []
        var next = counts.makeIterator()
        for wave in waves {
            for role in Role.allCases {
                let (eligible, respondents) = next.next()!
                let shown = (protection.rounded(eligible), protection.rounded(respondents))
                var rate: Cell = .empty
                if let e = shown.0, let r = shown.1 { rate = e > 0 ? .proportion(Double(r) / Double(e)) : .empty } else { rate = .withheld }
                rows.append([.key(String(wave.wave)), .key(role.name), rounded(eligible), rounded(respondents), rate])
            }
        }
        return PublishedTable(name: "response", columns: ["wave", "role", "eligible", "respondents", "response_rate", "suppressed"], rows: rows,
                              protection: ["eligible": .rounded, "respondents": .rounded])
    }

    /// For tracked items: persons who answered in wave w and the next configured wave, by band.
    public func persistence(_ responses: [Response]) -> PublishedTable { persistence(persistenceCounts(responses)) }

    /// Persons per tracked item, pair of consecutive waves, band before and band after, in
    /// that order (bands in `Instrument.Band.allCases` order).
    func persistenceCounts(_ responses: [Response]) -> [Int] {
        // Each wave's bands of every tracked item in one pass over the responses.
        let tracked = instrument.items.filter(\.track).map(\.code)
        let bandsByWave = Dictionary(waves.map { ($0.wave, firstBands(responses, items: tracked, wave: $0.wave)) }, uniquingKeysWith: { a, _ in a })
        let bands = Instrument.Band.allCases
        var counts: [Int] = []
        for k in tracked.indices {
            for (from, to) in zip(waves, waves.dropFirst()) {
                let first = bandsByWave[from.wave]![k], second = bandsByWave[to.wave]![k]
                var table = [Int](repeating: 0, count: bands.count * bands.count)
                for person in first.persons {
                    if let band = first[person], let later = second[person] {
                        table[bands.firstIndex(of: band)! * bands.count + bands.firstIndex(of: later)!] += 1
                    }
                }
                counts += table
            }
        }
        return counts
    }

    /// `persistence.csv` from the counts of `persistenceCounts`.
    func persistence(_ counts: [Int]) -> PublishedTable {
        var rows: [[Cell]] = []
        var next = counts.makeIterator()
        for item in instrument.items where item.track {
            for (from, to) in zip(waves, waves.dropFirst()) {
                for a in Instrument.Band.allCases {
                    for b in Instrument.Band.allCases {
                        rows.append([.key(item.code), .key(String(from.wave)), .key(String(to.wave)), .key(a.rawValue), .key(b.rawValue),
                                     rounded(next.next()!)])
                    }
                }
            }
        }
        return PublishedTable(name: "persistence", columns: ["item", "wave_from", "wave_to", "band_from", "band_to", "persons", "suppressed"], rows: rows,
                              protection: ["persons": .rounded])
    }

    /// The three tables (questionnaire, response, persistence) through each of `gates`, the
    /// responses counted once for all of them.
    public func tables(_ responses: [Response], episodes: [Episode], index: CohortConfig.IndexDate, asOf: Day,
                       gates: [DisclosureProtection]) -> [[PublishedTable]] {
        let tallies = itemTallies(responses)
        let response = responseCounts(responses, episodes: episodes, index: index, asOf: asOf)
        let persistence = persistenceCounts(responses)
        return gates.map { gate in
            var tables = self
            tables.protection = gate
            return [tables.items(tallies), tables.response(response), tables.persistence(persistence)]
        }
    }

    /// Each person's band on an item in a wave, from their earliest response of that wave
    /// (responses come ordered by person and completion date).
    public func firstBands(_ responses: [Response], item: String, wave: Int) -> PersonBands {
        firstBands(responses, items: [item], wave: wave)[0]
    }

    /// `firstBands` of several items (in their order), in one pass over the responses.
    public func firstBands(_ responses: [Response], items: [String], wave: Int) -> [PersonBands] {
        var bands = [PersonBands](repeating: PersonBands(), count: items.count)
        let indices = items.map { item in instrument.items.firstIndex { $0.code == item } }
        let table = instrument.bandTable
        var seen = PersonSet()
        for r in responses where r.wave == wave {
            guard !seen.contains(r.personId) else { continue }
            seen.insert(r.personId)
            for (k, index) in indices.enumerated() {
                if let index, let answer = r.answer(index), answer < table.count, let band = table[answer] {
                    bands[k].set(r.personId, band, completed: r.completed)
                }
            }
        }
        return bands
    }
}

/// A band per person id (a byte each), for the persons of one questionnaire table, with
/// the day the banded response was completed (for the landmark of outflow by answer).
public struct PersonBands: Sendable {
    /// `Band.allCases` index + 1 per person id; 0 for none.
    private var codes: [UInt8] = []
    /// The completion day (Julian) of the banded response per person id; 0 when not given.
    private var days: [Int32] = []
    public private(set) var count = 0

    public init() {}

    /// Sets a person's band and the day the response that gave it was completed.
    public mutating func set(_ person: Int, _ band: Instrument.Band?, completed: Day) {
        self[person] = band
        if person >= days.count { days += [Int32](repeating: 0, count: max(person + 1, days.count * 2) - days.count) }
        days[person] = Int32(truncatingIfNeeded: completed.julian)
    }

    /// The day the response behind a person's band was completed; nil without a band or a day.
    public func completed(_ person: Int) -> Day? {
        guard self[person] != nil, person < days.count, days[person] != 0 else { return nil }
        return Day(julian: Int(days[person]))
    }

    public subscript(person: Int) -> Instrument.Band? {
        get { person >= 0 && person < codes.count && codes[person] > 0 ? Instrument.Band.allCases[Int(codes[person]) - 1] : nil }
        set {
            if person >= codes.count { codes += [UInt8](repeating: 0, count: max(person + 1, codes.count * 2) - codes.count) }
            let code = newValue.map { UInt8(Instrument.Band.allCases.firstIndex(of: $0)! + 1) } ?? 0
            count += (code > 0 ? 1 : 0) - (codes[person] > 0 ? 1 : 0)
            codes[person] = code
        }
    }

    /// The persons with a band, in ascending id order.
    public var persons: [Int] { codes.indices.filter { codes[$0] > 0 } }
}
