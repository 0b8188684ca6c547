// One completed questionnaire as a plain value (methods.md section 9), the unit the
// questionnaire tables and outflow by answer count.

import OutflowCore

/// One completed questionnaire, kept compact so a million responses fit in memory: 40
/// bytes with up to 16 answers held inline (one byte each), an array only beyond that.
public struct Response: Sendable, Equatable {
    /// Answers 1-16 by item position, a byte each; 0 is unanswered.
    private let first8: UInt64
    private let next8: UInt64
    /// Answers beyond the 16th (instruments with more items).
    private let more: [UInt8]?
    private let person: Int32
    public let completed: Day
    public let role: Role
    private let waveNumber: UInt8
    private let itemCount: UInt8

    public var personId: Int { Int(person) }
    public var wave: Int { Int(waveNumber) }

    public init(personId: Int, role: Role, wave: Int, completed: Day, answers: [UInt8]) {
        person = Int32(personId)
        self.role = role
        waveNumber = UInt8(clamping: wave)
        self.completed = completed
        var words: (UInt64, UInt64) = (0, 0)
        for (i, answer) in answers.prefix(16).enumerated() {
            if i < 8 { words.0 |= UInt64(answer) << (8 * UInt64(i)) } else { words.1 |= UInt64(answer) << (8 * UInt64(i - 8)) }
        }
        (first8, next8) = words
        more = answers.count > 16 ? Array(answers.dropFirst(16)) : nil
        itemCount = UInt8(clamping: min(answers.count, 16))
    }

    /// A response from answers by item code.
    public init(personId: Int, role: Role, wave: Int, completed: Day, answers: [String: Int], instrument: Instrument) {
        self.init(personId: personId, role: role, wave: wave, completed: completed,
                  answers: instrument.items.map { UInt8(answers[$0.code] ?? 0) })
    }

    /// Answers by instrument item position; 0 is unanswered.
    public var answers: [UInt8] { (0..<(Int(itemCount) + (more?.count ?? 0))).map(byte) }

    /// The answer to the item at `index` of the instrument, nil when unanswered.
    public func answer(_ index: Int) -> Int? {
        let value = byte(index)
        return value == 0 ? nil : Int(value)
    }

    private func byte(_ index: Int) -> UInt8 {
        switch index {
        case ..<0: return 0
        case 0..<8: return UInt8(truncatingIfNeeded: first8 >> (8 * UInt64(index)))
        case 8..<16: return UInt8(truncatingIfNeeded: next8 >> (8 * UInt64(index - 8)))
        default: return more.map { index - 16 < $0.count ? $0[index - 16] : 0 } ?? 0
        }
    }
}
