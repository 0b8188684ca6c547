// The questionnaire outputs (methods.md section 9) through the disclosure gate:
// questionnaire.csv (Table 1 per wave, role and item), response.csv (eligible,
// respondents, response rate per wave and role) and persistence.csv (band-to-band
// tables of tracked items between consecutive waves).

/// Builds the protected questionnaire tables.
public struct QuestionnaireTables: Sendable {
    public var instrument: Instrument
    public var waves: [WaveConfig]
    public var rule: SuppressionRule

    public init(instrument: Instrument, waves: [WaveConfig], minCell: Int) {
        self.instrument = instrument
        self.waves = waves.sorted { $0.wave < $1.wave }
        rule = SuppressionRule(minCell: minCell)
    }

    /// `100 * part / whole` rounded half away from zero to one decimal, in exact integer arithmetic.
    public static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        let tenths = (2000 * part + whole) / (2 * whole)
        return Double(tenths) / 10
    }

    /// Per wave, role and item asked of that role: respondents and the three band shares.
    /// One pass counts answers per wave, role, item and value; nothing is copied.
    public func items(_ responses: [Response]) -> PublishedTable {
        let values = max(instrument.scaleMax, 0) + 1
        var tallies: [Int: [Int]] = [:]   // by wave and role
        let empty = [Int](repeating: 0, count: instrument.items.count * values)
        for r in responses {
            let key = r.wave * 8 + r.role.rawValue
            for index in instrument.items.indices {
                if let a = r.answer(index), a < values { tallies[key, default: empty][index * values + a] += 1 }
            }
        }
        var rows: [[Cell]] = []
        for wave in waves {
            for role in Role.allCases {
                let tally = tallies[wave.wave * 8 + role.rawValue] ?? []
                for (index, item) in instrument.items.enumerated() where item.roles.contains(role) {
                    var n = 0
                    var counts: [Instrument.Band: Int] = [:]
                    for a in 0..<values {
                        let c = tally.isEmpty ? 0 : tally[index * values + a]
                        guard c > 0 else { continue }
                        n += c
                        if let band = instrument.band(of: a) { counts[band, default: 0] += c }
                    }
                    var row: [Cell] = [.key(String(wave.wave)), .key(role.name), .key(item.code), rule.count(n)]
                    row += Instrument.Band.allCases.map { band in
                        n == 0 ? .empty : rule.figure(.percent(Self.percent(counts[band] ?? 0, of: n)), denominator: n)
                    }
                    rows.append(row)
                }
            }
        }
        return PublishedTable(name: "questionnaire", columns: ["wave", "role", "item", "respondents", "pct_disagree", "pct_neutral",
                                                               "pct_agree", "suppressed"], rows: rows)
    }

    /// Per wave and role: eligible persons (an episode whose index date + the wave's offset is
    /// on or before the cut-off), respondents (distinct persons) and the response rate.
    public func response(_ responses: [Response], episodes: [Episode], index: CohortConfig.IndexDate, asOf: Day) -> PublishedTable {
        var rows: [[Cell]] = []
        for wave in waves {
            for role in Role.allCases {
                var eligiblePersons = PersonSet(), respondingPersons = PersonSet()
                for e in episodes where e.role == role {
                    if let day = index == .end ? e.end : e.start, day + wave.offsetDays <= asOf { eligiblePersons.insert(e.personId) }
                }
                for r in responses where r.wave == wave.wave && r.role == role { respondingPersons.insert(r.personId) }
                let eligible = eligiblePersons.count, respondents = respondingPersons.count
                var rate: Cell = eligible > 0 ? .proportion(Double(respondents) / Double(eligible)) : .empty
                if eligible < rule.minCell || rule.isSmall(respondents) { rate = .suppressed }
                rows.append([.key(String(wave.wave)), .key(role.name), rule.count(eligible), rule.count(respondents), rate])
            }
        }
        return PublishedTable(name: "response", columns: ["wave", "role", "eligible", "respondents", "response_rate", "suppressed"], rows: rows)
    }

    /// For tracked items: persons who answered in wave w and the next configured wave, by band.
    public func persistence(_ responses: [Response]) -> PublishedTable {
        var rows: [[Cell]] = []
        for item in instrument.items where item.track {
            for (from, to) in zip(waves, waves.dropFirst()) {
                let first = firstBands(responses, item: item.code, wave: from.wave)
                let second = firstBands(responses, item: item.code, wave: to.wave)
                var table: [Instrument.Band: [Instrument.Band: Int]] = [:]
                for (person, band) in first { if let later = second[person] { table[band, default: [:]][later, default: 0] += 1 } }
                for a in Instrument.Band.allCases {
                    for b in Instrument.Band.allCases {
                        rows.append([.key(item.code), .key(String(from.wave)), .key(String(to.wave)), .key(a.rawValue), .key(b.rawValue),
                                     rule.count(table[a]?[b] ?? 0)])
                    }
                }
            }
        }
        return PublishedTable(name: "persistence", columns: ["item", "wave_from", "wave_to", "band_from", "band_to", "persons", "suppressed"], rows: rows)
    }

    /// Each person's band on an item in a wave, from their earliest response of that wave
    /// (responses come ordered by person and completion date).
    public func firstBands(_ responses: [Response], item: String, wave: Int) -> [Int: Instrument.Band] {
        guard let index = instrument.items.firstIndex(where: { $0.code == item }) else { return [:] }
        var bands: [Int: Instrument.Band] = [:]
        var seen = PersonSet()
        for r in responses where r.wave == wave {
            guard !seen.contains(r.personId) else { continue }
            seen.insert(r.personId)
            if let answer = r.answer(index), let band = instrument.band(of: answer) { bands[r.personId] = band }
        }
        return bands
    }
}
