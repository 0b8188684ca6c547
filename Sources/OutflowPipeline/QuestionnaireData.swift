// Questionnaire responses as plain values for one cut-off date: each completed
// questionnaire with its answers (methods.md section 9), plus the episodes that make a
// person eligible for a wave. Read from the staging tables; the tables are pure.

import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish


/// The questionnaire responses completed on or before a cut-off.
public enum QuestionnaireData {
    /// Responses ordered by person, completion date and response id.
    public static func load(db: Database, instrument: Instrument, asOf: Day) throws -> [Response] {
        // Instrument item index of each `ref_item` position (-1: not in this instrument).
        let index = Dictionary(uniqueKeysWithValues: instrument.items.enumerated().map { ($1.code, $0) })
        var itemAt: [Int] = []
        let store = QuestionnaireStore(db: db)
        for entry in try store.itemPositions() {
            while itemAt.count < entry.position { itemAt.append(-1) }
            itemAt[entry.position - 1] = index[entry.item] ?? -1
        }
        // Read in table order (response id), then put in order of person, completion date and
        // response id: a sort of 4-byte positions, applied to the responses in place.
        var responses: [Response] = []
        responses.reserveCapacity(try store.responseCapacity())
        try store.responses(completedBy: asOf) { row in
            var answers = [UInt8](repeating: 0, count: instrument.items.count)
            row.withPackedAnswers { packed in
                for (k, byte) in packed.enumerated() where byte >= 48 && k < itemAt.count && itemAt[k] >= 0 { answers[itemAt[k]] = byte - 48 }
            }
            responses.append(Response(personId: Int(row.personId), role: Role(rawValue: row.role) ?? .opvoeder, wave: row.wave,
                                      completed: row.completed, answers: answers))
        }
        let order = responses.indices.map { Int32($0) }.sorted { a, b in
            let (x, y) = (responses[Int(a)], responses[Int(b)])
            return (x.personId, x.completed.julian, a) < (y.personId, y.completed.julian, b)
        }
        responses.permute(by: order)
        return responses
    }
}

