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
    /// The staging table the rows go into.
    static var table: StagingTable { get }
    static func columns(for config: PipelineConfig) -> [ColumnSpec]
    init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws
    /// Inserts one parsed row; may throw a `RowRejection` the database decides (a duplicate).
    func insert(_ values: consuming Parser.Values, line: Int) throws
    /// Inserts rows still held back for a batch.
    func finish() throws
    /// Whether a parsed row is identical to a current version of its row, which `match` then
    /// keeps current instead of the row being inserted (snapshot sources only).
    func isCurrentVersion(_ values: Parser.Values, in match: VersionMatch) throws -> Bool
}

extension SourceRows {
    package static func columns(for config: PipelineConfig) -> [ColumnSpec] { columns }
    package func finish() throws {}
    /// An append source keeps no versions: every row is new.
    package func isCurrentVersion(_ values: Parser.Values, in match: VersionMatch) throws -> Bool { false }
}

/// A snapshot source whose rows go in through the multi-row inserts of its staging writer.
package protocol BatchedSourceRows: SourceRows {
    /// The Storage writer of the source's table, taking the parsed values as they are.
    associatedtype Staging: SnapshotStaging where Staging.Row == Parser.Values
    var staging: Staging { get }
}

extension BatchedSourceRows {
    /// The table is the staged row's own, so the two cannot disagree.
    package static var table: StagingTable { Parser.Values.table }
    package func insert(_ values: consuming Parser.Values, line: Int) throws { try staging.insert(values) }
    package func finish() throws { try staging.finish() }
}

/// How a file's header maps onto a source's columns.
package struct ColumnMapping {
    package let fieldIndex: [Int]
    /// Delivered columns the contract does not know (listed in the audit, never loaded).
    package let unknown: [String]

    package init(header: [String], columns: [ColumnSpec], file: String) throws {
        let names = header.map { $0.lowercased() }
        // Positions by name, so a header of tens of thousands of columns is checked in one pass.
        var position: [String: Int] = [:]
        position.reserveCapacity(names.count)
        for (i, name) in names.enumerated() {
            if name == "bsn" || name.hasSuffix("_bsn") {
                throw FileRejection(file: file, row: 1, reason: .citizenNumber, detail: "column '\(header[i])' is a citizen number (BSN) column; pseudonymise it first (outflow pseudonymise)")
            }
            guard !name.isEmpty else { continue }
            if position[name] != nil {
                throw FileRejection(file: file, row: 1, reason: .duplicateColumn, detail: "column '\(header[i])' appears twice in the header")
            }
            position[name] = i
        }
        let indexes = columns.map { position[$0.name] ?? -1 }
        for (spec, index) in zip(columns, indexes) where spec.required && index < 0 {
            throw FileRejection(file: file, row: 1, reason: .missingColumn, detail: Self.missingColumnDetail(spec.name, header: header))
        }
        fieldIndex = indexes
        let mapped = Set(indexes)
        unknown = header.enumerated().filter { !mapped.contains($0.offset) }.map(\.element)
    }
}
