// The people of the synthetic inbox, generated one group at a time: participants with their
// episodes, repeat participations and questionnaires; the children of caregivers as the
// population register links them; and the municipality's other children, whose care makes up
// most of the decisions. Only a ring of recent caregivers is remembered (so a young
// participant can turn up as one of their children), so memory stays flat in the number of
// persons.

import OutflowCore
import OutflowCSV

/// Generates people group by group and hands their rows to the deliveries.
package struct SyntheticPopulation {
    /// A person as the population register knows them.
    package struct Person {
        package let pseudonym: String
        package let birthYear: Int?
    }

    /// Children per caregiver: 0 to 4.
    package static let childCounts = Weights([8, 35, 35, 15, 7])
    /// Neighbours' children who took no part, per participant: 0 to 2.
    package static let neighbourChildren = Weights([20, 50, 30])
    private static let ringCapacity = 32

    private let seed: UInt64
    private let asOf: Day
    private let numbers: SyntheticCitizenNumbers
    private var decisions: SyntheticDecisions
    /// The next person number for someone who took no part; participants come first.
    private var nextPerson: Int
    private var recentCaregivers: [Person] = []
    private var ringNext = 0
    /// The population register and comparison pool, when asked for.
    private var register: SyntheticRegister?

    package init(seed: UInt64, asOf: Day, participants: Int, population: Bool = false, effect: Double = 0.7) {
        self.seed = seed
        self.asOf = asOf
        numbers = SyntheticCitizenNumbers(seed: seed)
        decisions = SyntheticDecisions(seed: seed, asOf: asOf, effect: effect)
        nextPerson = participants
        recentCaregivers.reserveCapacity(SyntheticPopulation.ringCapacity)
        register = population ? SyntheticRegister(seed: seed, asOf: asOf) : nil
    }

    // MARK: - Groups

    /// Generates the participants numbered `participants` of `group` with everyone and
    /// everything that hangs off them.
    package mutating func generate(_ group: SyntheticGroup, participants: Range<Int>, into deliveries: inout SyntheticDeliveries,
                           pseudonymise: (String) -> String) throws {
        var random = SeededRandom(seed: seed, stream: 0x7_0000_0000 + UInt64(group.number))
        var partnerChildren: [Person] = []
        let year = group.start.year
        for number in participants {
            let role: Role = random.chance(group.kind.youthShare) ? .jongere : .opvoeder
            // Youth are 12-17 so some turn 18 during follow-up; a few 18-year-olds join
            // too, and the cohort must drop them as aged out.
            let birthYear: Int? = role == .jongere
                ? (random.chance(0.01) ? nil : year - (random.chance(0.02) ? 18 : random.int(12...17)))
                : (random.chance(0.04) ? nil : year - random.int(25...55))
            let participant = Person(pseudonym: pseudonymise(numbers.number(for: number)), birthYear: birthYear)
            let district: StaticString? = random.chance(0.85)
                ? group.district
                : (random.chance(0.8) ? random.pick(SyntheticGroup.districts) : nil)

            let episode = group.episode(asOf: asOf, random: &random)
            try register(participant, role: role, district: district, episode: episode, random: &random, into: &deliveries)
            if random.chance(0.15), let end = episode.end,
               let later = group.laterGroup(for: role, after: end, seed: seed, asOf: asOf, random: &random) {
                try register(participant, role: role, district: district, episode: later.episode(asOf: asOf, random: &random),
                             random: &random, into: &deliveries)
            }

            switch role {
            case .jongere:
                try care(of: participant, exposedFrom: episode.anchor, random: &random, into: &deliveries)
                var linkedParent: Person?
                if random.chance(0.12), let parent = recentCaregiver(of: participant, random: &random) {
                    linkedParent = parent
                    try deliveries.add(FamilyLink(parent: parent.pseudonym, child: participant.pseudonym,
                                                  childBirthYear: participant.birthYear))
                }
                try register?.youth(participant, groupYear: year, groupStart: group.start, district: district ?? group.district,
                                    parent: linkedParent, into: &deliveries)
            case .opvoeder:
                partnerChildren = try children(of: participant, episode: episode, district: district ?? group.district,
                                               partnerChildren: partnerChildren, random: &random, into: &deliveries,
                                               pseudonymise: pseudonymise)
                remember(participant)
            }
            try neighbours(random: &random, into: &deliveries, pseudonymise: pseudonymise)
        }
        try register?.flush(into: &deliveries)
    }

    /// The comparison pool, after every group (`SyntheticRegister.pool`), when the population
    /// register is asked for.
    package mutating func finish(participants: Int, into deliveries: inout SyntheticDeliveries,
                                 pseudonymise: (String) -> String) throws {
        guard var register else { return }
        try register.pool(count: SyntheticRegister.poolPerParticipant * participants, nextPerson: &nextPerson,
                          decisions: &decisions, into: &deliveries, pseudonymise: pseudonymise)
        self.register = register
    }

    private func register(_ person: Person, role: Role, district: StaticString?, episode: SyntheticEpisode,
                          random: inout SeededRandom, into deliveries: inout SyntheticDeliveries) throws {
        try deliveries.add(RegistrationRow(pseudonym: person.pseudonym, role: role, birthYear: person.birthYear,
                                           district: district, episode: episode))
        try SyntheticQuestionnaire.answer(episode, pseudonym: person.pseudonym, role: role,
                                          random: &random, into: &deliveries)
    }

    // MARK: - Families

    /// Links a caregiver to their children and gives those children care around the group;
    /// a partner in the same group sometimes shares the previous caregiver's children.
    /// Returns the children, for the next caregiver of the group.
    private mutating func children(of parent: Person, episode: SyntheticEpisode, district: StaticString, partnerChildren: [Person],
                                   random: inout SeededRandom, into deliveries: inout SyntheticDeliveries,
                                   pseudonymise: (String) -> String) throws -> [Person] {
        let start = episode.group.start
        if !partnerChildren.isEmpty, random.chance(0.1) {
            for child in partnerChildren {
                try deliveries.add(FamilyLink(parent: parent.pseudonym, child: child.pseudonym,
                                              childBirthYear: child.birthYear))
            }
            register?.share(with: parent)
            _ = try register?.caregiver(parent, groupStart: start, district: district, into: &deliveries)
            return partnerChildren
        }
        let move = try register?.caregiver(parent, groupStart: start, district: district, into: &deliveries)
        let year = episode.group.start.year
        let parentAge = parent.birthYear.map { year - $0 } ?? 40
        var children: [Person] = []
        for _ in 0..<random.pick(SyntheticPopulation.childCounts) {
            let adult = parentAge >= 40 && random.chance(0.03)
            let age = adult ? random.int(18...(parentAge - 22)) : random.int(0...max(0, min(17, parentAge - 18)))
            let child = Person(pseudonym: newcomer(pseudonymise), birthYear: random.chance(0.03) ? nil : year - age)
            children.append(child)
            try deliveries.add(FamilyLink(parent: parent.pseudonym, child: child.pseudonym, childBirthYear: child.birthYear))
            register?.child(child, of: parent, groupYear: year, groupStart: start, district: district, move: move,
                            pseudonymise: pseudonymise)
            if !adult { try care(of: child, exposedFrom: episode.anchor, random: &random, into: &deliveries) }
        }
        return children
    }

    /// Children of the municipality who took no part: some in care (a few of them linked to
    /// a parent), and now and then a household without care, so that the register holds
    /// more than the participants' families.
    private mutating func neighbours(random: inout SeededRandom, into deliveries: inout SyntheticDeliveries,
                                     pseudonymise: (String) -> String) throws {
        for _ in 0..<random.pick(SyntheticPopulation.neighbourChildren) {
            let child = Person(pseudonym: newcomer(pseudonymise), birthYear: asOf.year - random.int(1...24))
            try care(of: child, random: &random, into: &deliveries)
            var parent: String?
            if random.chance(0.3) {
                parent = newcomer(pseudonymise)
                try deliveries.add(FamilyLink(parent: parent!, child: child.pseudonym,
                                              childBirthYear: child.birthYear))
            }
            try register?.other(child.pseudonym, birthYear: child.birthYear!, parent: parent, into: &deliveries, pseudonymise: pseudonymise)
        }
        guard random.chance(0.25) else { return }
        let parent = newcomer(pseudonymise)
        for _ in 0..<random.int(1...3) {
            let child = Person(pseudonym: newcomer(pseudonymise), birthYear: asOf.year - random.int(0...17))
            try deliveries.add(FamilyLink(parent: parent, child: child.pseudonym, childBirthYear: child.birthYear))
            try register?.other(child.pseudonym, birthYear: child.birthYear!, parent: parent, into: &deliveries, pseudonymise: pseudonymise)
            try care(of: child, random: &random, into: &deliveries)
        }
    }

    /// A child's care over its childhood (`SyntheticDecisions.child`), with the planted effect
    /// from `exposedFrom` on, the end of the group it or its caregiver took part in.
    private mutating func care(of child: Person, exposedFrom: Day? = nil, random: inout SeededRandom,
                               into deliveries: inout SyntheticDeliveries) throws {
        guard let window = decisions.childhood(birthYear: child.birthYear, around: exposedFrom ?? asOf) else { return }
        try decisions.child(child.pseudonym, window: window, exposedFrom: exposedFrom, random: &random, into: &deliveries)
    }

    private mutating func newcomer(_ pseudonymise: (String) -> String) -> String {
        defer { nextPerson += 1 }
        return pseudonymise(numbers.number(for: nextPerson))
    }

    // MARK: - Recent caregivers

    private mutating func remember(_ caregiver: Person) {
        if recentCaregivers.count < SyntheticPopulation.ringCapacity {
            recentCaregivers.append(caregiver)
        } else {
            recentCaregivers[ringNext] = caregiver
        }
        ringNext = (ringNext + 1) % SyntheticPopulation.ringCapacity
    }

    /// A recent caregiver old enough to be the parent of `youth`, if the draw finds one.
    private func recentCaregiver(of youth: Person, random: inout SeededRandom) -> Person? {
        guard !recentCaregivers.isEmpty else { return nil }
        let parent = recentCaregivers[random.int(0...(recentCaregivers.count - 1))]
        if let parentYear = parent.birthYear, let youthYear = youth.birthYear, parentYear > youthYear - 18 { return nil }
        return parent
    }
}
