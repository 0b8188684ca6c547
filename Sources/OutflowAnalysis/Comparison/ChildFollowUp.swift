// Follow-up of one child in the comparison (docs/methods.md sections 4, 5 and 11): from a
// start day to the first individual-care decision, or to the first of the cut-off, moving
// out, death, the age limit and, for a control, the day the child or a parent starts in a
// group. The same rules for both arms, so the arms differ only in who is in them.

import OutflowCore

/// How a child's follow-up in the comparison ended.
public enum ComparisonEnding: String, Sendable, CaseIterable {
    case event
    case endOfData = "end_of_data"
    case movedOut = "moved_out"
    case died
    case ageLimit = "age_limit"
    case becameParticipant = "became_participant"

    /// Death and the age limit end the chance of the outcome (competing events); the others
    /// censor.
    public var ending: Ending {
        switch self {
        case .event: return .event
        case .died, .ageLimit: return .competing
        case .endOfData, .movedOut, .becameParticipant: return .censored
        }
    }
}

/// One child's follow-up in the comparison.
public struct ChildOutcome: Sendable, Equatable {
    public var days: Int
    public var reason: ComparisonEnding
    public var survivalTime: SurvivalTime { SurvivalTime(days: days, ending: reason.ending) }

    public init(days: Int, reason: ComparisonEnding) {
        self.days = days
        self.reason = reason
    }
}

/// The follow-up rules for a cut-off date and age limit.
public struct ChildFollowUp: Sendable {
    public var asOf: Day
    public var ageLimit: Int

    public init(asOf: Day, ageLimit: Int) {
        self.asOf = asOf
        self.ageLimit = ageLimit
    }

    /// Follow-up of `child` from `start`. An event on the day follow-up ends counts; when
    /// endings share a day they are named in the order methods.md section 5 lists them (the
    /// cut-off, moving out, death, the age limit), joining a group after moving out, the
    /// same order the cohort uses.
    public func follow(_ child: RegisteredChild, from start: Day, care: PersonGroups<CareSpell>, joinsGroup: Day?) -> ChildOutcome {
        follow(child, from: start, spells: care[child.personId], joinsGroup: joinsGroup)
    }

    /// Follow-up of `child` from `start`, given the child's own care spells.
    public func follow(_ child: RegisteredChild, from start: Day, spells: ArraySlice<CareSpell>, joinsGroup: Day?) -> ChildOutcome {
        // The first ending; on a tie the one named first (cut-off, moving out, joining a group,
        // death, age limit) keeps it.
        var end = asOf, reason = ComparisonEnding.endOfData
        func consider(_ day: Day?, _ ending: ComparisonEnding) {
            if let day, day < end { end = day; reason = ending }
        }
        consider(child.registeredUntil, .movedOut)
        if let joins = joinsGroup, joins > start { consider(joins, .becameParticipant) }
        consider(child.died, .died)
        consider(child.ageLimitDay(ageLimit), .ageLimit)
        let event = spells.lazy.filter { !$0.isExtension && $0.eventDay >= start && $0.eventDay <= end }.map(\.eventDay).min()
        if let event { return ChildOutcome(days: event - start, reason: .event) }
        return ChildOutcome(days: max(0, end - start), reason: reason)
    }
}
