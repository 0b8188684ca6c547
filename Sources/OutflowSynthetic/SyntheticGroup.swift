// The groups of the synthetic inbox: type, organisation, district, start, end and size.
// A group is a pure function of the seed and its number, so a person's repeat
// participation can be placed in another real group (shared group_id, dates) without the
// generator keeping any list of groups.

import OutflowCore
import OutflowCSV

/// One planned group, derived from the seed and its number alone.
package struct SyntheticGroup {
    /// A group type with the share of its participants who are youth.
    package struct Kind: Sendable {
        package let code: StaticString
        package let youthShare: Double
        /// Organisation weights, in the order of `organisations`.
        package let organisations: Weights
    }

    // Weighted so about 17% of participants are youth, as in the seed (9 of 52).
    package static let kinds = WeightedTable<Kind>([
        (Kind(code: "opvoedgroep", youthShare: 0, organisations: Weights([30, 35, 15, 0, 5, 15, 0])), 55),
        (Kind(code: "scheiding", youthShare: 0.1, organisations: Weights([20, 10, 5, 0, 5, 5, 55])), 20),
        (Kind(code: "kopp-kov", youthShare: 0.3, organisations: Weights([15, 0, 5, 10, 60, 10, 0])), 12),
        (Kind(code: "jongerengroep", youthShare: 1, organisations: Weights([25, 0, 15, 45, 5, 10, 0])), 7),
        (Kind(code: "sociale-vaardigheden", youthShare: 0.8, organisations: Weights([20, 0, 20, 45, 0, 15, 0])), 6),
    ])

    package static let organisations: [StaticString] = [
        "Buurtteam Jeugd en Gezin", "Stichting Opvoedpunt Utrecht", "De Wijkwerkplaats",
        "Jong Perspectief", "Kompas Jeugd & Gezin", "Samen in de Wijk", "Stichting Kind in Scheiding",
    ]

    package static let districts = WeightedTable<StaticString>([
        ("Overvecht", 12), ("Kanaleneiland", 8), ("Zuilen", 7), ("Leidsche Rijn", 14),
        ("Vleuten-De Meern", 10), ("Oost", 7), ("West", 6), ("Noordoost", 7), ("Noordwest", 6),
        ("Zuid", 7), ("Zuidwest", 8), ("Binnenstad", 4),
    ])

    /// Days over which group starts are spread, ending the day before the extraction date.
    package static let startWindowDays = 4 * 365 + 1

    package let number: Int
    package let kind: Kind
    package let organisation: Int
    package let district: StaticString
    package let start: Day
    /// The last session; may lie after the extraction date (a running group).
    package let end: Day
    package let size: Int

    package init(seed: UInt64, number: Int, asOf: Day) {
        var random = SeededRandom(seed: seed, stream: 0x6_0000_0000 + UInt64(number))
        self.number = number
        kind = random.pick(SyntheticGroup.kinds)
        organisation = random.pick(kind.organisations)
        district = random.pick(SyntheticGroup.districts)
        // Half uniform, half leaning to recent years: the programme grows, and about 8% of
        // episodes are still running at the extraction date.
        let window = SyntheticGroup.startWindowDays
        let back = random.chance(0.5)
            ? random.int(1...window)
            : min(random.int(1...window), random.int(1...window))
        var start = asOf - back
        // Groups meet on weekdays; Julian day 0 was a Monday.
        let weekday = start.julian % 7
        if weekday >= 5 { start = start - (weekday - 4) }
        self.start = start
        end = start + 7 * (random.int(6...16) - 1)
        size = random.int(6...14)
    }

    /// Whether a person of `role` fits this group.
    package func admits(_ role: Role) -> Bool {
        role == .jongere ? kind.youthShare >= 0.3 : kind.youthShare <= 0.3
    }

    /// Another group, numbered below this one, that a person of `role` whose episode ended
    /// on `after` could join within a year and a half; nil when none of a few tries fits.
    /// Only groups planned below 12 take such people, so that groups stay near 6-14.
    package func laterGroup(for role: Role, after: Day, seed: UInt64, asOf: Day,
                    random: inout SeededRandom) -> SyntheticGroup? {
        guard number > 0 else { return nil }
        for _ in 0..<12 {
            let other = SyntheticGroup(seed: seed, number: number - random.int(1...min(200, number)), asOf: asOf)
            if other.size < 12, other.admits(role), other.start >= after + 14, other.start <= min(after + 540, asOf - 1) { return other }
        }
        return nil
    }

    // MARK: - Episodes

    /// One member's participation: joins at the start (a few a week or two late), leaves
    /// early when dropping out or referred on; end and reason are empty while running.
    package func episode(asOf: Day, random: inout SeededRandom) -> SyntheticEpisode {
        let joined = random.chance(0.94) ? start : min(start + 7 * random.int(1...2), asOf)
        let reason = random.pick(SyntheticEpisode.reasons)
        var left = end
        if reason == .voortijdig || reason == .verwezen, end - joined > 14 {
            left = joined + random.int(7...(end - joined - 7))
        }
        guard left <= asOf else { return SyntheticEpisode(group: self, start: joined, end: nil, reason: nil) }
        return SyntheticEpisode(group: self, start: joined, end: left, reason: reason)
    }
}

/// One participation episode of one person in one group.
package struct SyntheticEpisode {
    /// End reasons as delivered; nil is an ended episode whose reason was left empty.
    package static let reasons = WeightedTable<EndReason?>([
        (.afgerond, 78), (.voortijdig, 10), (.verwezen, 5), (.onbekend, 3), (nil, 4),
    ])

    package let group: SyntheticGroup
    package let start: Day
    /// Nil while still participating at the extraction date.
    package let end: Day?
    package let reason: EndReason?

    /// The day the subject's follow-up is anchored on: the episode's end, or the group's
    /// planned end while it runs.
    package var anchor: Day { end ?? group.end }
}
