// Ervaringwijzer answers of the generated participants. Wave 1 comes shortly after the
// episode ends, waves 2 and 3 about half a year and a year later, answered by roughly 45%,
// 30% and 22%. Answer shares per role follow Table 1 of the Utrecht monitoring report (seed
// 002); contact with other participants fades over the waves, each person's band mostly
// staying or dropping. A few answers come as Dutch labels, some items are left empty, and a
// free-text remark with commas, quotes and line breaks rides along for the loader to ignore.

import OutflowCore
import OutflowCSV

/// Questionnaire waves and answers of one participation episode.
package enum SyntheticQuestionnaire {
    /// Answer shares of one item for one role, in tenths of a percent: disagree (1-2),
    /// neutral (3), agree (4-5), unanswered.
    package struct Shares: Sendable {
        package let answers: Weights
        /// The three bands alone, for a band that every respondent has.
        package let bands: Weights

        package init(_ tenths: [Int]) {
            answers = Weights(tenths)
            bands = Weights(Array(tenths.prefix(3)))
        }
    }

    /// An item of the instrument; nil shares: not asked of that role.
    package struct Item: Sendable {
        package let code: String
        package let youth: Shares?
        package let caregiver: Shares?

        package init(_ code: String, youth: [Int]?, caregiver: [Int]?) {
            self.code = code
            self.youth = youth.map(Shares.init)
            self.caregiver = caregiver.map(Shares.init)
        }

        package func shares(for role: Role) -> Shares? { role == .jongere ? youth : caregiver }
    }

    // Table 1 (youth N=9, caregivers N=43); empty cells get 1% so a larger cohort sees
    // every band, and the shares missing from 100% are unanswered.
    package static let items: [Item] = [
        Item("at_ease", youth: [10, 111, 889, 20], caregiver: [10, 46, 954, 20]),
        Item("listened_to", youth: [10, 111, 889, 20], caregiver: [10, 10, 980, 20]),
        Item("applies_learning", youth: [222, 111, 667, 20], caregiver: [10, 116, 884, 20]),
        Item("can_move_on", youth: [222, 444, 333, 20], caregiver: [23, 209, 767, 20]),
        Item("contact_outside", youth: [111, 333, 555, 20], caregiver: [370, 300, 260, 70]),
        Item("wait_acceptable", youth: [111, 111, 778, 20], caregiver: [46, 93, 838, 23]),
        Item("knew_where_to_go", youth: [222, 222, 555, 20], caregiver: [10, 23, 977, 20]),
        Item("co_designed", youth: [10, 333, 667, 20], caregiver: [117, 163, 652, 68]),
        Item("learned_useful", youth: [111, 222, 667, 20], caregiver: nil),
        Item("family_learned", youth: nil, caregiver: [10, 90, 910, 20]),
        Item("would_recommend", youth: [10, 111, 889, 20], caregiver: [10, 47, 930, 23]),
    ]

    /// One coded answer per item, in the order of `items`: 0 unanswered, 1...5 a score,
    /// 6...10 the score (minus 5) written as its label.
    package typealias Answers = InlineArray<11, UInt8>

    /// The tracked item whose band carries over between waves.
    package static let contactOutside = 4

    /// Next-wave band of `contact_outside` (disagree, neutral, agree) from each band:
    /// contact mostly stays or fades, seldom grows.
    package static let fading = [Weights([88, 9, 3]), Weights([30, 60, 10]), Weights([12, 23, 65])]

    /// Labels of scores 1 to 5 as some respondents' forms deliver them.
    package static let labels: [StaticString] = [
        "helemaal niet mee eens", "niet mee eens", "neutraal", "mee eens", "Helemaal mee eens",
    ]

    package static let comments: [String] = [
        "Fijn om andere ouders te ontmoeten, echt waar.",
        "De begeleiders waren \"top\", heel betrokken.",
        "Graag meer bijeenkomsten; nu ging het snel.",
        "De eerste avond was spannend.\nDaarna ging het goed.",
        "Locatie lastig te bereiken, maar de groep was fijn.",
        "Ik zou het \"iedereen\" aanraden, ook mijn buren.",
        "Soms veel theorie, weinig oefenen.",
        "Fijn",
    ]

    // MARK: - Waves

    /// Adds the questionnaires this episode's participant completes; none while running.
    package static func answer(_ episode: SyntheticEpisode, pseudonym: String, role: Role,
                       random: inout SeededRandom, into deliveries: inout SyntheticDeliveries) throws {
        guard let end = episode.end else { return }
        var contactBand = random.pick(items[contactOutside].shares(for: role)!.bands)
        var responded = false
        for wave in 1...3 {
            if wave > 1 { contactBand = random.pick(fading[contactBand]) }
            let rate: Double
            switch wave {
            case 1: rate = 0.45
            case 2: rate = responded ? 0.50 : 0.127
            default: rate = responded ? 0.55 : 0.079
            }
            responded = random.chance(rate)
            guard responded else { continue }
            let completed: Day
            switch wave {
            case 1: completed = end + random.int(0...14)
            case 2: completed = end + random.around(189, spread: 14)
            default: completed = end + random.around(372, spread: 14)
            }
            var answers = Answers(repeating: 0)
            for index in items.indices {
                guard let shares = items[index].shares(for: role) else { continue }
                var band = random.pick(shares.answers)
                if index == contactOutside, band < 3 { band = contactBand }
                answers[index] = score(band: band, random: &random)
            }
            let comment = random.chance(0.25) ? random.int(0...(comments.count - 1)) : nil
            try deliveries.add(AnswerRow(pseudonym: pseudonym, group: episode.group.number, role: role,
                                         wave: wave, completed: completed, answers: answers, comment: comment))
        }
    }

    /// The coded answer for a band (3: unanswered): a score, now and then as its label.
    private static func score(band: Int, random: inout SeededRandom) -> UInt8 {
        let value: UInt8
        switch band {
        case 0: value = random.chance(0.35) ? 1 : 2
        case 1: value = 3
        case 2: value = random.chance(0.5) ? 4 : 5
        default: return 0
        }
        return random.chance(0.07) ? value + 5 : value
    }
}
