// `outflow pseudonymise`, the suppliers' tool (docs/delivery-contract.md): every named citizen-number
// column is replaced by the HMAC-SHA256 of the zero-padded 9-digit BSN under the shared key
// and renamed (`bsn` to `pseudo_id`, `X_bsn` to `X_pseudo_id`); a `key_id` column is added.
// Numbers that fail the elfproef go to a reject file with row and reason, never the
// number; nothing this file prints or throws contains a citizen number. `bsn` itself is
// required; any other named column is optional, and an empty value in it stays empty (a
// youth row has no `parent_bsn`). `outflow erase --bsn-file` pseudonymises one number read
// from a file here as well.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// Pseudonymises the citizen-number columns of one CSV file.
public struct Pseudonymiser {
    /// Counts of one run.
    public struct Summary: Sendable {
        public var rows = 0
        public var written = 0
        public var rejected = 0
        /// Empty values of optional columns, written as empty pseudonyms.
        public var emptyOptional = 0
        public var rejectsPath: String
        public var keyId: String
    }

    package let hmac: HMACSHA256
    public let keyId: String

    /// Reads the key from a file: at least 32 bytes, a final line break ignored.
    public init(keyFile: String) throws {
        guard var key = FileManager.default.contents(atPath: keyFile).map(Array.init) else {
            throw OutflowError(.usage, "key file \(keyFile): cannot be read")
        }
        while let last = key.last, last == 0x0A || last == 0x0D { key.removeLast() }
        guard key.count >= 32 else {
            throw OutflowError(.usage, "key file \(keyFile): the key has \(key.count) bytes; at least 32 are required")
        }
        self.init(key: key)
    }

    public init(key: [UInt8]) {
        hmac = HMACSHA256(key: key)
        keyId = PseudonymKey.keyId(of: key)
    }

    /// The pseudonym of a citizen number that passed the elfproef (9 ASCII digits).
    public func pseudonym(ofValidNumber digits: String) -> String {
        Hex.encode(hmac.authenticate(Array(digits.utf8)))
    }

    /// A citizen number as delivered, zero-padded to 9 digits, or nil with the reason it fails.
    public static func normalise(_ value: String) -> (digits: String?, reason: String?) {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return (nil, "missing_value") }
        guard trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), trimmed.count <= 9 else { return (nil, "not_9_digits") }
        let padded = String(repeating: "0", count: 9 - trimmed.count) + trimmed
        return Elfproef.isValid(padded) ? (padded, nil) : (nil, "elfproef_failed")
    }

    /// Whether a named column must hold a number in every row: only `bsn`, the person the
    /// row is about. Other citizen-number columns (`parent_bsn`, ...) may be empty.
    public static func isRequired(_ column: String) -> Bool {
        column.lowercased() == "bsn"
    }

    /// The pseudonym of the one citizen number in `path` (an erasure request): the file holds
    /// the number on one line, surrounding spaces and line breaks ignored. Errors name the
    /// file and what is wrong, never the number.
    public func pseudonym(ofNumberInFile path: String) throws -> String {
        guard var bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            throw OutflowError(.usage, "citizen-number file \(path): cannot be read")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.contains(where: \.isNewline) else {
            throw OutflowError(.dataError, "citizen-number file \(path): holds more than one line; put exactly one citizen number in it")
        }
        let (digits, reason) = Self.normalise(text)
        guard let digits else {
            let what: String
            switch reason {
            case "missing_value": what = "is empty"
            case "not_9_digits": what = "does not hold a number of 1 to 9 digits"
            default: what = "holds a number that fails the elfproef (a typing error?)"
            }
            throw OutflowError(.dataError, "citizen-number file \(path): \(what) [\(reason ?? "invalid")]")
        }
        return pseudonym(ofValidNumber: digits)
    }

    /// The name a pseudonymised column gets.
    public static func renamed(_ column: String) -> String {
        let lower = column.lowercased()
        if lower == "bsn" { return "pseudo_id" }
        if lower.hasSuffix("_bsn") { return String(column.dropLast(4)) + "_pseudo_id" }
        return column + "_pseudo_id"
    }

    /// Pseudonymises `input` into `output`; rejected rows go to `<output>.rejects.csv`. An
    /// empty value of an optional column (not `bsn`) is written as an empty pseudonym.
    public func run(input: String, output: String, columns: [String]) throws -> Summary {
        let reader: CSVReader
        let header: [String]
        do {
            reader = try CSVReader(path: input, encoding: try FileFingerprint(path: input).encoding)
            header = try reader.readHeader()
        } catch let error as CSVError { throw OutflowError(.dataError, error.description) }
        let lower = header.map { $0.lowercased() }
        let targets = try columns.map { name -> Int in
            guard let i = lower.firstIndex(of: name.lowercased()) else {
                throw OutflowError(.usage, "\(input): no column '\(name)' in the header (\(header.joined(separator: ", ")))")
            }
            return i
        }
        let required = header.map(Self.isRequired)
        let keyIdColumn = lower.firstIndex(of: "key_id")
        let rejectsPath = (output.hasSuffix(".csv") ? String(output.dropLast(4)) : output) + ".rejects.csv"
        let writer = try CSVWriter(path: output, delimiter: reader.delimiter, mode: FileAccess.ownerOnly.mode(.restrictedFile))
        let rejects = try CSVWriter(path: rejectsPath, delimiter: CSVByte.comma, mode: FileAccess.ownerOnly.mode(.restrictedFile))
        var outHeader = header.enumerated().map { targets.contains($0.offset) ? Self.renamed($0.element) : $0.element }
        if keyIdColumn == nil { outHeader.append("key_id") }
        try writer.write(row: outHeader)
        try rejects.write(row: ["row", "column", "reason"])
        var summary = Summary(rejectsPath: rejectsPath, keyId: keyId)
        do {
            rowLoop: while try reader.next() {
                summary.rows += 1
                var fields = (0..<reader.count).map { reader.string(at: $0) }
                if fields.count != header.count {
                    try rejects.write(row: [String(reader.row), "", "field_count"])
                    summary.rejected += 1
                    continue
                }
                for i in targets {
                    if !required[i], fields[i].trimmingCharacters(in: .whitespaces).isEmpty {
                        fields[i] = ""
                        summary.emptyOptional += 1
                        continue
                    }
                    let (digits, reason) = Self.normalise(fields[i])
                    guard let digits else {
                        try rejects.write(row: [String(reader.row), header[i], reason ?? "invalid"])
                        summary.rejected += 1
                        continue rowLoop
                    }
                    fields[i] = pseudonym(ofValidNumber: digits)
                }
                if let keyIdColumn { fields[keyIdColumn] = keyId } else { fields.append(keyId) }
                try writer.write(row: fields)
                summary.written += 1
            }
        } catch let error as CSVError {
            throw OutflowError(.dataError, error.description)
        }
        try writer.close()
        try rejects.close()
        return summary
    }
}
