// The candidates of the risk-set matching (docs/methods.md section 11) as the draw walks them:
// per (birth year, sex, district) cell, 32-byte records in rank order, with skip links over
// the candidates dropped or drawn, and a second lane of those with any care for exposed
// children who had care before. `RiskSetMatcher.candidates` builds them; `match` uses them up.

import OutflowCore

/// The ranked candidates of the cells a matching needs (`RiskSetMatcher.candidates`).
public struct CandidateCells: Sendable {
    /// No cells (to let go of a used set).
    public static let empty = CandidateCells(queues: [], cellIndex: [:], spells: [])
    var queues: [CellQueue]
    let cellIndex: [RegisteredChild.Cell: Int]
    let spells: [CareDays]
}

/// A care spell as the walk needs it: start and end (`open` when still running).
struct CareDays: Sendable {
    static let open = Day(julian: Int(Int32.max))
    let start: Day
    let end: Day

    /// `CareSpell.isActive`'s rule on the compact form: started before `to`, not ended before `from`.
    func isActive(from: Day, before to: Day) -> Bool { start < to && end >= from }
}

/// A candidate as the walk needs it: 32 bytes, the days as Julian day numbers.
struct Candidate: Sendable {
    let cell: Int32
    let rank: UInt64
    let person: Int32
    /// Registered from (`Int32.min`: from birth).
    let from: Day
    /// The first day it can never be a control again: moving out, death, the age limit or the
    /// first group episode of it or a parent, whichever comes first.
    let gone: Day
    /// Its individual-care spells, in the matcher's flat list.
    let careFirst: Int32
    let careCount: Int32

    init(_ child: RegisteredChild, cell: Int32, rank: UInt64, firstGroupStart: Day?, ageLimit: Int, care: Range<Int>) {
        self.cell = cell
        self.rank = rank
        person = Int32(truncatingIfNeeded: child.personId)
        from = child.registeredFrom ?? Day(julian: Int(Int32.min))
        gone = [child.registeredUntil, child.died, firstGroupStart, child.ageLimitDay(ageLimit)].compactMap { $0 }.min()!
        careFirst = Int32(truncatingIfNeeded: care.lowerBound)
        careCount = Int32(truncatingIfNeeded: care.count)
    }
}

/// The candidates of one cell in rank order, with skip links over the dropped ones, and the
/// positions of those with any care in a second list with its own links (a candidate dropped
/// from the first is dropped from the second when that walk meets it).
struct CellQueue: Sendable {
    enum Step { case skip, drop, take, takeAndStop }

    private let candidates: ArraySlice<Candidate>
    /// The cell's number.
    var cell: Int32 { candidates.first?.cell ?? -1 }
    /// `next[i]`: a position at or after `i` that may still hold a candidate (`i` itself while
    /// candidate `i` is there); `next[candidates.count]` is the end.
    private var next: [Int32]
    private let withCare: [Int32]
    private var nextWithCare: [Int32]

    init(_ candidates: ArraySlice<Candidate>) {
        self.candidates = candidates
        next = (0...candidates.count).map { Int32($0) }
        withCare = (0..<candidates.count).filter { candidates[candidates.startIndex + $0].careCount > 0 }.map { Int32($0) }
        nextWithCare = (0...withCare.count).map { Int32($0) }
    }

    /// Visits the candidates left (only those with care when `onlyWithCare`), best rank first,
    /// until `body` stops; a dropped or taken candidate never comes back.
    mutating func walk(onlyWithCare: Bool, _ body: (Candidate) -> Step) {
        if onlyWithCare {
            var j = Self.find(&nextWithCare, 0)
            while j < withCare.count {
                let i = Int(withCare[j])
                if Int(next[i]) != i {
                    nextWithCare[j] = Int32(j + 1)
                } else {
                    let step = body(candidates[candidates.startIndex + i])
                    if step != .skip {
                        next[i] = Int32(i + 1)
                        nextWithCare[j] = Int32(j + 1)
                    }
                    if step == .takeAndStop { return }
                }
                j = Self.find(&nextWithCare, j + 1)
            }
            return
        }
        var i = Self.find(&next, 0)
        while i < candidates.count {
            let step = body(candidates[candidates.startIndex + i])
            if step != .skip { next[i] = Int32(i + 1) }
            if step == .takeAndStop { return }
            i = Self.find(&next, i + 1)
        }
    }

    /// The first position at or after `i` still linked to itself, shortening the links on the way.
    private static func find(_ links: inout [Int32], _ i: Int) -> Int {
        var root = i
        while Int(links[root]) != root { root = Int(links[root]) }
        var j = i
        while Int(links[j]) != root {
            let after = Int(links[j])
            links[j] = Int32(root)
            j = after
        }
        return root
    }
}
