// The contract every source implements: its columns, a parser that checks one record on
// the reading thread without SQLite, and a staging insert on the SQLite thread; and how a
// delivered header maps onto those columns.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Checks records of one source on the reading thread, without SQLite.
package protocol RowParser: Sendable {
    associatedtype Values: Sendable
    init(config: PipelineConfig)
    func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values
}

/// The rows of one source: its column contract, its parser and its staging insert.
package protocol SourceRows {
    associatedtype Parser: RowParser
    static var columns: [ColumnSpec] { get }
    static var table: String { get }
    /// Columns that identify a row across snapshot versions (empty for append sources).
    static var keyColumns: [String] { get }
    static func columns(for config: PipelineConfig) -> [ColumnSpec]
    init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws
    /// Inserts one parsed row; may throw a `RowRejection` the database decides (a duplicate).
    func insert(_ values: Parser.Values, line: Int) throws
    /// Inserts rows still held back for a batch.
    func finish() throws
    /// The key column values and row hash of a parsed row, to find its current version
    /// (snapshot sources only).
    func versionKey(_ values: Parser.Values) -> (key: [SQLValue], hash: Int)?
}

extension SourceRows {
    package static func columns(for config: PipelineConfig) -> [ColumnSpec] { columns }
    package func finish() throws {}
    package func versionKey(_ values: Parser.Values) -> (key: [SQLValue], hash: Int)? { nil }
}

/// A source whose rows go in through multi-row inserts.
package protocol BatchedSourceRows: SourceRows {
    var batch: BatchInsert<Parser.Values> { get }
}

extension BatchedSourceRows {
    package func insert(_ values: Parser.Values, line: Int) throws { try batch.add(values) }
    package func finish() throws { try batch.finish() }
}

/// How a file's header maps onto a source's columns.
package struct ColumnMapping {
    package let fieldIndex: [Int]
    /// Delivered columns the contract does not know (listed in the audit, never loaded).
    package let unknown: [String]

    package init(header: [String], columns: [ColumnSpec], file: String) throws {
        let names = header.map { $0.lowercased() }
        for (i, name) in names.enumerated() {
            if name == "bsn" || name.hasSuffix("_bsn") {
                throw FileRejection(file: file, row: 1, reason: .citizenNumber, detail: "column '\(header[i])' is a citizen number (BSN) column; pseudonymise it first (outflow pseudonymise)")
            }
            if !name.isEmpty, names[..<i].contains(name) {
                throw FileRejection(file: file, row: 1, reason: .duplicateColumn, detail: "column '\(header[i])' appears twice in the header")
            }
        }
        let indexes = columns.map { names.firstIndex(of: $0.name) ?? -1 }
        for (spec, index) in zip(columns, indexes) where spec.required && index < 0 {
            throw FileRejection(file: file, row: 1, reason: .missingColumn, detail: "required column '\(spec.name)' is missing")
        }
        fieldIndex = indexes
        unknown = header.enumerated().filter { !indexes.contains($0.offset) }.map(\.element)
    }
}
