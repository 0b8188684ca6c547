// Rows of the questionnaire source (Ervaringwijzer answers, an append source). The item
// columns come from the instrument file; answers are 1-5 or the Dutch labels. A key
// delivered before is a duplicate, never an update: the unique key of `stg_questionnaire`
// decides at insert time, so duplicates within one file and across deliveries are caught alike.
// A response's answers are packed into one text column by item position (`ref_item`);
// `QuestionnaireStaging` keeps the positions and does the insert.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Questionnaire rows: parsing and the insert into `stg_questionnaire`.
package struct QuestionnaireRows: SourceRows {
    package static let fixedColumns = [
        ColumnSpec("pseudo_id", required: true), ColumnSpec("group_id"), ColumnSpec("role", required: true),
        ColumnSpec("wave", required: true), ColumnSpec("completed_on", required: true), ColumnSpec("key_id"),
    ]
    package static let columns = fixedColumns
    package static let table = StagingTable.questionnaire

    /// The Dutch answer labels of the five-point scale: index + 1 is the answer.
    package static let labels = CodeList(["helemaal niet mee eens", "niet mee eens", "neutraal", "mee eens", "helemaal mee eens"])

    /// The fixed columns followed by one optional column per instrument item.
    package static func columns(for config: PipelineConfig) -> [ColumnSpec] {
        fixedColumns + (config.instrument?.items ?? []).map { ColumnSpec($0.code) }
    }

    /// One checked response with its answers.
    package struct Values: Sendable {
        package var personId: Int, pseudonym: Pseudonym, groupId: String, role: Role, wave: Int, completed: Day
        /// Answers by instrument item index; 0 is unanswered.
        package var answers: [UInt8]
    }

    /// Checks one record against the contract and the instrument.
    package struct Parser: RowParser {
        /// The roles that may answer each instrument item, one bit per role (`1 << rawValue`):
        /// read for every item of every row, so no item (two texts and an array) is copied.
        package let allowedRoles: [UInt8]
        package let scale: ClosedRange<Int>

        package init(config: PipelineConfig) {
            allowedRoles = (config.instrument?.items ?? []).map { $0.roles.reduce(0) { $0 | 1 << UInt8($1.rawValue) } }
            scale = (config.instrument?.scaleMin ?? 1)...(config.instrument?.scaleMax ?? 5)
        }

        package func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values {
            let pseudonym = try r.pseudonym(0)!
            let groupId = try r.text(1, maxLength: 64) ?? ""
            let role = Role.allCases[try r.code(2, in: Role.codes)!]
            let wave = try r.integer(3, in: 1...20)!
            let completed = try r.day(4)!
            try context.noteKeyId(r, column: 5)
            var answers = [UInt8](repeating: 0, count: allowedRoles.count)
            let roleBit: UInt8 = 1 << UInt8(role.rawValue)
            for offset in allowedRoles.indices {
                let column = QuestionnaireRows.fixedColumns.count + offset
                guard let answer = try self.answer(r, column) else { continue }
                guard allowedRoles[offset] & roleBit != 0 else { throw r.reject(.outOfRange, column) }
                answers[offset] = UInt8(answer)
            }
            let personId = try context.personId(pseudonym, r, column: 0)
            return Values(personId: personId, pseudonym: pseudonym, groupId: groupId, role: role, wave: wave,
                          completed: completed, answers: answers)
        }

        /// One answer: a number on the scale or a Dutch label; nil when unanswered.
        private func answer(_ r: RecordView, _ column: Int) throws -> Int? {
            guard try r.present(column) else { return nil }
            if let n = r.withValue(column, { FieldValue.integer($0) }) {
                guard scale.contains(n) else { throw r.reject(.outOfRange, column) }
                return n
            }
            // A label as listed in any case; else with its words spaced differently.
            if let index = r.withValue(column, { QuestionnaireRows.labels.index(of: $0, encoding: r.reader.encoding) }) { return index + 1 }
            let label = r.raw(column).lowercased().split(separator: " ").joined(separator: " ")
            guard let index = QuestionnaireRows.labels.names.firstIndex(of: label) else { throw r.reject(.badCode, column) }
            return index + 1
        }
    }

    /// The file's responses on their way into staging, one at a time.
    package let staging: QuestionnaireStaging

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        staging = try QuestionnaireStaging(db: db, fileId: fileId, items: (config.instrument?.items ?? []).map(\.code))
    }

    /// Answers packed by item position: `char(48 + answer)`, '.' when unanswered, trailing
    /// unanswered positions left off.
    package static func pack(_ answers: [UInt8], positions: [Int]) -> String {
        var packed = [UInt8](repeating: UInt8(ascii: "."), count: positions.max() ?? 0)
        for (index, answer) in answers.enumerated() where answer != 0 { packed[positions[index] - 1] = 48 + answer }
        while packed.last == UInt8(ascii: ".") { packed.removeLast() }
        return String(decoding: packed, as: UTF8.self)
    }

    package func insert(_ v: consuming Values, line: Int) throws {
        let inserted = try staging.insert(personId: v.personId, groupId: v.groupId, role: v.role, wave: v.wave, completed: v.completed,
                                          answers: Self.pack(v.answers, positions: staging.positions))
        guard inserted else { throw RowRejection(.duplicateKey, column: "pseudo_id", raw: v.pseudonym.hex) }
    }
}
