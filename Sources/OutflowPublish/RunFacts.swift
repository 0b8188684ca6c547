// The facts about a run that pages show in their heading: which pipeline, which cut-off,
// which deliveries, and the cohort definition, so a printed report can be traced back.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Facts shown at the top of report.html and audit.html.
public struct RunFacts: Sendable {
    public var pipelineName: String
    public var runId: String
    public var version: String
    public var asOf: Day
    public var generatedAt: String
    /// One line per setting that defines the cohort and outcome, e.g. ("index date", "group end").
    public var definitions: [(String, String)]
    /// Input files with their source, status and row counts.
    public var inputs: [FileOutcome]
    /// Disclosure control: k and b (methods.md section 10).
    public var minCell: Int
    public var roundTo: Int
    /// Refused deliveries still unresolved: shown at the top of both pages.
    public var refusals: [RefusalNotice] = []
    /// `cohort.ageLimit`, for "received care before 18"; nil when not known.
    public var ageLimit: Int?

    /// True when protection is off (k = b = 1): every page says "unprotected".
    public var isUnprotected: Bool { minCell == 1 && roundTo == 1 }

    public init(pipelineName: String, runId: String, version: String, asOf: Day, generatedAt: String,
                definitions: [(String, String)], inputs: [FileOutcome], minCell: Int, roundTo: Int, ageLimit: Int? = nil) {
        self.pipelineName = pipelineName
        self.runId = runId
        self.version = version
        self.asOf = asOf
        self.generatedAt = generatedAt
        self.definitions = definitions
        self.inputs = inputs
        self.minCell = minCell
        self.roundTo = roundTo
        self.ageLimit = ageLimit
    }
}
