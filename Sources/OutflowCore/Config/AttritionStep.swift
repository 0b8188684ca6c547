// One step of the cohort's attrition flow as plain values: computed by the cohort builder,
// published through the disclosure gate and kept in `mart_attrition`.

/// One step of the attrition flow (methods.md section 3).
public struct AttritionStep: Sendable, Equatable {
    public var step: Int
    public var reason: String
    public var entries: Int
    public var persons: Int
    public var excludedEntries: Int
    public var excludedPersons: Int

    public init(step: Int, reason: String, entries: Int, persons: Int, excludedEntries: Int, excludedPersons: Int) {
        self.step = step
        self.reason = reason
        self.entries = entries
        self.persons = persons
        self.excludedEntries = excludedEntries
        self.excludedPersons = excludedPersons
    }
}
