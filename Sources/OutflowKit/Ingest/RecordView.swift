// Typed access to the current CSV record through a source's column contract. Every
// accessor either returns a checked value or throws the `RowRejection` that sends the row
// to quarantine with its column, reason code and delivered value.

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
struct RecordView {
    let reader: CSVReader
    /// Field index in the file per contract column; -1 when the file lacks the column.
    let fieldIndex: [Int]
    let columns: [ColumnSpec]

    // MARK: - Raw access

    @inline(__always)
    func withValue<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let index = fieldIndex[column]
        if index < 0 || index >= reader.count { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try reader.withField(index) { try body(FieldValue.trimmed($0)) }
    }

    func isMissing(_ column: Int) -> Bool { withValue(column) { FieldValue.isMissing($0) } }

    /// The delivered text of a column, for quarantine records.
    func raw(_ column: Int) -> String {
        withValue(column) { reader.encoding.decode($0) }
    }

    func reject(_ reason: RowReason, _ column: Int) -> RowRejection {
        RowRejection(reason, column: columns[column].name, raw: raw(column))
    }

    /// Throws `missing_value` when a required column is empty; true when a value is present.
    func present(_ column: Int) throws -> Bool {
        if isMissing(column) {
            if columns[column].required { throw reject(.missingValue, column) }
            return false
        }
        return true
    }

    // MARK: - Typed values

    func text(_ column: Int, maxLength: Int = 200) throws -> String? {
        guard try present(column) else { return nil }
        let value = raw(column)
        guard value.count <= maxLength else { throw reject(.outOfRange, column) }
        return value
    }

    func day(_ column: Int) throws -> Day? {
        guard try present(column) else { return nil }
        guard let day = withValue(column, { Day(bytes: $0) }) else { throw reject(.badDate, column) }
        return day
    }

    func integer(_ column: Int, in range: ClosedRange<Int>) throws -> Int? {
        guard try present(column) else { return nil }
        guard let n = withValue(column, { FieldValue.integer($0) }) else { throw reject(.badNumber, column) }
        guard range.contains(n) else { throw reject(.outOfRange, column) }
        return n
    }

    /// A fixed-width numeric code (`45`, `0344`) that `valid` accepts.
    func code(_ column: Int, digits: Int, valid: (Int) -> Bool) throws -> Int? {
        guard try present(column) else { return nil }
        guard let n = withValue(column, { FieldValue.digits($0, count: digits) }), valid(n) else {
            throw reject(.badCode, column)
        }
        return n
    }

    /// A text code from a fixed list, matched case-insensitively; returns the list's spelling.
    func code(_ column: Int, in list: [String]) throws -> String? {
        guard try present(column) else { return nil }
        let value = raw(column).lowercased()
        guard let match = list.first(where: { $0.lowercased() == value }) else { throw reject(.badCode, column) }
        return match
    }

    func pseudonym(_ column: Int) throws -> Pseudonym? {
        guard try present(column) else { return nil }
        guard let p = withValue(column, { Pseudonym(hex: $0) }) else { throw reject(.badPseudonym, column) }
        return p
    }

    /// The optional `key_id`: 8 lowercase hex characters.
    func keyId(_ column: Int) throws -> String? {
        guard try present(column) else { return nil }
        let ok = withValue(column) { bytes in
            bytes.count == 8 && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        }
        guard ok else { throw reject(.badKeyId, column) }
        return raw(column)
    }
}

/// A deterministic 64-bit hash of a row's typed values, to tell row versions apart.
struct RowHash {
    private(set) var value = FieldValue.fnvOffset

    mutating func add(_ n: Int?) { FieldValue.fnv(&value, n) }

    mutating func add(_ s: String?) {
        guard var s else { FieldValue.fnv(&value, nil as Int?); return }
        s.withUTF8 { FieldValue.fnv(&value, $0) }
    }

    /// As stored in SQLite's signed 64-bit integer.
    var signed: Int { Int(Int64(bitPattern: value)) }
}
