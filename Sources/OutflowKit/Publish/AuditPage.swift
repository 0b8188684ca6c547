// TEMPORARY placeholder until the audit page lands.
public enum AuditPage {
    public static func render(facts: RunFacts, audit: JSONValue) -> String { "<!doctype html><title>audit</title>" }
}
