// Rows of the decisions source (beschikkingen, a snapshot source): the contract of
// spec/inputs.md with the iJw product categories and change reasons (parsed on the reading
// thread) and the insert into `stg_decision`. Withdrawn rows (change reason 13) are
// accepted and kept; the analysis leaves them out.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Decision rows: parsing and the staging insert.
package struct DecisionRows: BatchedSourceRows {
    package static let columns = [
        ColumnSpec("pseudo_id", required: true), ColumnSpec("decision_id", required: true),
        ColumnSpec("decision_date", required: true), ColumnSpec("start_date", required: true),
        ColumnSpec("end_date"), ColumnSpec("product_category", required: true),
        ColumnSpec("product_code"), ColumnSpec("provider"), ColumnSpec("municipality"),
        ColumnSpec("change_reason"), ColumnSpec("key_id"),
    ]
    package static let table = "stg_decision"
    package static let keyColumns = ["decision_id"]

    /// One checked decision row.
    package struct Values: Sendable {
        package var personId: Int, decisionId: String, decisionDay: Day, start: Day, end: Day?, category: Int
        package var productCode: String?, provider: String?, municipality: String?, changeReason: Int?, hash: Int
    }

    /// Checks one record against the contract.
    package struct Parser: RowParser {
        package init(config: PipelineConfig) {}

        package func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values {
            let pseudonym = try r.pseudonym(0)!
            let decisionId = try r.text(1, maxLength: 64)!
            let decisionDay = try r.day(2)!
            let start = try r.day(3)!
            let end = try r.day(4)
            if let end, end < start { throw r.reject(.outOfRange, 4) }
            let category = try r.code(5, digits: 2) { ProductCategory.meanings[$0] != nil }!
            let productCode = try r.text(6, maxLength: 64)
            let provider = try r.text(7, maxLength: 64)
            let municipality = try r.code(8, digits: 4) { $0 > 0 }.map { _ in r.raw(8) }
            let changeReason = try r.code(9, digits: 2) { (1...99).contains($0) }
            try context.noteKeyId(r, column: 10)
            let personId = try context.personId(pseudonym, r, column: 0)
            try context.claim(r, column: 1) { $0.append(decisionId) }
            var hash = RowHash()
            hash.add(personId); hash.add(decisionId); hash.add(decisionDay.julian); hash.add(start.julian)
            hash.add(end?.julian); hash.add(category); hash.add(productCode); hash.add(provider)
            hash.add(municipality); hash.add(changeReason)
            return Values(personId: personId, decisionId: decisionId, decisionDay: decisionDay, start: start, end: end,
                          category: category, productCode: productCode, provider: provider, municipality: municipality,
                          changeReason: changeReason, hash: hash.signed)
        }
    }

    package let batch: BatchInsert<Values>

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        batch = BatchInsert(db: db, head: """
            INSERT INTO stg_decision (file_id, person_id, decision_id, decision_day, start_day, end_day,
                product_category, product_code, provider, municipality, change_reason, row_hash, valid_from) VALUES
            """, columns: 13) { v, s, o in
            try s.bind(fileId, at: o + 1)
            try s.bind(v.personId, at: o + 2)
            try s.bind(v.decisionId, at: o + 3)
            try s.bind(v.decisionDay.julian, at: o + 4)
            try s.bind(v.start.julian, at: o + 5)
            try s.bind(v.end?.julian, at: o + 6)
            try s.bind(v.category, at: o + 7)
            try s.bind(v.productCode, at: o + 8)
            try s.bind(v.provider, at: o + 9)
            try s.bind(v.municipality, at: o + 10)
            try s.bind(v.changeReason, at: o + 11)
            try s.bind(v.hash, at: o + 12)
            try s.bind(validFrom, at: o + 13)
        }
    }

    package func versionKey(_ v: Values) -> (key: [SQLValue], hash: Int)? { ([.text(v.decisionId)], v.hash) }
}
