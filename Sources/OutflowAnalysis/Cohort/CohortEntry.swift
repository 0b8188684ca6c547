// A cohort entry and its follow-up: index date, subjects whose decisions count, the end of
// follow-up, and the event or censoring (methods.md sections 2, 4 and 5).

import OutflowCore

/// Why follow-up of an entry without an event ended.
public enum CensorReason: String, Sendable {
    case endOfData = "end_of_data"
    case ageLimit = "age_limit"
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
    /// The earlier of the cut-off and the age-limit day.
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
    public var survivalTime: SurvivalTime { SurvivalTime(days: time, isEvent: isEvent) }
    public var indexYear: Int { index.year }

    /// The value of a stratum variable (`CohortConfig.knownStrata`) for this entry.
    public func stratumValue(_ variable: String) -> String {
        switch variable {
        case "role": return episode.role.name
        case "group_type": return episode.groupType
        case "organisation": return episode.organisation
        case "district": return episode.district ?? "(unknown)"
        case "index_year": return String(indexYear)
        default: return "all"
        }
    }
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

    public var events: Int { entries.filter(\.isEvent).count }
    public func censored(_ reason: CensorReason) -> Int { entries.filter { $0.censorReason == reason }.count }
    package init(entries: [CohortEntry], attrition: [AttritionStep], inCareAtIndex: Int) {
        self.entries = entries
        self.attrition = attrition
        self.inCareAtIndex = inCareAtIndex
    }
}

/// The age-limit day of a birth year: the birthday is taken as 1 July (methods.md section 5).
public func ageLimitDay(birthYear: Int, ageLimit: Int) -> Day {
    Day(year: birthYear + ageLimit, month: 7, day: 1)!
}
