// The pipeline file (docs/pipeline-file.md): where the data is, what each source looks like,
// who is in the cohort and how outputs are protected. Every key but `database`, `inbox`,
// `output` and `sources` has a default; unknown keys are refused; relative paths are
// resolved against the folder of the pipeline file so cron can start the job anywhere.

import Foundation

/// The delivery sources of docs/delivery-contract.md (population is optional).
public enum SourceKind: String, CaseIterable, Sendable, Comparable {
    case registrations, questionnaire, decisions, family, population

    /// Snapshot sources deliver their full state each time; append sources add rows.
    public var isSnapshot: Bool { self != .questionnaire }

    public static func < (a: SourceKind, b: SourceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One source of the pipeline file.
public struct SourceConfig: Sendable {
    public var kind: SourceKind
    /// File-name pattern (shell glob) matched in the inbox.
    public var files: String
    /// Absolute path of the questionnaire instrument file.
    public var instrumentPath: String?
    /// A run fails when the newest delivery is older than this many days (off when nil).
    public var maxAgeDays: Int?
}

/// The `cohort` block.
public struct CohortConfig: Sendable {
    public enum IndexDate: String, Sendable { case end, start }
    public enum Episodes: String, Sendable { case first, all }
    public var index: IndexDate = .end
    public var episodes: Episodes = .first
    public var roles: [Role] = [.jongere, .opvoeder]
    public var ageLimit = 18
    public var excludeInCareAtIndex = true
    public var priorCareDays = 0
    public var strata: [String] = ["role", "group_type", "organisation", "index_year"]
    /// The stratum variables a pipeline may name.
    public static let knownStrata = ["role", "group_type", "organisation", "district", "index_year",
                                     "end_reason", "group_size", "children"]
    package init(index: IndexDate = .end, episodes: Episodes = .first, roles: [Role] = [.jongere, .opvoeder], ageLimit: Int = 18, excludeInCareAtIndex: Bool = true, priorCareDays: Int = 0, strata: [String] = ["role", "group_type", "organisation", "index_year"]) {
        self.index = index
        self.episodes = episodes
        self.roles = roles
        self.ageLimit = ageLimit
        self.excludeInCareAtIndex = excludeInCareAtIndex
        self.priorCareDays = priorCareDays
        self.strata = strata
    }
}

/// The `outcome` block.
public struct OutcomeConfig: Sendable {
    public enum EventDate: String, Sendable { case startDate = "start_date", decisionDate = "decision_date" }
    public var eventDate: EventDate = .startDate
    /// The product categories that count as individual care.
    public var productCategories: Set<Int> = ProductCategory.individualYouthCare
    public var productCategoriesLabel = "individual-youth-care"
    public var horizonsDays = [91, 182, 365, 730]
    public var historyFrom = Day(year: 2015, month: 1, day: 1)!
    public var beforeAfterWindowDays = 365
    public var byAnswer = ["can_move_on"]
    /// Outflow by answer is a landmark analysis from `index + byAnswerLandmarkDays` (methods.md section 9).
    public var byAnswerLandmarkDays = 30
}

/// The `comparison` block (methods.md section 11): kept for the comparison with matched
/// children who did not take part; it needs the population source.
public struct ComparisonConfig: Sendable, Equatable {
    public var enabled = false
    public var controlsPerEntry = 4
    /// Orders the draw of controls: `HMAC-SHA256(seed, pseudo_id || day)`.
    public var seed = "outflow"
    package init(enabled: Bool = false, controlsPerEntry: Int = 4, seed: String = "outflow") {
        self.enabled = enabled
        self.controlsPerEntry = controlsPerEntry
        self.seed = seed
    }
}

/// One questionnaire wave and its offset from the index date.
public struct WaveConfig: Sendable, Equatable {
    public var wave: Int
    public var offsetDays: Int
    package init(wave: Int, offsetDays: Int) {
        self.wave = wave
        self.offsetDays = offsetDays
    }
}

/// The `disclosure` block.
public struct DisclosureConfig: Sendable {
    /// k: no count under it is published (methods.md section 10).
    public var minCell = 10
    /// b: table counts are published rounded to a multiple of it.
    public var roundTo = 5
    public var curveGridDays = 30
}

/// How the analyst CSV files are written (the `csv` block).
public enum CSVDialect: String, Sendable, CaseIterable {
    /// RFC 4180: `,` between fields, `.` decimals, no BOM.
    case rfc4180
    /// For Dutch Excel: `;` between fields, decimal comma, a UTF-8 byte-order mark.
    case nl
}

/// The language of report.html (the `report` block).
public enum ReportLanguage: String, Sendable, CaseIterable {
    /// Plain Dutch, dates as 31-03-2025 and decimal commas: the default.
    case nl
    /// English, ISO dates and decimal points.
    case en
}

/// The `report` block: how report.html is written.
public struct ReportConfig: Sendable {
    public var language = ReportLanguage.nl
    package init(language: ReportLanguage = .nl) { self.language = language }
}

/// A parsed and checked pipeline file.
public struct PipelineConfig: Sendable {
    public var name = "outflow"
    /// Absolute path of the pipeline file and the SHA-256 of its bytes.
    public var path: String
    public var sha256 = ""
    public var database: String
    public var inbox: String
    public var output: String
    public var sources: [SourceKind: SourceConfig] = [:]
    public var maxRejectShare = 0.2
    public var minSnapshotShare = 0.9
    public var keepRuns = 30
    /// Days the nightly wrapper's log files are kept (`outflow run --prune-logs DIR`).
    public var logRetentionDays = 90
    public var groupTypes = ["opvoedgroep", "kopp-kov", "scheiding", "jongerengroep", "sociale-vaardigheden"]
    public var cohort = CohortConfig()
    public var outcome = OutcomeConfig()
    public var comparison = ComparisonConfig()
    public var waves = [WaveConfig(wave: 1, offsetDays: 0), WaveConfig(wave: 2, offsetDays: 182), WaveConfig(wave: 3, offsetDays: 365)]
    public var disclosure = DisclosureConfig()
    public var instrument: Instrument?
    /// `csv.dialect`: how the analyst CSV files (and `restricted/exact/`) are written.
    public var csvDialect = CSVDialect.rfc4180
    /// `report`: the language of report.html.
    public var report = ReportConfig()
    /// `access.group`: the group analysts read the database and outputs through.
    public var access = FileAccess.ownerOnly

    /// The lock file beside the database.
    public var lockPath: String { database + ".lock" }

    /// Reads and checks the pipeline file at `path`.
    public static func load(path rawPath: String) throws -> PipelineConfig {
        let path = URL(fileURLWithPath: rawPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw OutflowError(.usage, "pipeline file \(rawPath): no such file")
        }
        let json = try JSONObject.parse(file: rawPath)
        try json.rejectUnknownKeys(["name", "database", "inbox", "output", "sources", "maxRejectShare",
                                    "minSnapshotShare", "keepRuns", "logRetentionDays", "groupTypes", "cohort", "outcome",
                                    "comparison", "questionnaire", "disclosure", "csv", "report", "access"])
        let folder = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String {
            URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: folder, isDirectory: true)).standardizedFileURL.path
        }
        var config = PipelineConfig(path: path,
                                    database: resolve(try json.requiredString("database")),
                                    inbox: resolve(try json.requiredString("inbox")),
                                    output: resolve(try json.requiredString("output")))
        config.sha256 = (try? SHA256.hexDigest(ofFileAt: path)) ?? ""
        config.name = try json.string("name") ?? config.name
        config.maxRejectShare = try json.number("maxRejectShare") ?? config.maxRejectShare
        config.minSnapshotShare = try json.number("minSnapshotShare") ?? config.minSnapshotShare
        config.keepRuns = try json.int("keepRuns") ?? config.keepRuns
        config.logRetentionDays = try json.int("logRetentionDays") ?? config.logRetentionDays
        config.groupTypes = try json.strings("groupTypes") ?? config.groupTypes
        guard (0...1).contains(config.maxRejectShare) else { throw json.fail("maxRejectShare", "must be between 0 and 1") }
        guard (0...1).contains(config.minSnapshotShare) else { throw json.fail("minSnapshotShare", "must be between 0 and 1") }
        guard config.keepRuns >= 1 else { throw json.fail("keepRuns", "must be at least 1") }
        guard config.logRetentionDays >= 1 else { throw json.fail("logRetentionDays", "must be at least 1") }
        guard !config.groupTypes.isEmpty else { throw json.fail("groupTypes", "must not be empty") }

        guard let sources = try json.object("sources") else { throw json.fail("sources", "is required") }
        try sources.rejectUnknownKeys(SourceKind.allCases.map(\.rawValue))
        for kind in SourceKind.allCases {
            guard let source = try sources.object(kind.rawValue) else { continue }
            try source.rejectUnknownKeys(["files", "mode", "instrument", "maxAgeDays"])
            let mode = try source.string("mode") ?? (kind.isSnapshot ? "snapshot" : "append")
            guard mode == (kind.isSnapshot ? "snapshot" : "append") else {
                throw source.fail("mode", "must be \"\(kind.isSnapshot ? "snapshot" : "append")\" for the \(kind.rawValue) source")
            }
            let instrument = try source.string("instrument").map(resolve)
            if kind != .questionnaire && instrument != nil { throw source.fail("instrument", "is only for the questionnaire source") }
            let maxAge = try source.int("maxAgeDays")
            if let maxAge, maxAge < 0 { throw source.fail("maxAgeDays", "must not be negative") }
            config.sources[kind] = SourceConfig(kind: kind, files: try source.requiredString("files"),
                                                instrumentPath: instrument, maxAgeDays: maxAge)
        }
        for required in [SourceKind.registrations, .decisions] where config.sources[required] == nil {
            throw sources.fail(required.rawValue, "is required")
        }
        if let questionnaire = config.sources[.questionnaire] {
            guard let instrumentPath = questionnaire.instrumentPath else {
                throw sources.fail("questionnaire", "needs an \"instrument\" file")
            }
            config.instrument = try Instrument.load(path: instrumentPath,
                                                    subject: "instrument file \(instrumentPath) named by sources.questionnaire.instrument in pipeline file \(rawPath)")
        }
        try config.readCohort(json.object("cohort"))
        try config.readOutcome(json.object("outcome"))
        try config.readComparison(json.object("comparison"))
        try config.readQuestionnaire(json.object("questionnaire"))
        try config.readDisclosure(json.object("disclosure"))
        try config.readCSV(json.object("csv"))
        try config.readReport(json.object("report"))
        try config.readAccess(json.object("access"))
        return config
    }

    // MARK: - Blocks

    private mutating func readCohort(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["index", "episodes", "roles", "ageLimit", "excludeInCareAtIndex", "priorCareDays", "strata"])
        if let s = try json.string("index") {
            guard let v = CohortConfig.IndexDate(rawValue: s) else { throw json.fail("index", "must be \"end\" or \"start\"") }
            cohort.index = v
        }
        if let s = try json.string("episodes") {
            guard let v = CohortConfig.Episodes(rawValue: s) else { throw json.fail("episodes", "must be \"first\" or \"all\"") }
            cohort.episodes = v
        }
        if let roles = try json.strings("roles") {
            cohort.roles = try roles.map { name in
                guard let role = Role(name: name) else { throw json.fail("roles", "has an unknown role '\(name)' (jongere, opvoeder)") }
                return role
            }
        }
        cohort.ageLimit = try json.int("ageLimit") ?? cohort.ageLimit
        guard (1...30).contains(cohort.ageLimit) else { throw json.fail("ageLimit", "must be between 1 and 30") }
        cohort.excludeInCareAtIndex = try json.bool("excludeInCareAtIndex") ?? cohort.excludeInCareAtIndex
        cohort.priorCareDays = try json.int("priorCareDays") ?? cohort.priorCareDays
        guard cohort.priorCareDays >= 0 else { throw json.fail("priorCareDays", "must not be negative") }
        if let strata = try json.strings("strata") {
            for s in strata where !CohortConfig.knownStrata.contains(s) {
                throw json.fail("strata", "has an unknown variable '\(s)' (\(CohortConfig.knownStrata.joined(separator: ", ")))")
            }
            cohort.strata = strata
        }
    }

    private mutating func readOutcome(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["eventDate", "productCategories", "horizonsDays", "historyFrom", "beforeAfterWindowDays", "byAnswer",
                                    "byAnswerLandmarkDays"])
        if let s = try json.string("eventDate") {
            guard let v = OutcomeConfig.EventDate(rawValue: s) else { throw json.fail("eventDate", "must be \"start_date\" or \"decision_date\"") }
            outcome.eventDate = v
        }
        if let value = json.values["productCategories"] {
            if let name = value as? String {
                guard let set = ProductCategory.builtInSets[name] else {
                    throw json.fail("productCategories", "names an unknown set '\(name)' (\(ProductCategory.builtInSets.keys.sorted().joined(separator: ", ")))")
                }
                outcome.productCategories = set
                outcome.productCategoriesLabel = name
            } else if let codes = value as? [String] {
                outcome.productCategories = try Set(codes.map { code in
                    guard code.count == 2, let n = Int(code), ProductCategory.meanings[n] != nil else {
                        throw json.fail("productCategories", "has an unknown iJw product category '\(code)'")
                    }
                    return n
                })
                outcome.productCategoriesLabel = codes.joined(separator: ",")
            } else {
                throw json.fail("productCategories", "must be a set name or a list of 2-digit codes")
            }
        }
        if let horizons = try json.ints("horizonsDays") {
            guard !horizons.isEmpty, horizons.allSatisfy({ $0 >= 0 }) else { throw json.fail("horizonsDays", "must be a non-empty list of days >= 0") }
            outcome.horizonsDays = horizons
        }
        outcome.historyFrom = try json.date("historyFrom") ?? outcome.historyFrom
        outcome.beforeAfterWindowDays = try json.int("beforeAfterWindowDays") ?? outcome.beforeAfterWindowDays
        guard outcome.beforeAfterWindowDays > 0 else { throw json.fail("beforeAfterWindowDays", "must be positive") }
        if let items = try json.strings("byAnswer") {
            if let instrument {
                for item in items where !instrument.items.contains(where: { $0.code == item }) {
                    throw json.fail("byAnswer", "names '\(item)', which is not an item of the instrument")
                }
            }
            outcome.byAnswer = items
        }
        outcome.byAnswerLandmarkDays = try json.int("byAnswerLandmarkDays") ?? outcome.byAnswerLandmarkDays
        guard outcome.byAnswerLandmarkDays >= 0 else { throw json.fail("byAnswerLandmarkDays", "must not be negative") }
    }

    /// `comparison`: on by default when the population source is configured, an error
    /// when asked for without it.
    private mutating func readComparison(_ json: JSONObject?) throws {
        let hasPopulation = self.sources[.population] != nil
        comparison.enabled = hasPopulation
        guard let json else { return }
        try json.rejectUnknownKeys(["enabled", "controlsPerEntry", "seed"])
        comparison.enabled = try json.bool("enabled") ?? hasPopulation
        if comparison.enabled && !hasPopulation {
            throw json.fail("enabled", "needs the population source (sources.population)")
        }
        comparison.controlsPerEntry = try json.int("controlsPerEntry") ?? comparison.controlsPerEntry
        guard (1...100).contains(comparison.controlsPerEntry) else { throw json.fail("controlsPerEntry", "must be between 1 and 100") }
        comparison.seed = try json.string("seed") ?? comparison.seed
        guard !comparison.seed.isEmpty else { throw json.fail("seed", "must not be empty") }
    }

    private mutating func readQuestionnaire(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["waves"])
        if let list = try json.objects("waves") {
            waves = try list.map { wave in
                try wave.rejectUnknownKeys(["wave", "offsetDays"])
                guard let number = try wave.int("wave"), (1...20).contains(number) else { throw wave.fail("wave", "must be a whole number 1-20") }
                guard let offset = try wave.int("offsetDays"), offset >= 0 else { throw wave.fail("offsetDays", "must be a whole number >= 0") }
                return WaveConfig(wave: number, offsetDays: offset)
            }
            for (i, wave) in waves.enumerated() where waves[..<i].contains(where: { $0.wave == wave.wave }) {
                throw json.fail("waves", "lists wave \(wave.wave) twice")
            }
        }
    }

    private mutating func readDisclosure(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["minCell", "roundTo", "curveGridDays"])
        disclosure.minCell = try json.int("minCell") ?? disclosure.minCell
        disclosure.roundTo = try json.int("roundTo") ?? disclosure.roundTo
        guard disclosure.roundTo >= 1 else { throw json.fail("roundTo", "must be at least 1") }
        disclosure.curveGridDays = try json.int("curveGridDays") ?? disclosure.curveGridDays
        guard disclosure.minCell >= 1 else { throw json.fail("minCell", "must be at least 1") }
        guard disclosure.curveGridDays >= 1 else { throw json.fail("curveGridDays", "must be at least 1") }
    }

    private mutating func readCSV(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["dialect"])
        if let s = try json.string("dialect") {
            guard let v = CSVDialect(rawValue: s) else { throw json.fail("dialect", "must be \"rfc4180\" or \"nl\"") }
            csvDialect = v
        }
    }

    private mutating func readReport(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["language"])
        if let s = try json.string("language") {
            guard let v = ReportLanguage(rawValue: s) else { throw json.fail("language", "must be \"nl\" or \"en\"") }
            report.language = v
        }
    }

    private mutating func readAccess(_ json: JSONObject?) throws {
        guard let json else { return }
        try json.rejectUnknownKeys(["group"])
        guard let name = try json.string("group") else { return }
        guard let shared = FileAccess.group(name) else {
            throw json.fail("group", "names no group known to this machine: '\(name)' (see /etc/group or getent group)")
        }
        access = shared
    }
}
