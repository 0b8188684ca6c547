// Rows of the decisions source (beschikkingen, a snapshot source): the contract of
// spec/inputs.md with the iJw product categories and change reasons (parsed on the reading
// thread) and the hand-over to `DecisionStaging` (`stg_decision`). Withdrawn rows (change
// reason 13) are accepted and kept; the analysis leaves them out.

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

    /// One checked decision row, as staged.
    package typealias Values = StagedDecision

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

    /// The file's rows on their way into staging, in multi-row batches.
    package let staging: DecisionStaging

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        staging = DecisionStaging(db: db, fileId: fileId, validFrom: validFrom)
    }

    /// Looks the row's key and row hash up among the current versions.
    package func isCurrentVersion(_ v: Values, in match: VersionMatch) throws -> Bool { try match.matches(v) }
}
