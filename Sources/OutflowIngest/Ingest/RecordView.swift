// Typed access to the current CSV record through a source's column contract. Every
// accessor either returns a checked value or throws the `RowRejection` that sends the row
// to quarantine with its column, reason code and delivered value.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// One column of a source contract.
public struct ColumnSpec: Sendable {
    public let name: String
    public let required: Bool
    public init(_ name: String, required: Bool = false) {
        self.name = name
        self.required = required
    }
}

/// The current record, seen through the columns of one source.
package struct RecordView {
    package let reader: CSVReader
    /// Field index in the file per contract column; -1 when the file lacks the column.
    package let fieldIndex: [Int]
    package let columns: [ColumnSpec]

    // MARK: - Raw access

    @inline(__always)
    package func withValue<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let index = fieldIndex[column]
        if index < 0 || index >= reader.count { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try reader.withField(index) { try body(FieldValue.trimmed($0)) }
    }

    @inline(__always)
    package func isMissing(_ column: Int) -> Bool { withValue(column) { FieldValue.isMissing($0) } }

    /// The delivered text of a column, for quarantine records.
    package func raw(_ column: Int) -> String {
        withValue(column) { reader.encoding.decode($0) }
    }

    package func reject(_ reason: RowReason, _ column: Int) -> RowRejection {
        RowRejection(reason, column: columns[column].name, raw: raw(column))
    }

    /// Throws `missing_value` when a required column is empty; true when a value is present.
    /// Inlined: every typed accessor asks it for every column of every row.
    @inline(__always)
    package func present(_ column: Int) throws -> Bool {
        guard isMissing(column) else { return true }
        return try absent(column)
    }

    /// The rare side of `present`, kept out of line.
    @inline(never)
    private func absent(_ column: Int) throws -> Bool {
        if columns[column].required { throw reject(.missingValue, column) }
        return false
    }

    // MARK: - Typed values

    package func text(_ column: Int, maxLength: Int = 200) throws -> String? {
        guard try present(column) else { return nil }
        let value = raw(column)
        // A character is at least one byte: counting characters is only needed for long values.
        guard value.utf8.count <= maxLength || value.count <= maxLength else { throw reject(.outOfRange, column) }
        return value
    }

    package func day(_ column: Int) throws -> Day? {
        guard try present(column) else { return nil }
        guard let day = withValue(column, { Day(bytes: $0) }) else { throw reject(.badDate, column) }
        return day
    }

    package func integer(_ column: Int, in range: ClosedRange<Int>) throws -> Int? {
        guard try present(column) else { return nil }
        guard let n = withValue(column, { FieldValue.integer($0) }) else { throw reject(.badNumber, column) }
        guard range.contains(n) else { throw reject(.outOfRange, column) }
        return n
    }

    /// A fixed-width numeric code (`45`, `0344`) that `valid` accepts.
    package func code(_ column: Int, digits: Int, valid: (Int) -> Bool) throws -> Int? {
        guard try present(column) else { return nil }
        guard let n = withValue(column, { FieldValue.digits($0, count: digits) }), valid(n) else {
            throw reject(.badCode, column)
        }
        return n
    }

    /// A text code from a fixed list, matched case-insensitively; returns its index in the list.
    package func code(_ column: Int, in list: CodeList) throws -> Int? {
        guard try present(column) else { return nil }
        guard let index = withValue(column, { list.index(of: $0, encoding: reader.encoding) }) else { throw reject(.badCode, column) }
        return index
    }

    package func pseudonym(_ column: Int) throws -> Pseudonym? {
        guard try present(column) else { return nil }
        guard let p = withValue(column, { Pseudonym(hex: $0) }) else { throw reject(.badPseudonym, column) }
        return p
    }

    /// The optional `key_id`, 8 lowercase hex characters, as its 8 bytes in one word (so a
    /// file's rows can be compared without building a String for each).
    package func keyIdBytes(_ column: Int) throws -> UInt64? {
        guard try present(column) else { return nil }
        let packed = withValue(column) { bytes -> UInt64? in
            guard bytes.count == 8, let base = bytes.baseAddress else { return nil }
            let word = UInt64(bigEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
            return Hex.isLowercaseHex(word: word) ? word : nil
        }
        guard let packed else { throw reject(.badKeyId, column) }
        return packed
    }
}

/// A fixed list of text codes, matched case-insensitively against delivered bytes: ASCII
/// values byte by byte, anything else through `String.lowercased()`.
package struct CodeList: Sendable {
    package let names: [String]
    /// Each name lowercased, as UTF-8.
    private let folded: [[UInt8]]

    package init(_ names: [String]) {
        self.names = names
        folded = names.map { Array($0.lowercased().utf8) }
    }

    /// The index of the name equal to `bytes` ignoring case; nil when none is.
    package func index(of bytes: UnsafeBufferPointer<UInt8>, encoding: TextEncoding) -> Int? {
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            let value = Array(encoding.decode(bytes).lowercased().utf8)
            return folded.firstIndex(of: value)
        }
        for (index, name) in folded.enumerated() where name.count == bytes.count {
            var equal = true
            for i in 0..<bytes.count where FieldValue.lower(bytes[i]) != name[i] { equal = false; break }
            if equal { return index }
        }
        return nil
    }
}

/// A deterministic 64-bit hash of a row's typed values, to tell row versions apart.
package struct RowHash {
    package private(set) var value = FieldValue.fnvOffset

    package mutating func add(_ n: Int?) { FieldValue.fnv(&value, n) }

    package mutating func add(_ s: String?) {
        guard var s else { FieldValue.fnv(&value, nil as Int?); return }
        s.withUTF8 { FieldValue.fnv(&value, $0) }
    }

    /// As stored in SQLite's signed 64-bit integer.
    package var signed: Int { Int(Int64(bitPattern: value)) }
}

extension Role {
    /// The roles as delivered, in `allCases` order.
    package static let codes = CodeList(Role.allCases.map(\.name))
}
