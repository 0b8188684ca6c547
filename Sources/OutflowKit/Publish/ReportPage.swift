// TEMPORARY placeholder until the report page lands.
public enum ReportPage {
    public static func render(facts: RunFacts, tables: [String: PublishedTable], instrument: Instrument?) -> String {
        "<!doctype html><title>report</title>" + tables.keys.sorted().joined(separator: ",")
    }
}
