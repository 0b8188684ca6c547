// What the cohort is built from, as plain values: participation episodes, parent-child
// links and care spells (the outcome's decisions) of the snapshot in force at the cut-off.
// `LinkedSources.load` (Linkage) reads them from the staging tables; the builder never touches SQL.

/// One participation episode of one person in one group.
public struct Episode: Sendable, Equatable {
    public var personId: Int
    public var groupId: String
    public var groupType: String
    public var organisation: String
    public var district: String?
    public var role: Role
    public var start: Day
    public var end: Day?
    public var birthYear: Int?

    public init(personId: Int, groupId: String, groupType: String, organisation: String, district: String? = nil,
                role: Role, start: Day, end: Day?, birthYear: Int? = nil) {
        self.personId = personId
        self.groupId = groupId
        self.groupType = groupType
        self.organisation = organisation
        self.district = district
        self.role = role
        self.start = start
        self.end = end
        self.birthYear = birthYear
    }
}

/// A linked child of a caregiver.
public struct Child: Sendable, Equatable {
    public var personId: Int
    public var birthYear: Int?
    public init(personId: Int, birthYear: Int?) {
        self.personId = personId
        self.birthYear = birthYear
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

    public init(episodes: [Episode], children: PersonGroups<Child>, care: PersonGroups<CareSpell>) {
        self.episodes = episodes
        self.children = children
        self.care = care
    }

    public init(episodes: [Episode], children: [Int: [Child]] = [:], care: [Int: [CareSpell]] = [:]) {
        self.init(episodes: episodes, children: PersonGroups(children), care: PersonGroups(care))
    }
}
