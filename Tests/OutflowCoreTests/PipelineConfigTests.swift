// The pipeline file: defaults, paths relative to its folder, unknown keys refused with the
// key named, and the instrument file.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct PipelineConfigTests {
    @Test func fillsDefaultsAndResolvesPathsAgainstTheFile() throws {
        let ws = try Workspace()
        let config = try ws.config()
        #expect(config.database == ws.root + "/var/outflow.sqlite")
        #expect(config.inbox == ws.root + "/inbox")
        #expect(config.maxRejectShare == 0.2 && config.minSnapshotShare == 0.9 && config.keepRuns == 30)
        #expect(config.cohort.index == .end && config.cohort.episodes == .first && config.cohort.ageLimit == 18)
        #expect(config.outcome.horizonsDays == [91, 182, 365, 730])
        #expect(config.outcome.productCategories == ProductCategory.individualYouthCare)
        #expect(!config.outcome.productCategories.contains(47) && !config.outcome.productCategories.contains(42) && !config.outcome.productCategories.contains(31))
        #expect(config.waves.map(\.offsetDays) == [0, 182, 365])
        #expect(config.instrument?.items.count == 5)
        #expect(config.sha256.count == 64)
    }

    @Test(arguments: [
        (", \"cohort\": { \"indx\": \"end\" }", "unknown key 'cohort.indx'"),
        (", \"colour\": 1", "unknown key 'colour'"),
        (", \"cohort\": { \"strata\": [\"shoe_size\"] }", "'cohort.strata' has an unknown variable 'shoe_size'"),
        (", \"outcome\": { \"productCategories\": [\"99\"] }", "'outcome.productCategories' has an unknown iJw product category '99'"),
        (", \"outcome\": { \"productCategories\": \"everything\" }", "'outcome.productCategories' names an unknown set 'everything'"),
        (", \"maxRejectShare\": true", "'maxRejectShare' must be a number"),
        (", \"cohort\": { \"excludeInCareAtIndex\": 1 }", "'cohort.excludeInCareAtIndex' must be true or false"),
        (", \"comparison\": { \"enabled\": true }", "'comparison.enabled' needs the population source"),
        (", \"comparison\": { \"controls\": 4 }", "unknown key 'comparison.controls'"),
        (", \"outcome\": { \"byAnswerLandmarkDays\": -1 }", "'outcome.byAnswerLandmarkDays' must not be negative"),
        (", \"questionnaire\": { \"waves\": [{ \"wave\": 1, \"offsetDays\": 0 }, { \"wave\": 1, \"offsetDays\": 182 }] }",
         "'questionnaire.waves' lists wave 1 twice"),
        (", \"access\": { \"group\": \"no-such-group-outflow\" }", "'access.group' names no group known to this machine: 'no-such-group-outflow'"),
        (", \"access\": { \"group\": 5 }", "'access.group' must be a string"),
        (", \"access\": { \"grup\": \"staff\" }", "unknown key 'access.grup'"),
    ])
    func refusesBadKeysNamingThem(extra: String, message: String) throws {
        let ws = try Workspace(extra: extra)
        let error = try #require(throws: OutflowError.self) { try ws.config() }
        #expect(error.status == .dataError)
        #expect(error.message.contains(message))
    }

    @Test func accessGroupIsTheGroupNamedAndOffByDefault() throws {
        #expect(try Workspace().config().access == .ownerOnly)
        let name = String(cString: getgrgid(getgid())!.pointee.gr_name)
        let access = try Workspace(extra: ", \"access\": { \"group\": \"\(name)\" }").config().access
        #expect(access.groupName == name && access.groupId == getgid())
        #expect(access.mode(.analystFile) == 0o640 && access.mode(.restrictedFile) == 0o600 && access.mode(.database) == 0o640)
    }

    @Test func readsAnExplicitCategoryList() throws {
        let ws = try Workspace(extra: ", \"outcome\": { \"productCategories\": [\"45\", \"54\"], \"eventDate\": \"decision_date\" }")
        let config = try ws.config()
        #expect(config.outcome.productCategories == [45, 54])
        #expect(config.outcome.eventDate == .decisionDate)
    }

    @Test func theComparisonIsOnWithThePopulationSourceAndOffWithout() throws {
        let without = try Workspace().config()
        #expect(without.sources[.population] == nil && !without.comparison.enabled)
        #expect(without.outcome.byAnswerLandmarkDays == 30)
        let with = try Workspace(population: true).config()
        #expect(with.sources[.population]?.files == "bevolking_*.csv")
        #expect(with.comparison == ComparisonConfig(enabled: true, controlsPerEntry: 4, seed: "outflow"))
        let off = try Workspace(extra: ", \"comparison\": { \"enabled\": false, \"controlsPerEntry\": 2, \"seed\": \"x\" }", population: true).config()
        #expect(off.comparison == ComparisonConfig(enabled: false, controlsPerEntry: 2, seed: "x"))
        let quiet = try Workspace(extra: ", \"comparison\": { \"enabled\": false }").config()
        #expect(!quiet.comparison.enabled)
    }

    @Test func acceptsTheNewStratumVariablesAndTheLandmark() throws {
        let config = try Workspace(extra: ", \"cohort\": { \"strata\": [\"district\", \"end_reason\", \"group_size\", \"children\"] }, \"outcome\": { \"byAnswerLandmarkDays\": 0 }").config()
        #expect(config.cohort.strata == ["district", "end_reason", "group_size", "children"])
        #expect(config.outcome.byAnswerLandmarkDays == 0)
    }
}
