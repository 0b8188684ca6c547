// The per-day tally every survival estimator reads: counted by hand, with ties, an event and
// a censoring on the same day, and the same tally whether the times are counted per day of
// their range or sorted (a range far wider than the number of times).

import Testing
import OutflowAnalysis

struct SurvivalTallyTests {
    @Test func countsEachEndingPerDayWithTiesAndSameDayEndings() {
        let times = [
            SurvivalTime(days: 30, ending: .event), SurvivalTime(days: 0, ending: .censored),
            SurvivalTime(days: 30, ending: .censored), SurvivalTime(days: 30, ending: .event),
            SurvivalTime(days: 90, ending: .competing), SurvivalTime(days: 12, ending: .event),
        ]
        let tally = SurvivalTally(times)
        #expect(tally.total == 6)
        #expect(tally.days == [0, 12, 30, 90])
        #expect(tally.events == [0, 1, 2, 0])
        #expect(tally.competing == [0, 0, 0, 1])
        #expect(tally.censored == [1, 0, 1, 0])
    }

    @Test func anEmptyTallyHasNoDays() {
        let tally = SurvivalTally([SurvivalTime]())
        #expect(tally.total == 0 && tally.days.isEmpty && tally.events.isEmpty)
    }

    @Test func aWideRangeOfDaysIsTalliedAlike() {
        // Two times 200,000 days apart: far wider than the 65,536-day counting range.
        let wide = [SurvivalTime(days: 200_000, ending: .event), SurvivalTime(days: -5, ending: .censored),
                    SurvivalTime(days: 200_000, ending: .competing)]
        let tally = SurvivalTally(wide)
        #expect(tally.days == [-5, 200_000] && tally.events == [0, 1] && tally.competing == [0, 1] && tally.censored == [1, 0])
        #expect(tally == SurvivalTally(total: 3, days: [-5, 200_000], events: [0, 1], competing: [0, 1], censored: [1, 0]))
    }

    @Test func countingAndSortingGiveTheSameTally() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let endings: [Ending] = [.event, .competing, .censored]
            let times = (0..<Int.random(in: 1...400, using: &random)).map { _ in
                SurvivalTime(days: Int.random(in: 0...700, using: &random), ending: endings.randomElement(using: &random)!)
            }
            // A far-off time pushes the same times through the sorting path.
            let far = SurvivalTime(days: 10_000_000, ending: .censored)
            let counted = SurvivalTally(times), sorted = SurvivalTally(times + [far])
            #expect(sorted.days == counted.days + [far.days])
            #expect(sorted.events == counted.events + [0] && sorted.competing == counted.competing + [0])
            #expect(sorted.censored == counted.censored + [1] && sorted.total == counted.total + 1)
        }
    }
}
