// Questionnaire responses as plain values for one cut-off date: each completed
// questionnaire with its answers (methods.md section 9), plus the episodes that make a
// person eligible for a wave. Read from the staging tables; the tables are pure.

/// One completed questionnaire.
public struct Response: Sendable, Equatable {
    public var personId: Int
    public var role: Role
    public var wave: Int
    public var completed: Day
    /// Answers by item code (unanswered items are absent).
    public var answers: [String: Int]

    public init(personId: Int, role: Role, wave: Int, completed: Day, answers: [String: Int]) {
        self.personId = personId
        self.role = role
        self.wave = wave
        self.completed = completed
        self.answers = answers
    }
}

/// The questionnaire responses completed on or before a cut-off.
public enum QuestionnaireData {
    public static func load(db: Database, asOf: Day) throws -> [Response] {
        var responses: [Int: Response] = [:]
        var order: [Int] = []
        let rows = try db.prepare("""
            SELECT q.response_id, q.person_id, q.role, q.wave, q.completed_day, a.item, a.answer
            FROM stg_questionnaire q LEFT JOIN stg_answer a USING (response_id)
            WHERE q.completed_day <= ?
            ORDER BY q.person_id, q.wave, q.completed_day, q.response_id
            """)
        try rows.bind([.int(asOf.julian)])
        while let row = try rows.step() {
            let id = row.int(0)
            if responses[id] == nil {
                responses[id] = Response(personId: row.int(1), role: Role(rawValue: row.int(2)) ?? .opvoeder, wave: row.int(3),
                                         completed: Day(julian: row.int(4)), answers: [:])
                order.append(id)
            }
            if let item = row.text(5) { responses[id]!.answers[item] = row.int(6) }
        }
        return order.map { responses[$0]! }
    }
}
