// Questionnaire responses as plain values for one cut-off date: each completed
// questionnaire with its answers (methods.md section 9), plus the episodes that make a
// person eligible for a wave. Read from the staging tables; the tables are pure.

/// One completed questionnaire, kept compact (one byte per instrument item) so a million
/// responses fit in memory.
public struct Response: Sendable, Equatable {
    public var personId: Int
    public var role: Role
    public var wave: Int
    public var completed: Day
    /// Answers by instrument item position; 0 is unanswered.
    public var answers: [UInt8]

    public init(personId: Int, role: Role, wave: Int, completed: Day, answers: [UInt8]) {
        self.personId = personId
        self.role = role
        self.wave = wave
        self.completed = completed
        self.answers = answers
    }

    /// A response from answers by item code.
    public init(personId: Int, role: Role, wave: Int, completed: Day, answers: [String: Int], instrument: Instrument) {
        self.init(personId: personId, role: role, wave: wave, completed: completed,
                  answers: instrument.items.map { UInt8(answers[$0.code] ?? 0) })
    }

    /// The answer to the item at `index` of the instrument, nil when unanswered.
    public func answer(_ index: Int) -> Int? {
        index < answers.count && answers[index] != 0 ? Int(answers[index]) : nil
    }
}

/// The questionnaire responses completed on or before a cut-off.
public enum QuestionnaireData {
    public static func load(db: Database, instrument: Instrument, asOf: Day) throws -> [Response] {
        let position = Dictionary(uniqueKeysWithValues: instrument.items.enumerated().map { ($1.code, $0) })
        var responses: [Response] = []
        var lastId = -1
        let rows = try db.prepare("""
            SELECT q.response_id, q.person_id, q.role, q.wave, q.completed_day, a.item, a.answer
            FROM stg_questionnaire q LEFT JOIN stg_answer a USING (response_id)
            WHERE q.completed_day <= ?
            ORDER BY q.person_id, q.completed_day, q.response_id
            """)
        try rows.bind([.int(asOf.julian)])
        while let row = try rows.step() {
            if row.int(0) != lastId {
                lastId = row.int(0)
                responses.append(Response(personId: row.int(1), role: Role(rawValue: row.int(2)) ?? .opvoeder, wave: row.int(3),
                                          completed: Day(julian: row.int(4)), answers: [UInt8](repeating: 0, count: instrument.items.count)))
            }
            if let item = row.text(5), let i = position[item] { responses[responses.count - 1].answers[i] = UInt8(clamping: row.int(6)) }
        }
        return responses
    }
}
