// Table 1 per wave, response rates and persistence (methods.md section 9), worked out by
// hand: shares rounded half away from zero, unanswered items left out of n, items only
// for the roles they are asked of, and persons with one wave left out of persistence.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct QuestionnaireTablesTests {
    static let instrument = Instrument(name: "t", version: "1", items: [
        Instrument.Item(code: "at_ease", text: "Op mijn gemak", roles: [.jongere, .opvoeder], track: false),
        Instrument.Item(code: "contact_outside", text: "Contact", roles: [.jongere, .opvoeder], track: true),
        Instrument.Item(code: "learned_useful", text: "Geleerd", roles: [.jongere], track: false),
        Instrument.Item(code: "family_learned", text: "Als gezin", roles: [.opvoeder], track: false),
    ])
    static let waves = [WaveConfig(wave: 1, offsetDays: 0), WaveConfig(wave: 2, offsetDays: 182)]
    static let day = Day(parsing: "2024-06-01")!

    static func response(_ person: Int, _ role: Role, wave: Int, _ answers: [String: Int]) -> Response {
        Response(personId: person, role: role, wave: wave, completed: day + wave * 10, answers: answers, instrument: instrument)
    }

    @Test func sharesPerBandRoundHalfAwayFromZero() throws {
        // 16 youth answer at_ease: one disagrees (6.25 -> 6.3), three neutral (18.75 -> 18.8), twelve agree (75.0);
        // a seventeenth leaves it empty and is not in n.
        var responses = (1...16).map { i in Self.response(i, .jongere, wave: 1, ["at_ease": i == 1 ? 2 : i <= 4 ? 3 : 5]) }
        responses.append(Self.response(17, .jongere, wave: 1, ["learned_useful": 4]))
        // Seven caregivers: 2 disagree (28.6), 1 neutral (14.3), 4 agree (57.1).
        responses += [5, 4, 4, 3, 2, 1, 5].enumerated().map { Self.response(100 + $0.offset, .opvoeder, wave: 1, ["at_ease": $0.element]) }
        let exact = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off).items(responses)
        let exactRows = exact.rows.map { $0.map(\.csv) }
        #expect(exactRows.contains(["1", "jongere", "at_ease", "16", "6.3", "18.8", "75.0"]))
        #expect(exactRows.contains(["1", "opvoeder", "at_ease", "7", "28.6", "14.3", "57.1"]))
        // With k = 5, b = 1: the youths' disagree (1) and neutral (3) bands are both under k
        // and suppressed (only their sum, 4, follows); agree is 12 of 16. Caregivers' bands are
        // all under 5: all suppressed.
        let table = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: DisclosureProtection(minCell: 5, roundTo: 1)).items(responses)
        let youth = try #require(table.rows.first { $0[1] == .key("jongere") && $0[2] == .key("at_ease") })
        #expect(youth == [.key("1"), .key("jongere"), .key("at_ease"), .count(16), .suppressed, .suppressed, .percent(75)])
        // One small band alone is not left to be derived: the smallest other band is withheld.
        let one = (1...16).map { i in Self.response(i, .jongere, wave: 1, ["at_ease": i == 1 ? 2 : i <= 7 ? 3 : 5]) }
        let lone = try #require(QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: DisclosureProtection(minCell: 5, roundTo: 1))
            .items(one).rows.first { $0[1] == .key("jongere") && $0[2] == .key("at_ease") })
        #expect(lone.map(\.csv) == ["1", "jongere", "at_ease", "16", "", "", "56.3"])
        #expect(lone[4] == .suppressed && lone[5] == .withheld)
        let caregivers = try #require(table.rows.first { $0[1] == .key("opvoeder") && $0[2] == .key("at_ease") })
        #expect(caregivers == [.key("1"), .key("opvoeder"), .key("at_ease"), .count(7), .suppressed, .suppressed, .suppressed])
        let rows = table.rows.map { $0.map(\.csv) }
        // learned_useful: one youth answered, a small count: n and shares suppressed.
        #expect(table.rows.first { $0[2] == .key("learned_useful") && $0[0] == .key("1") }?.dropFirst(3).allSatisfy(\.isSuppressed) == true)
        // Items are listed only for the roles they are asked of.
        #expect(!rows.contains { $0[1] == "jongere" && $0[2] == "family_learned" })
        #expect(!rows.contains { $0[1] == "opvoeder" && $0[2] == "learned_useful" })
        // Nobody answered in wave 2: n is 0, shares are empty, nothing is suppressed.
        #expect(rows.contains(["2", "jongere", "at_ease", "0", "", "", ""]))
    }

    @Test func responseRateUsesEligibilityFromTheWaveOffset() {
        let asOf = Day(parsing: "2024-12-31")!
        // Ten caregivers ended their group on 2024-03-01 (eligible for waves 1 and 2, 2024-08-30 <= asOf),
        // ten on 2024-09-01 (eligible for wave 1 only: 2025-03-02 > asOf).
        let episodes = (1...20).map { i in
            Episode(personId: i, groupId: "G", groupType: "opvoedgroep", organisation: "O", role: .opvoeder,
                    start: Day(parsing: "2024-01-01")!, end: Day(parsing: i <= 10 ? "2024-03-01" : "2024-09-01")!)
        }
        let responses = (1...12).map { Self.response($0, .opvoeder, wave: 1, [:]) } + (1...5).map { Self.response($0, .opvoeder, wave: 2, [:]) }
        let table = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: DisclosureProtection(minCell: 5, roundTo: 1))
            .response(responses, episodes: episodes, index: .end, asOf: asOf)
        let rows = table.rows.map { $0.map(\.csv) }
        #expect(rows.contains(["1", "opvoeder", "20", "12", "0.6000"]))
        #expect(rows.contains(["2", "opvoeder", "10", "5", "0.5000"]))
        #expect(rows.contains(["1", "jongere", "0", "0", ""]))
    }

    @Test func eligibilityTakesEachPersonsEarliestIndexDateAndIgnoresOtherWaves() {
        let asOf = Day(parsing: "2024-12-31")!
        func episode(_ person: Int, _ role: Role, end: String?) -> Episode {
            Episode(personId: person, groupId: "G", groupType: "opvoedgroep", organisation: "O", role: role,
                    start: Day(parsing: "2024-01-01")!, end: end.flatMap { Day(parsing: $0) })
        }
        // Person 1: a late episode and an early one (eligible for wave 2 through the early one);
        // person 2: still in the group (no index date); person 3: early, but as jongere;
        // person 4: late only (wave 1 only).
        let episodes = [episode(1, .opvoeder, end: "2024-09-01"), episode(1, .opvoeder, end: "2024-03-01"),
                        episode(2, .opvoeder, end: nil), episode(3, .jongere, end: "2024-03-01"), episode(4, .opvoeder, end: "2024-09-01")]
        // Wave 5 is not configured: its responses count nowhere; person 1 answering twice counts once.
        let responses = [Self.response(1, .opvoeder, wave: 2, [:]), Self.response(1, .opvoeder, wave: 2, [:]),
                         Self.response(3, .jongere, wave: 1, [:]), Self.response(4, .opvoeder, wave: 5, [:])]
        let rows = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off)
            .response(responses, episodes: episodes, index: .end, asOf: asOf).rows.map { $0.map(\.csv) }
        #expect(rows.map { $0.prefix(4).joined(separator: " ") }
                == ["1 jongere 1 1", "1 opvoeder 2 0", "2 jongere 1 0", "2 opvoeder 1 1"])
    }

    @Test func firstBandsKeepEachPersonsFirstResponseOfTheWave() {
        let responses = [Self.response(1, .opvoeder, wave: 1, ["at_ease": 5]), Self.response(1, .opvoeder, wave: 1, ["at_ease": 1]),
                         Self.response(2, .opvoeder, wave: 1, ["at_ease": 3]), Self.response(3, .opvoeder, wave: 1, [:]),
                         Self.response(4, .opvoeder, wave: 2, ["at_ease": 1]), Self.response(70, .jongere, wave: 1, ["at_ease": 2])]
        let bands = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off).firstBands(responses, item: "at_ease", wave: 1)
        #expect(bands.persons == [1, 2, 70] && bands.count == 3)
        #expect(bands[1] == .agree && bands[2] == .neutral && bands[3] == nil && bands[4] == nil && bands[70] == .disagree)
        #expect(bands[-1] == nil && bands[1000] == nil)
    }

    @Test func persistenceCountsOnlyPersonsWhoAnsweredBothWaves() {
        let responses = [
            Self.response(1, .opvoeder, wave: 1, ["contact_outside": 5]), Self.response(1, .opvoeder, wave: 2, ["contact_outside": 4]),
            Self.response(2, .opvoeder, wave: 1, ["contact_outside": 4]), Self.response(2, .opvoeder, wave: 2, ["contact_outside": 3]),
            Self.response(3, .jongere, wave: 1, ["contact_outside": 1]), Self.response(3, .jongere, wave: 2, ["contact_outside": 2]),
            Self.response(4, .opvoeder, wave: 1, ["contact_outside": 5]),                 // only wave 1
            Self.response(5, .opvoeder, wave: 2, ["contact_outside": 5]),                 // only wave 2
            Self.response(6, .opvoeder, wave: 1, ["contact_outside": 5]), Self.response(6, .opvoeder, wave: 2, ["at_ease": 5]), // item unanswered in wave 2
        ]
        let table = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off).persistence(responses)
        let counts = Dictionary(uniqueKeysWithValues: table.rows.map { ("\($0[3].csv)>\($0[4].csv)", $0[5].csv) })
        #expect(table.rows.count == 9)
        #expect(counts["agree>agree"] == "1" && counts["agree>neutral"] == "1" && counts["disagree>disagree"] == "1")
        #expect(counts.values.compactMap { Int($0) }.reduce(0, +) == 3)
    }

    /// The three tables counted once for several gates are the tables each gate builds alone.
    @Test func tablesForSeveralGatesEqualEachGatesOwn() {
        var responses: [Response] = []
        for i in 1...40 {
            let role: Role = i % 3 == 0 ? .jongere : .opvoeder
            let first: [String: Int] = ["at_ease": i % 5 + 1, "contact_outside": (i * 7) % 5 + 1]
            let second: [String: Int] = ["contact_outside": (i * 3) % 5 + 1]
            responses.append(Self.response(i, role, wave: 1, first))
            responses.append(Self.response(i, role, wave: 2, second))
        }
        let episodes = (1...40).map { i in
            Episode(personId: i, groupId: "G", groupType: "t", organisation: "O", role: i % 3 == 0 ? .jongere : .opvoeder,
                    start: Self.day - 100, end: Self.day - 10 + i)
        }
        let gates = [DisclosureProtection(minCell: 10, roundTo: 5), .off]
        let together = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off)
            .tables(responses, episodes: episodes, index: .end, asOf: Self.day + 300, gates: gates)
        for (g, gate) in gates.enumerated() {
            let alone = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: gate)
            #expect(together[g].map { (t: PublishedTable) in t.name } == ["questionnaire", "response", "persistence"])
            #expect(together[g][0].rows == alone.items(responses).rows)
            #expect(together[g][1].rows == alone.response(responses, episodes: episodes, index: .end, asOf: Self.day + 300).rows)
            #expect(together[g][2].rows == alone.persistence(responses).rows)
        }
        #expect(together[0][0].rows != together[1][0].rows)   // the gates do differ
    }

    @Test func outflowByAnswerSplitsTheCohortByWaveOneBand() {
        let entries = (1...30).map { i in
            CohortEntry(episode: Episode(personId: i, groupId: "G", groupType: "t", organisation: "o", role: .opvoeder,
                                         start: Self.day, end: Self.day), index: Self.day, subjects: [i], ageLimitDay: nil,
                        followUpEnd: Self.day + 400, time: i <= 3 ? 50 : 400, eventDay: i <= 3 ? Self.day + 50 : nil,
                        censorReason: i <= 3 ? nil : .endOfData)
        }
        let cohort = Cohort(entries: entries, attrition: [], inCareAtIndex: 0)
        let responses = (1...12).map { Self.response($0, .opvoeder, wave: 1, ["at_ease": 5]) }
            + (13...24).map { Self.response($0, .opvoeder, wave: 1, ["at_ease": 1]) }
        let questionnaire = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off)
        // Answers on day 10 after the index count at the landmark of 30 days; times count from it.
        let table = OutflowByAnswer.table(cohort: cohort, responses: responses, items: ["at_ease"], questionnaire: questionnaire,
                                          landmarkDays: 30, gate: CohortTables(protection: .off, horizons: [70], gridDays: 30))
        #expect(table.rows.map { $0.prefix(6).map(\.csv) } == [
            ["at_ease", "disagree", "70", "12", "12", "0"],
            ["at_ease", "agree", "70", "12", "9", "3"],
            ["at_ease", "no_answer", "70", "6", "6", "0"],
        ])
        #expect(table.rows[1][7].csv == "0.2500")
    }

    @Test func outflowByAnswerIsALandmarkAnalysis() {
        // Index D, landmark 30 days (L = D + 30). Follow-up: 1 ends on day 10 (event) and 2 on
        // day 29: left out. 3 has care on day 30 (T = 0 from L), answered on day 5: agree.
        // 4 answered on day 30 (counts), censored on day 100 (T = 70). 5 answered on day 31,
        // after L: no_answer, censored on day 80 (T = 50). 6 never answered and reaches the age
        // limit on day 200 (T = 170, competing).
        let d = Self.day
        func entry(_ p: Int, _ time: Int, _ reason: CensorReason?) -> CohortEntry {
            CohortEntry(episode: Episode(personId: p, groupId: "G", groupType: "t", organisation: "o", role: .jongere, start: d - 60, end: d),
                        index: d, subjects: [p], ageLimitDay: nil, followUpEnd: d + time, time: time,
                        eventDay: reason == nil ? d + time : nil, censorReason: reason)
        }
        let cohort = Cohort(entries: [entry(1, 10, nil), entry(2, 29, .endOfData), entry(3, 30, nil), entry(4, 100, .endOfData),
                                      entry(5, 80, .movedOut), entry(6, 200, .ageLimit)], attrition: [], inCareAtIndex: 0)
        let answered = [(1, 1), (2, 1), (3, 5), (4, 30), (5, 31)].map { p, day in
            Response(personId: p, role: .jongere, wave: 1, completed: d + day, answers: ["at_ease": 5], instrument: Self.instrument)
        }
        let questionnaire = QuestionnaireTables(instrument: Self.instrument, waves: Self.waves, protection: .off)
        let bands = OutflowByAnswer.waveOneBands(answered, items: ["at_ease"], questionnaire: questionnaire)
        #expect(bands[0].bands.completed(4) == d + 30 && bands[0].bands.completed(6) == nil)
        let measures = OutflowByAnswer.measures(cohort: cohort, bands: bands, landmarkDays: 30)
        #expect(measures.map { "\($0.stratum.value) \($0.entries)" } == ["agree 2", "no_answer 2"])
        #expect(measures[1].tally == SurvivalTally([SurvivalTime(days: 50, ending: .censored), SurvivalTime(days: 170, ending: .competing)]))
        let table = OutflowByAnswer.table(measures, gate: CohortTables(protection: .off, horizons: [0, 60], gridDays: 30))
        #expect(table.rows.map { $0.prefix(7).map(\.csv) } == [
            ["at_ease", "agree", "0", "2", "1", "1", "0"],
            ["at_ease", "agree", "60", "2", "1", "1", "0"],
            ["at_ease", "no_answer", "0", "2", "2", "0", "0"],
            ["at_ease", "no_answer", "60", "2", "1", "0", "1"],
        ])
        // Without a landmark every entry counts from its index date, and 5's answer after it does not.
        let zero = OutflowByAnswer.measures(cohort: cohort, bands: bands, landmarkDays: 0)
        #expect(zero.map { "\($0.stratum.value) \($0.entries)" } == ["no_answer 6"])
    }
}
