// Before and after (methods.md section 8): among entries followed for the whole window
// whose pre-group window lies within the decisions history, was there care in the window
// before the group started, and a new decision in the window after the index date?

import OutflowCore

/// One entry's before/after classification.
public struct BeforeAfterPair: Sendable, Equatable {
    public var before: Bool
    public var after: Bool
}

/// Classifies cohort entries for the before/after table.
public struct BeforeAfterRule: Sendable {
    public var windowDays: Int
    public var historyFrom: Day
    public var asOf: Day

    public init(windowDays: Int, historyFrom: Day, asOf: Day) {
        self.windowDays = windowDays
        self.historyFrom = historyFrom
        self.asOf = asOf
    }

    /// The pair for an entry, or nil when the entry is not eligible.
    public func classify(_ entry: CohortEntry, care: PersonGroups<CareSpell>) -> BeforeAfterPair? {
        let start = entry.episode.start
        guard entry.index + windowDays <= asOf, start - windowDays >= historyFrom else { return nil }
        let before = entry.subjects.contains { s in care[s].contains { $0.isActive(from: start - windowDays, before: start) } }
        let after = entry.subjects.contains { s in
            care[s].contains { !$0.isExtension && $0.eventDay >= entry.index && $0.eventDay <= entry.index + windowDays }
        }
        return BeforeAfterPair(before: before, after: after)
    }

    /// The 2x2 table of a set of pairs.
    public static func table(_ pairs: [BeforeAfterPair]) -> BeforeAfterTable {
        var yy = 0, yn = 0, ny = 0, nn = 0
        for p in pairs {
            switch (p.before, p.after) {
            case (true, true): yy += 1
            case (true, false): yn += 1
            case (false, true): ny += 1
            case (false, false): nn += 1
            }
        }
        return BeforeAfterTable(yesYes: yy, yesNo: yn, noYes: ny, noNo: nn)
    }
}
