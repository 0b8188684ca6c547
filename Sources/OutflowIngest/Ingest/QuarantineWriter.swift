// Writes quarantined rows: file, row, column, reason code and the delivered value. A value
// that looks like a citizen number is withheld even here, because the quarantine must
// never become the one place a raw BSN is stored.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// Inserts quarantine records for one file.
package struct QuarantineWriter {
    private let records: QuarantineInserter
    /// The first quarantined row, as one line, for the message of a refused file.
    package private(set) var first: String?

    package init(db: Database, fileId: Int) throws {
        records = try QuarantineStore(db: db).writer(fileId: fileId)
    }

    package mutating func add(row: Int, _ rejection: RowRejection) throws {
        let raw = rejection.raw.map(Self.safeRawValue)
        if first == nil {
            first = "row \(row)" + (rejection.column.map { ", column \($0)" } ?? "") + ": \(rejection.reason.rawValue)"
        }
        try records.add(row: row, column: rejection.column, reason: rejection.reason.rawValue, rawValue: raw)
    }

    /// The value as stored: at most 200 characters, citizen numbers withheld.
    package static func safeRawValue(_ value: String) -> String {
        let digits = value.trimmingCharacters(in: .whitespaces)
        if (8...9).contains(digits.count), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           Elfproef.isValid(String(repeating: "0", count: 9 - digits.count) + digits) {
            return "(withheld: looks like a citizen number)"
        }
        return value.count > 200 ? String(value.prefix(200)) + "..." : value
    }
}
