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
        let positions = try db.query("SELECT position, item FROM ref_item ORDER BY position") { ($0.int(0), $0.string(1)) }
        for (position, item) in positions {
            while itemAt.count < position { itemAt.append(-1) }
            itemAt[position - 1] = index[item] ?? -1
        }
        // Read in table order (response id), then put in order of person, completion date and
        // response id: a sort of 4-byte positions, applied to the responses in place.
        var responses: [Response] = []
        responses.reserveCapacity(try db.scalarInt("SELECT coalesce(max(response_id), 0) FROM stg_questionnaire") ?? 0)
        let rows = try db.prepare("""
            SELECT person_id, role, wave, completed_day, answers FROM stg_questionnaire WHERE completed_day <= ? ORDER BY response_id
            """)
        try rows.bind([.int(asOf.julian)])
        while let row = try rows.step() {
            var answers = [UInt8](repeating: 0, count: instrument.items.count)
            row.withBytes(4) { packed in
                for (k, byte) in packed.enumerated() where byte >= 48 && k < itemAt.count && itemAt[k] >= 0 { answers[itemAt[k]] = byte - 48 }
            }
            responses.append(Response(personId: row.int(0), role: Role(rawValue: row.int(1)) ?? .opvoeder, wave: row.int(2),
                                      completed: Day(julian: row.int(3)), answers: answers))
        }
        let order = responses.indices.map { Int32($0) }.sorted { a, b in
            let (x, y) = (responses[Int(a)], responses[Int(b)])
            return (x.personId, x.completed.julian, a) < (y.personId, y.completed.julian, b)
        }
        responses.permute(by: order)
        return responses
    }
}

extension Array {
    /// Reorders in place so that the element at `order[k]` ends up at `k`, following the
    /// permutation's cycles (no second copy of the array).
    mutating func permute(by order: [Int32]) {
        precondition(order.count == count, "permute: one position per element")
        var placed = PersonSet(maxId: count)
        for start in 0..<count where !placed.contains(start) {
            let first = self[start]
            var k = start
            while true {
                placed.insert(k)
                let from = Int(order[k])
                if from == start { self[k] = first; break }
                self[k] = self[from]
                k = from
            }
        }
    }
}
