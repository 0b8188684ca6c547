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
        #expect(byPerson[2]?.ending == .competing && byPerson[2]?.survivalTime == SurvivalTime(days: 122, ending: .competing))
        #expect(byPerson[9]?.ending == .censored && byPerson[1]?.ending == .event)
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
        #expect(entry.ending == .competing)   // after the age limit the outcome cannot happen
    }

    // MARK: - The population source (methods.md section 5)

    /// Index 2024-01-10 for everyone (episode 2023-01-01 to 2024-01-10), cut-off 2025-03-31.
    static func populationCohort(residents: [Int: Resident]) -> Cohort {
        let index = "2024-01-10"
        let youth = [1: 2010, 2: 2007, 3: 2008, 4: 2008, 7: 2010, 8: 2010, 9: 2010, 10: 2010]
        let episodes = youth.keys.sorted().map { episode($0, .jongere, start: "2023-01-01", end: index, birthYear: youth[$0]) }
            + [episode(5, .opvoeder, start: "2023-01-01", end: index, birthYear: 1980),
               episode(6, .jongere, start: "2023-01-01", end: "2024-02-01", birthYear: 2006)]
        let inputs = CohortInputs(
            episodes: episodes,
            children: [5: [Child(personId: 50, birthYear: 2012)]],
            care: [3: [spell("2024-12-01")], 4: [spell("2024-09-01")], 50: [spell("2024-05-05")], 9: [spell("2024-02-02", extension: true)]],
            residents: residents)
        return CohortBuilder(cohort: CohortConfig(), asOf: d("2025-03-31")).build(inputs)
    }

    static let residents: [Int: Resident] = [
        1: Resident(birthYear: 2010, birthMonth: 5, movedOut: d("2024-06-01")),          // moved_out
        2: Resident(birthYear: 2007, birthMonth: 2),                                     // 18 on 2025-02-01: age_limit
        3: Resident(birthYear: 2008, birthMonth: 1, died: d("2024-12-01")),              // care the day of death: event
        4: Resident(birthYear: 2008, birthMonth: 1, died: d("2024-08-01")),              // care after death: died
        5: Resident(birthYear: 1980, movedOut: d("2024-03-01")),                         // the caregiver's own row: moved_out
        50: Resident(birthYear: 2012, birthMonth: 4),
        6: Resident(birthYear: 2006, birthMonth: 1),                                     // 18 on 2024-01-01: aged out at index
        7: Resident(birthYear: 2010, movedOut: d("2025-03-31")),                         // moves out on the cut-off: end_of_data
        8: Resident(birthYear: 2010, movedOut: d("2024-09-09"), died: d("2024-09-09")),  // same day: moved_out comes first
        9: Resident(birthYear: 2010, birthMonth: 6),                                     // an extension is no event: end_of_data
        // 10 has no row: 1 July rule, nobody knows of a move
    ]

    @Test func populationEndsFollowUpAtMovingOutDeathAndTheBirthMonth() {
        let cohort = Self.populationCohort(residents: Self.residents)
        let index = Self.d("2024-01-10")
        let byPerson = Dictionary(uniqueKeysWithValues: cohort.entries.map { ($0.episode.personId, $0) })
        func outcome(_ p: Int) -> String {
            guard let e = byPerson[p] else { return "-" }
            return "\(e.time) \(e.censorReason?.rawValue ?? "event") \(e.ending)"
        }
        #expect(outcome(1) == "\(Self.d("2024-06-01") - index) moved_out censored")
        #expect(outcome(2) == "\(Self.d("2025-02-01") - index) age_limit competing")
        #expect(outcome(3) == "\(Self.d("2024-12-01") - index) event event")
        #expect(outcome(4) == "\(Self.d("2024-08-01") - index) died competing")
        #expect(outcome(5) == "\(Self.d("2024-03-01") - index) moved_out censored")
        #expect(outcome(6) == "-")
        #expect(outcome(7) == "\(Self.d("2025-03-31") - index) end_of_data censored")
        #expect(outcome(8) == "\(Self.d("2024-09-09") - index) moved_out censored")
        #expect(outcome(9) == "\(Self.d("2025-03-31") - index) end_of_data censored")
        #expect(outcome(10) == "\(Self.d("2025-03-31") - index) end_of_data censored")
        #expect(byPerson[2]?.ageLimitDay == Self.d("2025-02-01") && byPerson[5]?.ageLimitDay == Self.d("2030-04-01"))
        #expect(cohort.attrition.first { $0.reason.hasPrefix("not aged out") }?.excludedEntries == 1)
    }

    @Test func withoutThePopulationAgeLimitsFallOnTheFirstOfJuly() {
        let cohort = Self.populationCohort(residents: [:])
        let byPerson = Dictionary(uniqueKeysWithValues: cohort.entries.map { ($0.episode.personId, $0) })
        let index = Self.d("2024-01-10")
        #expect(byPerson[2]?.time == Self.d("2025-03-31") - index && byPerson[2]?.censorReason == .endOfData)   // 18 on 2025-07-01
        #expect(byPerson[4]?.time == Self.d("2024-09-01") - index && byPerson[4]?.isEvent == true)
        #expect(byPerson[5]?.time == Self.d("2024-05-05") - index && byPerson[5]?.isEvent == true)
        #expect(byPerson[6] != nil)   // 18 on 2024-07-01: not aged out at index 2024-02-01
        #expect(cohort.entries.allSatisfy { $0.censorReason != .movedOut && $0.censorReason != .died })
    }

    @Test func anEndingBeforeTheIndexDateEndsFollowUpOnIt() {
        let inputs = CohortInputs(episodes: [Self.episode(1, .jongere, birthYear: 2012)],
                                  residents: [1: Resident(birthYear: 2012, movedOut: Self.d("2024-01-15"))])
        let entry = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(inputs).entries[0]
        #expect(entry.time == 0 && entry.censorReason == .movedOut && entry.followUpEnd == Self.d("2024-03-01"))
    }

    @Test func aChildLinkedTwiceCountsOnce() {
        let inputs = CohortInputs(episodes: [Self.episode(1, .opvoeder)],
                                  children: [1: [Child(personId: 11, birthYear: 2010), Child(personId: 11, birthYear: 2010)]])
        let entry = CohortBuilder(cohort: CohortConfig(), asOf: Self.asOf).build(inputs).entries[0]
        #expect(entry.subjects == [11])
    }

    // MARK: - Strata

    @Test func strataForDistrictEndReasonGroupSizeAndChildren() {
        var config = CohortConfig()
        config.strata = ["district", "end_reason", "group_size", "children"]
        let group = { (id: Int, group: String, role: Role, reason: EndReason?, district: String?) -> Episode in
            Episode(personId: id, groupId: group, groupType: "opvoedgroep", organisation: "Org", district: district, role: role,
                    start: Self.d("2024-01-01"), end: Self.d("2024-03-01"), birthYear: role == .jongere ? 2012 : 1985, endReason: reason)
        }
        // G1 has 7 participants (6-10), G2 has 2 (1-5), G3 has 11 (11+), one of whom starts after the cut-off.
        var episodes = [group(1, "G1", .opvoeder, .afgerond, "Zuid"), group(2, "G2", .jongere, nil, nil),
                        group(3, "G3", .opvoeder, .voortijdig, nil)]
        episodes += (20...25).map { group($0, "G1", .jongere, .afgerond, "Zuid") }
        episodes += [group(30, "G2", .jongere, .afgerond, nil)]
        episodes += (40...49).map { group($0, "G3", .jongere, .afgerond, nil) }
        episodes += [Episode(personId: 50, groupId: "G3", groupType: "opvoedgroep", organisation: "Org", role: .jongere,
                             start: Self.d("2025-02-01"), end: nil, birthYear: 2012)]
        let inputs = CohortInputs(episodes: episodes,
                                  children: [1: [Child(personId: 101, birthYear: 2012)],
                                             3: (301...304).map { Child(personId: $0, birthYear: 2012) }],
                                  residents: [2: Resident(birthYear: 2012, district: "Oost")])
        let cohort = CohortBuilder(cohort: config, asOf: Self.asOf).build(inputs)
        let byPerson = Dictionary(uniqueKeysWithValues: cohort.entries.map { ($0.episode.personId, $0) })
        func values(_ p: Int) -> [String] { config.strata.map { cohort.stratumValue(of: byPerson[p]!, $0) } }
        #expect(values(1) == ["Zuid", "afgerond", "6-10", "1"])
        #expect(values(2) == ["Oost", "(unknown)", "1-5", "-"])          // the district of the population source
        #expect(values(3) == ["(unknown)", "voortijdig", "11+", "3+"])
        #expect(values(30) == ["(unknown)", "afgerond", "1-5", "-"])
        #expect(cohort.groupSizes == ["G1": 7, "G2": 2, "G3": 11])
        let blocks = Strata.blocks(cohort.entries, variable: "group_size") { cohort.stratumValue(of: $0, $1) }
        #expect(blocks.map(\.0.value) == ["1-5", "6-10", "11+"])
        let children = Strata.blocks(cohort.entries, variable: "children") { cohort.stratumValue(of: $0, $1) }
        #expect(children.map(\.0.value) == ["-", "1", "3+"])
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
