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
        (", \"questionnaire\": { \"waves\": [{ \"wave\": 1, \"offsetDays\": 0 }, { \"wave\": 1, \"offsetDays\": 182 }] }",
         "'questionnaire.waves' lists wave 1 twice"),
    ])
    func refusesBadKeysNamingThem(extra: String, message: String) throws {
        let ws = try Workspace(extra: extra)
        let error = try #require(throws: OutflowError.self) { try ws.config() }
        #expect(error.status == .dataError)
        #expect(error.message.contains(message))
    }

    @Test func readsAnExplicitCategoryList() throws {
        let ws = try Workspace(extra: ", \"outcome\": { \"productCategories\": [\"45\", \"54\"], \"eventDate\": \"decision_date\" }")
        let config = try ws.config()
        #expect(config.outcome.productCategories == [45, 54])
        #expect(config.outcome.eventDate == .decisionDate)
    }
}
