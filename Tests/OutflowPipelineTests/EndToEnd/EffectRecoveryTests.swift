// The matched comparison recovers the participation effect the generator plants
// (`outflow generate --population --effect R`, docs/synthetic-data.md): on generated inboxes
// of 4,000 participants the published risk ratio at one year is below 1 and its interval
// holds the planted truth, and with no effect (R = 1) the interval holds 1. A few seeds, run
// through the real binary; the seeds are fixed, so the figures are too.

import Foundation
import Testing
import OutflowCore
import OutflowSynthetic
import OutflowTestSupport

struct EffectRecoveryTests {
    /// The published risk ratio at 365 days of stratum `all`, with its interval.
    struct Ratio { let estimate, low, high: Double }

    static func ratioAtOneYear(seed: Int, effect: Double) throws -> Ratio {
        let inbox = NSTemporaryDirectory() + "outflow-effect-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: inbox) }
        let generate = try Binary.run(["generate", "--out", inbox, "--persons", "4000", "--seed", String(seed),
                                       "--population", "--effect", String(effect)])
        try #require(generate.status == 0, "\(generate.stderr)")
        let (root, pipeline) = try SampleRunTests.samplePipeline(inbox: inbox)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try Binary.run(["run", pipeline])
        try #require(run.status == 0, "\(run.stderr)")
        // Stratum `all` holds no quoted field, so its rows split on commas.
        let lines = try SampleRunTests.read(root, "comparison.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let row = try #require(lines.first { $0.starts(with: ["all", "all", "365", "ratio"]) })
        let value = { (name: String) in Double(row[header.firstIndex(of: name)!])! }
        return Ratio(estimate: value("cif_aj"), low: value("cif_aj_low"), high: value("cif_aj_high"))
    }

    /// The risk ratio at `days` the generator's hazard model implies for effect `r`: no
    /// confounding is planted, so it is `(1 - exp(-r L)) / (1 - exp(-L))` with `L` the base
    /// cumulative hazard over `days` (competing events shift it by far less than the interval).
    static func plantedRatio(_ r: Double, days: Double) -> Double {
        let cumulative = SyntheticDecisions.baseRatePerDay * days
        return (1 - exp(-r * cumulative)) / (1 - exp(-cumulative))
    }

    @Test func thePlantedTruthAtOneYearIsJustAboveTheHazardRatio() {
        #expect(abs(Self.plantedRatio(0.7, days: 365) - 0.7087) < 1e-4)
        #expect(Self.plantedRatio(1, days: 365) == 1)
    }

    @Test(arguments: [2, 4, 5])
    func recoversAPlantedEffect(seed: Int) throws {
        let ratio = try Self.ratioAtOneYear(seed: seed, effect: 0.7)
        let truth = Self.plantedRatio(0.7, days: 365)
        #expect(ratio.estimate < 1 && ratio.high < 1, "seed \(seed): \(ratio)")
        #expect(ratio.low <= truth && truth <= ratio.high, "seed \(seed): \(ratio) misses \(truth)")
    }

    @Test(arguments: [2, 4, 5])
    func findsNoEffectWhereNoneIsPlanted(seed: Int) throws {
        let ratio = try Self.ratioAtOneYear(seed: seed, effect: 1)
        #expect(ratio.low <= 1 && 1 <= ratio.high, "seed \(seed): \(ratio)")
    }
}
