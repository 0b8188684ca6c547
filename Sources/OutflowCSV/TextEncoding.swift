// Text encodings of delivered files. Suppliers export UTF-8, but an Excel export on a
// Dutch Windows machine arrives as Windows-1252; such a file is read as that and the
// audit says so (docs/delivery-contract.md).

import OutflowCore

/// The encoding a delivered file is read with.
public enum TextEncoding: String, Sendable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// Decodes bytes of this encoding into a String. Inlinable: the load decodes every text
    /// value through it, and a call across the module boundary showed in its profile.
    @inlinable
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for b in bytes { scalars.append(TextEncoding.windows1252Scalar(b)) }
            return String(scalars)
        }
    }

    /// The Unicode scalar of one Windows-1252 byte; the five undefined bytes map to themselves.
    @usableFromInline
    package static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        if byte < 0x80 || byte >= 0xA0 { return Unicode.Scalar(byte) }
        let table: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ]
        return Unicode.Scalar(table[Int(byte - 0x80)])!
    }
}

/// Incremental UTF-8 validation, fed chunk by chunk alongside the file hash.
public struct UTF8Validation: Sendable {
    private var pending = 0
    private var minimumNext: UInt8 = 0x80
    private var maximumNext: UInt8 = 0xBF
    /// False once an invalid sequence was seen.
    public private(set) var isValid = true

    public init() {}

    /// Feeds the next bytes of the file.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard isValid else { return }
        var i = 0
        let n = bytes.count
        while i < n {
            if pending == 0 {
                // Skip ASCII eight bytes at a time; delivered CSV is nearly all ASCII.
                while i + 8 <= n && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                if i >= n { break }
            }
            let byte = bytes[i]
            i += 1
            if pending > 0 {
                guard byte >= minimumNext && byte <= maximumNext else { isValid = false; return }
                minimumNext = 0x80; maximumNext = 0xBF
                pending -= 1
                continue
            }
            if byte < 0x80 { continue }
            switch byte {
            case 0xC2...0xDF: pending = 1
            case 0xE0: pending = 2; minimumNext = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: pending = 2
            case 0xED: pending = 2; maximumNext = 0x9F
            case 0xF0: pending = 3; minimumNext = 0x90
            case 0xF1...0xF3: pending = 3
            case 0xF4: pending = 3; maximumNext = 0x8F
            default: isValid = false; return
            }
        }
    }

    /// True when the whole input was valid and no sequence was left open.
    public var isCompleteAndValid: Bool { isValid && pending == 0 }
}
