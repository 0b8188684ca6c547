// The bytes the CSV grammar cares about, and the error that stops a file, naming the row.

import Foundation
import OutflowCore

/// Bytes the CSV grammar cares about.
public enum CSVByte {
    public static let comma = UInt8(ascii: ",")
    public static let semicolon = UInt8(ascii: ";")
    public static let quote = UInt8(ascii: "\"")
    public static let cr: UInt8 = 0x0D
    public static let lf: UInt8 = 0x0A
    public static let space: UInt8 = 0x20
}

/// A CSV problem that stops the file, with the row it was found at.
public struct CSVError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case unreadable(String)
        case emptyFile
        case unterminatedQuote
        /// The record's values together exceed the byte cap.
        case fieldTooLarge(Int)
        case tooManyFields(Int)
    }
    public let path: String
    public let row: Int
    public let kind: Kind

    /// The stable reason code used in the registry and the audit.
    public var reason: String {
        switch kind {
        case .unreadable: return "unreadable"
        case .emptyFile: return "no_header"
        case .unterminatedQuote: return "unterminated_quote"
        case .fieldTooLarge: return "field_too_large"
        case .tooManyFields: return "too_many_fields"
        }
    }

    public var description: String {
        let file = (path as NSString).lastPathComponent
        switch kind {
        case .unreadable(let why): return "\(file): cannot read the file: \(why)"
        case .emptyFile: return "\(file): row 1: no header row (the file is empty)"
        case .unterminatedQuote: return "\(file): row \(row): a quote opened here is never closed"
        case .fieldTooLarge(let limit): return "\(file): row \(row): the record's values are larger than \(limit) bytes together"
        case .tooManyFields(let limit): return "\(file): row \(row): the record has more than \(limit) fields"
        }
    }
}
