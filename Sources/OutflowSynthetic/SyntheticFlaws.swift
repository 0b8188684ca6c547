// Malformed rows planted in the newest deliveries (`Options.badRows`), so the loader's
// quarantine has real work: each kind is a row error of docs/delivery-contract.md. Kinds rotate over
// the row count and over the files that can carry them, and within a file they are spread
// at a fixed spacing of at least 20 rows, so no file is ever more than 5% malformed.

import OutflowCore
import OutflowCSV

/// A kind of malformed row.
package enum InboxFlaw: CaseIterable, Sendable {
    /// `31-02-2024` in a required date.
    case impossibleDate
    /// Product category `99`.
    case unknownCategory
    /// A pseudonym of 63 characters.
    case shortPseudonym
    /// One field more than the header.
    case extraField
    /// An exact copy of the row before it.
    case duplicateKey
    /// A required value left empty.
    case missingValue
    /// An end date before the start date.
    case endBeforeStart
    /// Questionnaire wave `25`.
    case badWave

    package static let impossibleDateText: StaticString = "31-02-2024"

    /// At most one planted row per this many good rows of a file (5%).
    package static let minimumSpacing = 20

    /// The sources that get malformed rows (the population source gets none, so asking for
    /// it changes no other file).
    package static let flawSources: [SourceKind] = [.registrations, .questionnaire, .decisions, .family]

    /// The sources whose rows can carry this flaw, in SourceKind order.
    package var sources: [SourceKind] {
        switch self {
        case .impossibleDate: return [.registrations, .questionnaire, .decisions]
        case .unknownCategory: return [.decisions]
        case .shortPseudonym, .extraField, .duplicateKey, .missingValue: return InboxFlaw.flawSources
        case .endBeforeStart: return [.registrations, .decisions]
        case .badWave: return [.questionnaire]
        }
    }

    /// The first `count` flaws in their planting order, with the source each goes to: the
    /// kind cycles fastest, and each round moves every kind on to its next source. A source
    /// takes at most one flaw per `minimumSpacing` of its `expectedRows`; when none that can
    /// carry a kind has room, an extra field goes wherever there is.
    package static func plan(count: Int, expectedRows: (SourceKind) -> Int) -> [(flaw: InboxFlaw, source: SourceKind)] {
        var room = Dictionary(uniqueKeysWithValues: flawSources.map { ($0, expectedRows($0) / minimumSpacing) })
        return (0..<count).map { i in
            let kind = i % allCases.count
            var flaw = allCases[kind]
            let first = i / allCases.count + kind
            var sources = (0..<flaw.sources.count).map { flaw.sources[(first + $0) % flaw.sources.count] }
            if !sources.contains(where: { room[$0, default: 0] > 0 }) {
                flaw = .extraField
                sources = flawSources
            }
            let source = sources.first { room[$0, default: 0] > 0 } ?? sources[0]
            room[source, default: 0] -= 1
            return (flaw, source)
        }
    }
}

/// The flaws still to plant in one file, spaced over its expected rows.
package struct FlawQueue {
    private var flaws: [InboxFlaw]
    private var planted = 0
    private let spacing: Int

    /// Flaws spaced so all are planted by `expectedRows` good rows, never closer than the
    /// 5% limit allows.
    package init(_ flaws: [InboxFlaw], expectedRows: Int) {
        self.flaws = flaws
        spacing = max(InboxFlaw.minimumSpacing, expectedRows / (flaws.count + 1))
    }

    /// The flaw for the next row of a file that already holds `goodRows` good rows, if one
    /// is due.
    package mutating func next(afterGoodRows goodRows: Int) -> InboxFlaw? {
        guard planted < flaws.count, goodRows + 1 == spacing * (planted + 1) else { return nil }
        planted += 1
        return flaws[planted - 1]
    }

    /// Removes and returns the flaws the file's rows did not reach.
    package mutating func takeLeftovers() -> [InboxFlaw] {
        defer { flaws.removeAll() }
        return Array(flaws[planted...])
    }
}
