// What the cohort is built from, as plain values: participation episodes, parent-child
// links, care spells (the outcome's decisions) and the residents of the population source
// of the snapshot in force at the cut-off.
// `LinkedSources.load` (Linkage) reads them from the staging tables; the builder never touches SQL.

import OutflowCore

/// The texts of one group, shared by all its episodes.
public final class GroupTexts: Sendable {
    public let groupId: String
    public let groupType: String
    public let organisation: String
    public let district: String?

    public init(groupId: String, groupType: String, organisation: String, district: String?) {
        self.groupId = groupId
        self.groupType = groupType
        self.organisation = organisation
        self.district = district
    }
}

/// One participation episode of one person in one group. Stored in 24 bytes (the group's
/// texts are shared, ids, dates and years narrow), because a national cohort holds millions.
public struct Episode: Sendable, Equatable {
    public let group: GroupTexts
    private let person: Int32
    private let birth: Int16
    public let role: Role
    /// How the episode ended, when delivered (a byte, in the padding before `start`).
    public let endReason: EndReason?
    public let start: Day
    private let endDay: Day   // `noEnd` when still participating

    private static let noEnd = Day(julian: Int(Int32.min))
    public var end: Day? { endDay == Self.noEnd ? nil : endDay }
    public var personId: Int { Int(person) }
    public var birthYear: Int? { birth == 0 ? nil : Int(birth) }
    public var groupId: String { group.groupId }
    public var groupType: String { group.groupType }
    public var organisation: String { group.organisation }
    public var district: String? { group.district }

    public init(personId: Int, group: GroupTexts, role: Role, start: Day, end: Day?, birthYear: Int? = nil, endReason: EndReason? = nil) {
        self.group = group
        person = Int32(personId)
        birth = Int16(clamping: birthYear ?? 0)
        self.role = role
        self.endReason = endReason
        self.start = start
        endDay = end ?? Self.noEnd
    }

    public init(personId: Int, groupId: String, groupType: String, organisation: String, district: String? = nil,
                role: Role, start: Day, end: Day?, birthYear: Int? = nil, endReason: EndReason? = nil) {
        self.init(personId: personId, group: GroupTexts(groupId: groupId, groupType: groupType, organisation: organisation, district: district),
                  role: role, start: start, end: end, birthYear: birthYear, endReason: endReason)
    }

    public static func == (a: Episode, b: Episode) -> Bool {
        (a.person, a.birth, a.role, a.endReason, a.start, a.endDay) == (b.person, b.birth, b.role, b.endReason, b.start, b.endDay)
            && (a.group === b.group || (a.groupId, a.groupType, a.organisation, a.district) == (b.groupId, b.groupType, b.organisation, b.district))
    }
}

/// A linked child of a caregiver (8 bytes: a million caregivers' links stay small).
public struct Child: Sendable, Equatable {
    private let person: Int32
    private let birth: Int16
    public var personId: Int { Int(person) }
    public var birthYear: Int? { birth == 0 ? nil : Int(birth) }

    public init(personId: Int, birthYear: Int?) {
        person = Int32(personId)
        birth = Int16(clamping: birthYear ?? 0)
    }
}

/// A resident of the municipality as the population source gives them (methods.md section
/// 5): the birth month places the age-limit day, moving out and death end follow-up. 32 bytes.
public struct Resident: Sendable, Equatable {
    /// Wijk on the extraction date; a shared copy per distinct text.
    public let district: String?
    private let year: Int16
    private let month: UInt8      // 0: not delivered
    private let sexCode: UInt8    // 0: not delivered
    private let from: Day, until: Day, death: Day   // `none` when empty

    private static let none = Day(julian: Int(Int32.min))

    public var birthYear: Int { Int(year) }
    public var birthMonth: Int? { month == 0 ? nil : Int(month) }
    public var sex: Sex? { Sex(rawValue: Int(sexCode)) }
    public var registeredFrom: Day? { from == Self.none ? nil : from }
    /// The day the resident left the municipality.
    public var movedOut: Day? { until == Self.none ? nil : until }
    public var died: Day? { death == Self.none ? nil : death }

    public init(birthYear: Int, birthMonth: Int? = nil, sex: Sex? = nil, district: String? = nil, registeredFrom: Day? = nil,
                movedOut: Day? = nil, died: Day? = nil) {
        self.district = district
        year = Int16(clamping: birthYear)
        month = UInt8(clamping: birthMonth ?? 0)
        sexCode = UInt8(clamping: sex?.rawValue ?? 0)
        from = registeredFrom ?? Self.none
        until = movedOut ?? Self.none
        death = died ?? Self.none
    }

    /// The day the resident turns `ageLimit`: the first day of the birth month, else 1 July.
    public func ageLimitDay(ageLimit: Int) -> Day {
        OutflowAnalysis.ageLimitDay(birthYear: birthYear, birthMonth: birthMonth, ageLimit: ageLimit)
    }
}

/// One decision in the outcome's categories (withdrawn rows already left out).
public struct CareSpell: Sendable, Equatable {
    public var start: Day
    public var end: Day?
    /// The outcome's event date: start date or decision date (methods.md section 4).
    public var eventDay: Day
    /// Change reason 04: care, but never an outflow event.
    public var isExtension: Bool

    public init(start: Day, end: Day?, eventDay: Day, isExtension: Bool = false) {
        self.start = start
        self.end = end
        self.eventDay = eventDay
        self.isExtension = isExtension
    }

    /// Active on at least one day of `[from, to)`.
    public func isActive(from: Day, before to: Day) -> Bool {
        start < to && (end == nil || end! >= from)
    }
}

/// Everything the cohort builder reads.
public struct CohortInputs: Sendable {
    /// Episodes of the registrations snapshot in force, including ones starting after the
    /// cut-off, ordered by person, start date and group.
    public var episodes: [Episode]
    public var children: PersonGroups<Child>
    /// Care spells of the cohort's possible subjects (youth participants and linked children).
    public var care: PersonGroups<CareSpell>
    /// The population source's residents, one per person; empty without the source.
    public var residents: Residents

    /// Episodes not yet ordered by person, start date and group are put in that order.
    public init(episodes: [Episode], children: PersonGroups<Child>, care: PersonGroups<CareSpell>,
                residents: Residents = Residents()) {
        func key(_ e: Episode) -> (Int, Int, String) { (e.personId, e.start.julian, e.groupId) }
        self.episodes = zip(episodes, episodes.dropFirst()).allSatisfy { key($0) <= key($1) } ? episodes
            : episodes.enumerated().sorted { a, b in
                let (x, y) = (key(a.element), key(b.element))
                return x != y ? x < y : a.offset < b.offset
            }.map(\.element)
        self.children = children
        self.care = care
        self.residents = residents
    }

    public init(episodes: [Episode], children: [Int: [Child]] = [:], care: [Int: [CareSpell]] = [:], residents: [Int: Resident] = [:]) {
        self.init(episodes: episodes, children: PersonGroups(children), care: PersonGroups(care),
                  residents: Residents(residents))
    }

    /// A person's row in the population source, if any.
    public func resident(_ person: Int) -> Resident? { residents[person] }
}
