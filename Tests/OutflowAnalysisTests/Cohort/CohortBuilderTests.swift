// The cohort rules of methods.md sections 2 to 5 on a hand-made population, every
// expected count and time worked out by hand in the comments.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct CohortBuilderTests {
    static func d(_ s: String) -> Day { Day(parsing: s)! }
    static let asOf = d("2025-01-01")

    static func episode(_ id: Int, _ role: Role, start: String = "2024-01-01", end: String? = "2024-03-01",
                        group: String = "G1", birthYear: Int? = nil) -> Episode {
        Episode(personId: id, groupId: group, groupType: "opvoedgroep", organisation: "Org", role: role,
                start: d(start), end: end.map(d), birthYear: birthYear)
    }

    static func spell(_ start: String, end: String? = nil, extension isExtension: Bool = false) -> CareSpell {
        CareSpell(start: d(start), end: end.map(d), eventDay: d(start), isExtension: isExtension)
    }

    /// Ten persons, eleven episodes; see each line.
    static let inputs = CohortInputs(
        episodes: [
            episode(1, .jongere, birthYear: 2010),                    // event 2024-06-01: T = 92
            episode(2, .jongere, birthYear: 2006),                    // turns 18 on 2024-07-01: censored, T = 122
            episode(3, .jongere, birthYear: 2005),                    // 18 on 2023-07-01, before index: aged out
            episode(4, .opvoeder),                                    // child 41's care starts on the index day: T = 0
            episode(5, .opvoeder),                                    // no linked child
            episode(6, .opvoeder),                                    // only an adult child
            episode(7, .jongere, end: nil, birthYear: 2012),          // still participating
            episode(8, .jongere, birthYear: 2012),                    // in care at index
            episode(9, .jongere, group: "G1", birthYear: 2012),       // second episode, not the first
            episode(9, .jongere, start: "2023-11-01", end: "2024-02-01", group: "G2", birthYear: 2012), // first: censored at cut-off, T = 335
            episode(10, .jongere, start: "2025-02-01", end: "2025-03-01", birthYear: 2012), // starts after the cut-off
        ],
        children: [4: [Child(personId: 40, birthYear: 2015), Child(personId: 41, birthYear: nil)],
                   6: [Child(personId: 60, birthYear: 2000)]],
        care: [1: [spell("2024-06-01")], 41: [spell("2024-03-01")], 8: [spell("2024-02-01")],
               9: [spell("2024-05-01", extension: true)], 2: [spell("2024-08-01")]])

    @Test func appliesAttritionStepsInOrder() {
        let cohort = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(Self.inputs)
        let flow = cohort.attrition.map { [$0.step, $0.entries, $0.persons, $0.excludedEntries, $0.excludedPersons] }
        #expect(flow == [
            [1, 10, 9, 1, 1],   // person 10 starts after the cut-off
            [2, 9, 8, 1, 1],    // person 7 still participating
            [3, 9, 8, 0, 0],
            [4, 9, 8, 0, 0],
            [5, 8, 8, 1, 0],    // person 9's later episode
            [6, 6, 6, 2, 2],    // caregivers 5 and 6
            [7, 5, 5, 1, 1],    // youth 3 aged out
            [8, 4, 4, 1, 1],    // youth 8 in care
        ])
        #expect(cohort.inCareAtIndex == 1)
    }

    @Test func followsEntriesToEventOrCensoring() {
        let cohort = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(Self.inputs)
        let byPerson = Dictionary(uniqueKeysWithValues: cohort.entries.map { ($0.episode.personId, $0) })
        #expect(byPerson[1]?.time == 92 && byPerson[1]?.isEvent == true)
        #expect(byPerson[2]?.time == 122 && byPerson[2]?.censorReason == .ageLimit)   // the 2024-08-01 decision comes after 18
        #expect(byPerson[4]?.time == 0 && byPerson[4]?.isEvent == true)
        #expect(byPerson[4]?.subjects == [40, 41] && byPerson[4]?.ageLimitDay == nil)   // a child without birth year: no age censoring
        #expect(byPerson[9]?.time == 335 && byPerson[9]?.censorReason == .endOfData)   // the extension is never an event
        #expect(byPerson[9]?.episode.groupId == "G2")
        let km = KaplanMeier(cohort.entries.map(\.survivalTime))
        #expect(abs(km.estimate(at: 0)!.cumulativeIncidence - 0.25) < 1e-12)
        #expect(abs(km.estimate(at: 100)!.cumulativeIncidence - 0.5) < 1e-12)
    }

    @Test func eventOnTheCensoringDayCountsAsEvent() {
        let inputs = CohortInputs(episodes: [Self.episode(1, .jongere, birthYear: 2006)],
                                  care: [1: [Self.spell("2024-07-01")]])
        let entry = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(inputs).entries[0]
        #expect(entry.isEvent && entry.time == 122 && entry.censorReason == nil)
    }

    @Test func caregiverIsCensoredWhenTheYoungestChildTurnsEighteen() {
        let inputs = CohortInputs(episodes: [Self.episode(1, .opvoeder)],
                                  children: [1: [Child(personId: 11, birthYear: 2006), Child(personId: 12, birthYear: 2006)]])
        let entry = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(inputs).entries[0]
        #expect(entry.censorReason == .ageLimit && entry.followUpEnd == Self.d("2024-07-01") && entry.time == 122)
    }

    @Test func allEpisodesAndStartIndexAndCleanWindow() {
        var config = CohortConfig()
        config.episodes = .all
        config.index = .start
        config.priorCareDays = 60
        let inputs = CohortInputs(
            episodes: [Self.episode(1, .jongere, start: "2024-01-01", birthYear: 2012),
                       Self.episode(1, .jongere, start: "2024-06-01", end: "2024-08-01", group: "G2", birthYear: 2012),
                       Self.episode(2, .jongere, start: "2024-03-01", birthYear: 2012)],
            care: [2: [Self.spell("2023-11-01", end: "2024-01-15")]])   // ended 46 days before index: inside the 60-day window
        let cohort = CohortBuilder(cohort: config, asOf: Self.asOf).build(inputs)
        #expect(cohort.attrition.map(\.reason).contains("first qualifying episode per person") == false)
        #expect(cohort.entries.map(\.episode.personId) == [1, 1])
        #expect(cohort.entries.map(\.index) == [Self.d("2024-01-01"), Self.d("2024-06-01")])
        #expect(cohort.attrition.last?.excludedEntries == 1)
    }

    @Test func firstEpisodeTieGoesToTheSmallerGroupId() {
        let inputs = CohortInputs(episodes: [Self.episode(1, .jongere, group: "G9", birthYear: 2012),
                                             Self.episode(1, .jongere, group: "G10", birthYear: 2012)])
        let cohort = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(inputs)
        #expect(cohort.entries.map(\.episode.groupId) == ["G10"])
    }
}
