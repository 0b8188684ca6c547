// A cohort entry and its follow-up: index date, subjects whose decisions count, the end of
// follow-up, and the event or censoring (methods.md sections 2, 4 and 5).

import OutflowCore

/// Why follow-up of an entry without an event ended (methods.md section 5), in the order
/// ties on one day are given: the cut-off, moving out, death, the age limit.
public enum CensorReason: String, Sendable, CaseIterable {
    case endOfData = "end_of_data"
    case movedOut = "moved_out"
    case died = "died"
    case ageLimit = "age_limit"

    /// Death and the age limit are competing events: after them the outcome cannot happen.
    /// The cut-off and moving out are censorings: care elsewhere or later is not observed.
    public var ending: Ending { self == .died || self == .ageLimit ? .competing : .censored }
}

/// One entry of the cohort with its outcome. Fields are declared widest first so an entry
/// takes 72 bytes (a national cohort holds a million).
public struct CohortEntry: Sendable, Equatable {
    public var episode: Episode
    /// The persons whose decisions count: the youth, or a caregiver's linked minor children.
    public var subjects: Subjects
    /// Days from index to event or censoring.
    public var time: Int
    public var index: Day
    /// The first of the cut-off, moving out, death and the age-limit day (never before the index date).
    public var followUpEnd: Day
    /// The day the subject turns the age limit (for a caregiver, the youngest child); nil when unknown.
    public var ageLimitDay: Day?
    public var eventDay: Day?
    public var censorReason: CensorReason?

    public init(episode: Episode, index: Day, subjects: Subjects, ageLimitDay: Day?, followUpEnd: Day, time: Int,
                eventDay: Day?, censorReason: CensorReason?) {
        self.episode = episode
        self.subjects = subjects
        self.time = time
        self.index = index
        self.followUpEnd = followUpEnd
        self.ageLimitDay = ageLimitDay
        self.eventDay = eventDay
        self.censorReason = censorReason
    }

    public var isEvent: Bool { eventDay != nil }
    /// How follow-up ended: the event, a competing event (death, the age limit) or a censoring.
    public var ending: Ending { isEvent ? .event : (censorReason?.ending ?? .censored) }
    public var survivalTime: SurvivalTime { SurvivalTime(days: time, ending: ending) }
    public var indexYear: Int { index.year }
}

/// The persons whose decisions count for an entry: the youth, or a caregiver's linked minor
/// children. One subject (the usual case) is kept inline; only several need an array.
public struct Subjects: RandomAccessCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    private let single: Int32
    private let several: [Int32]?

    public init(_ ids: [Int]) {
        if ids.count == 1 {
            single = Int32(ids[0])
            several = nil
        } else {
            single = 0
            several = ids.map { Int32($0) }
        }
    }

    public init(arrayLiteral ids: Int...) { self.init(ids) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { several?.count ?? 1 }
    public subscript(position: Int) -> Int { several.map { Int($0[position]) } ?? Int(single) }

    public static func == (a: Subjects, b: Subjects) -> Bool { a.elementsEqual(b) }
}

/// The cohort with its attrition flow and follow-up counts.
public struct Cohort: Sendable {
    public var entries: [CohortEntry]
    public var attrition: [AttritionStep]
    /// Entries excluded because their subject was in care at the index date.
    public var inCareAtIndex: Int
    /// Participants (distinct persons) per group id among the episodes started by the
    /// cut-off, for the `group_size` stratum; empty when no stratum needs it.
    public var groupSizes: [String: Int]
    /// The population source's residents, for the district of a participant whose
    /// registration has none.
    public var residents: Residents

    public var events: Int { entries.filter(\.isEvent).count }
    public func censored(_ reason: CensorReason) -> Int { entries.filter { $0.censorReason == reason }.count }
    package init(entries: [CohortEntry], attrition: [AttritionStep], inCareAtIndex: Int,
                 groupSizes: [String: Int] = [:], residents: Residents = Residents()) {
        self.entries = entries
        self.attrition = attrition
        self.inCareAtIndex = inCareAtIndex
        self.groupSizes = groupSizes
        self.residents = residents
    }

    /// The value of a stratum variable (`CohortConfig.knownStrata`) for one of its entries.
    public func stratumValue(of entry: CohortEntry, _ variable: String) -> String {
        let episode = entry.episode
        switch variable {
        case "role": return episode.role.name
        case "group_type": return episode.groupType
        case "organisation": return episode.organisation
        case "district": return district(of: entry) ?? Self.unknown
        case "index_year": return String(entry.indexYear)
        case "end_reason": return episode.endReason?.name ?? Self.unknown
        case "group_size":
            let size = groupSizes[episode.groupId] ?? 1
            return size <= 5 ? "1-5" : size <= 10 ? "6-10" : "11+"
        case "children":
            guard episode.role == .opvoeder else { return "-" }
            return entry.subjects.count >= 3 ? "3+" : String(entry.subjects.count)
        default: return "all"
        }
    }

    /// An entry's district: the registration's, else that of the participant's own population
    /// row; nil when neither gives one.
    public func district(of entry: CohortEntry) -> String? {
        entry.episode.district ?? residents[entry.episode.personId]?.district
    }

    /// The value of a missing district or end reason.
    public static let unknown = "(unknown)"
}

/// The age-limit day of a birth year (methods.md section 5): the first day of the birth
/// month when it is known, else 1 July.
public func ageLimitDay(birthYear: Int, birthMonth: Int? = nil, ageLimit: Int) -> Day {
    Day(year: birthYear + ageLimit, month: birthMonth ?? 7, day: 1)!
}
