// Questionnaire responses as plain values for one cut-off date: each completed
// questionnaire with its answers (methods.md section 9), plus the episodes that make a
// person eligible for a wave. Read from the staging tables; the tables are pure.

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

/// The questionnaire responses completed on or before a cut-off.
public enum QuestionnaireData {
    /// Responses ordered by person, completion date and response id.
    public static func load(db: Database, instrument: Instrument, asOf: Day) throws -> [Response] {
        // Instrument item index of each `ref_item` position (-1: not in this instrument).
        let index = Dictionary(uniqueKeysWithValues: instrument.items.enumerated().map { ($1.code, $0) })
        var itemAt: [Int] = []
        for (position, item) in try db.query("SELECT position, item FROM ref_item ORDER BY position") { ($0.int(0), $0.string(1)) } {
            while itemAt.count < position { itemAt.append(-1) }
            itemAt[position - 1] = index[item] ?? -1
        }
        // Read in table order (response id), grouped by person with a counting sort; each
        // person's few responses are then put in completion order.
        let maxId = try db.scalarInt("SELECT coalesce(max(person_id), 0) FROM person") ?? 0
        var persons: [Int32] = [], responses: [Response] = []
        let capacity = try db.scalarInt("SELECT coalesce(max(response_id), 0) FROM stg_questionnaire") ?? 0
        persons.reserveCapacity(capacity)
        responses.reserveCapacity(capacity)
        let rows = try db.prepare("""
            SELECT person_id, role, wave, completed_day, answers FROM stg_questionnaire WHERE completed_day <= ? ORDER BY response_id
            """)
        try rows.bind([.int(asOf.julian)])
        while let row = try rows.step() {
            var answers = [UInt8](repeating: 0, count: instrument.items.count)
            row.withBytes(4) { packed in
                for (k, byte) in packed.enumerated() where byte >= 48 && k < itemAt.count && itemAt[k] >= 0 { answers[itemAt[k]] = byte - 48 }
            }
            persons.append(Int32(row.int(0)))
            responses.append(Response(personId: row.int(0), role: Role(rawValue: row.int(1)) ?? .opvoeder, wave: row.int(2),
                                      completed: Day(julian: row.int(3)), answers: answers))
        }
        var ordered = PersonGroups(keys: persons, values: responses, maxKey: maxId).allValues
        persons = []
        responses = []
        var i = 0
        while i < ordered.count {
            var j = i + 1
            while j < ordered.count && ordered[j].personId == ordered[i].personId { j += 1 }
            // A stable sort: equal completion dates keep response id order.
            if j - i > 1 {
                let run = ordered[i..<j].enumerated().sorted { ($0.element.completed.julian, $0.offset) < ($1.element.completed.julian, $1.offset) }
                for (k, item) in run.enumerated() { ordered[i + k] = item.element }
            }
            i = j
        }
        return ordered
    }
}
