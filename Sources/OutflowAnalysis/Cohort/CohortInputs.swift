// What the cohort is built from, as plain values: participation episodes, parent-child
// links and care spells (the outcome's decisions) of the snapshot in force at the cut-off.
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

    public init(personId: Int, group: GroupTexts, role: Role, start: Day, end: Day?, birthYear: Int? = nil) {
        self.group = group
        person = Int32(personId)
        birth = Int16(clamping: birthYear ?? 0)
        self.role = role
        self.start = start
        endDay = end ?? Self.noEnd
    }

    public init(personId: Int, groupId: String, groupType: String, organisation: String, district: String? = nil,
                role: Role, start: Day, end: Day?, birthYear: Int? = nil) {
        self.init(personId: personId, group: GroupTexts(groupId: groupId, groupType: groupType, organisation: organisation, district: district),
                  role: role, start: start, end: end, birthYear: birthYear)
    }

    public static func == (a: Episode, b: Episode) -> Bool {
        (a.person, a.birth, a.role, a.start, a.endDay) == (b.person, b.birth, b.role, b.start, b.endDay)
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

    /// Episodes not yet ordered by person, start date and group are put in that order.
    public init(episodes: [Episode], children: PersonGroups<Child>, care: PersonGroups<CareSpell>) {
        func key(_ e: Episode) -> (Int, Int, String) { (e.personId, e.start.julian, e.groupId) }
        self.episodes = zip(episodes, episodes.dropFirst()).allSatisfy { key($0) <= key($1) } ? episodes
            : episodes.enumerated().sorted { a, b in
                let (x, y) = (key(a.element), key(b.element))
                return x != y ? x < y : a.offset < b.offset
            }.map(\.element)
        self.children = children
        self.care = care
    }

    public init(episodes: [Episode], children: [Int: [Child]] = [:], care: [Int: [CareSpell]] = [:]) {
        self.init(episodes: episodes, children: PersonGroups(children), care: PersonGroups(care))
    }
}
