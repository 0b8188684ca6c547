// The questionnaire staging table (`stg_questionnaire`) and its item positions (`ref_item`).
// Answers are packed one character per item position (Schema.v3), so a response is read
// as its packed bytes, in place, and unpacked by the caller against its instrument. Scans
// hand rows to a closure one at a time; person ids and days are range-checked as they are
// narrowed to 32 bits.

import OutflowCore

/// Reads questionnaire responses.
package struct QuestionnaireStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    private static let table = "stg_questionnaire"

    /// An item code and its position (from 1) in every response's packed answers.
    package struct ItemPosition: Equatable {
        package var position: Int
        package var item: String
    }

    /// Every item position, in order.
    package func itemPositions() throws -> [ItemPosition] {
        try db.query("SELECT position, item FROM ref_item ORDER BY position") { ItemPosition(position: $0.int(0), item: $0.string(1)) }
    }

    /// An upper bound on the responses, the largest response id (read without a scan).
    package func responseCapacity() throws -> Int {
        try db.scalarInt("SELECT coalesce(max(response_id), 0) FROM stg_questionnaire") ?? 0
    }

    /// A response, valid only inside the closure it is handed to.
    package struct Response {
        private let row: Row
        package let personId: Int32
        /// The `role` code (1 jongere, 2 opvoeder); unknown codes are passed on as they are.
        package let role: Int
        package let wave: Int
        package let completed: Day

        fileprivate init(_ row: Row) throws {
            self.row = row
            personId = try row.personId(0, table: QuestionnaireStore.table)
            role = row.int(1)
            wave = row.int(2)
            completed = try row.day(3, table: QuestionnaireStore.table)
        }

        /// The packed answers: per item position `48 + answer`, or '.' when unanswered;
        /// the bytes are SQLite's and valid only inside `body`.
        package func withPackedAnswers<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { row.withBytes(4, body) }
    }

    /// Hands every response completed on or before `asOf` to `body`, in response id order.
    package func responses(completedBy asOf: Day, _ body: (Response) throws -> Void) throws {
        let statement = try db.prepare("""
            SELECT person_id, role, wave, completed_day, answers FROM stg_questionnaire WHERE completed_day <= ? ORDER BY response_id
            """)
        try statement.bind(asOf.julian, at: 1)
        while let row = try statement.step() { try body(try Response(row)) }
    }

    /// Who answered, in which group and when: what the audit needs of a response.
    package struct Respondent {
        package var personId: Int32
        /// The group named with the response, empty when none was.
        package var groupId: String
        package var completed: Day
    }

    /// Hands the respondent of every response completed on or before `asOf` to `body`, in table order.
    package func respondents(completedBy asOf: Day, _ body: (Respondent) throws -> Void) throws {
        let statement = try db.prepare("SELECT person_id, group_id, completed_day FROM stg_questionnaire WHERE completed_day <= ?1")
        try statement.bind(asOf.julian, at: 1)
        while let row = try statement.step() {
            try body(Respondent(personId: try row.personId(0, table: Self.table), groupId: row.string(1),
                                completed: try row.day(2, table: Self.table)))
        }
    }
}
