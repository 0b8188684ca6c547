// Byte-level parsing of delivered values: missing markers, pseudonyms, dates, numbers and
// codes, without building Strings on the hot path.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// A pseudonym as 32 bytes (four words), the compact key of the person index.
public struct Pseudonym: Hashable, Sendable {
    public let a: UInt64, b: UInt64, c: UInt64, d: UInt64

    /// Parses exactly 64 lowercase hex characters; nil for anything else.
    public init?(hex bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 64, let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        guard let a = Self.word(raw), let b = Self.word(raw + 16), let c = Self.word(raw + 32), let d = Self.word(raw + 48) else {
            return nil
        }
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
    }

    /// 16 lowercase hex characters at `p` as a word (the first character its top nibble).
    @inline(__always)
    private static func word(_ p: UnsafeRawPointer) -> UInt64? {
        guard let high = half(UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))),
              let low = half(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) else { return nil }
        return high << 32 | low
    }

    /// 8 characters loaded little-endian (the first in the low byte), 8 bytes at once: nil
    /// unless each is 0-9 or a-f; else their 32-bit value, the first character on top.
    @inline(__always)
    private static func half(_ x: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        guard Hex.isLowercaseHex(word: x) else { return nil }
        // A digit's low nibble is its value; a letter's is 1-6, and bit 6 marks it: add 9.
        let nibbles = (x & 0x0F0F_0F0F_0F0F_0F0F) &+ ((x >> 6) & ones) &* 9
        // Lane 2k becomes (first << 4 | second) of characters 2k and 2k + 1.
        let pairs = (nibbles << 4 | nibbles >> 8)
        return (pairs & 0xFF) << 24 | (pairs >> 16 & 0xFF) << 16 | (pairs >> 32 & 0xFF) << 8 | (pairs >> 48 & 0xFF)
    }

    /// The words of an HMAC output are uniformly random already: hashing one is enough.
    public func hash(into hasher: inout Hasher) { hasher.combine(a) }

    /// The 64 lowercase hex characters the pseudonym was parsed from.
    public var hex: String {
        Hex.encode([a, b, c, d].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * $0)) } })
    }

    public init?(hex text: String) {
        var copy = Array(text.utf8)
        guard let p = copy.withUnsafeMutableBufferPointer({ Pseudonym(hex: UnsafeBufferPointer($0)) }) else { return nil }
        self = p
    }
}

/// Value parsing shared by all sources.
public enum FieldValue {
    /// Bytes with surrounding spaces and tabs removed.
    @inline(__always)
    public static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Empty, `NULL`, `NA` and `n.v.t.` (any case) are missing values.
    @inline(__always)
    public static func isMissing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 0: return true
        case 2: return lower(bytes[0]) == 0x6E && lower(bytes[1]) == 0x61
        case 4: return lower(bytes[0]) == 0x6E && lower(bytes[1]) == 0x75 && lower(bytes[2]) == 0x6C && lower(bytes[3]) == 0x6C
        case 6: return equalsIgnoringCase(bytes, "n.v.t.")
        default: return false
        }
    }

    @inline(__always)
    package static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    /// Case-insensitive comparison with an ASCII literal.
    public static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for i in 0..<bytes.count where lower(bytes[i]) != lower(l[i]) { return false }
        return true
    }

    /// A non-negative or negative decimal integer of at most 18 digits.
    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var i = 0, negative = false
        if bytes[0] == 0x2D { negative = true; i = 1; if bytes.count == 1 { return nil } }
        var value = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
            i += 1
        }
        return negative ? -value : value
    }

    /// Exactly `count` ASCII digits as an integer (codes such as `45`, `0344`).
    public static func digits(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) -> Int? {
        guard bytes.count == count else { return nil }
        return integer(bytes)
    }

    /// FNV-1a 64-bit hash step over bytes; deterministic across runs, for row versions.
    @inline(__always)
    public static func fnv(_ hash: inout UInt64, _ bytes: UnsafeBufferPointer<UInt8>) {
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100000001B3 }
        hash = (hash ^ 0x1F) &* 0x100000001B3
    }

    /// FNV-1a step over an integer value.
    @inline(__always)
    public static func fnv(_ hash: inout UInt64, _ value: Int?) {
        var v = UInt64(bitPattern: Int64(value ?? Int(Int64.min)))
        for _ in 0..<8 { hash = (hash ^ (v & 0xFF)) &* 0x100000001B3; v >>= 8 }
    }

    public static let fnvOffset: UInt64 = 0xCBF29CE484222325

    /// The extraction date in a file name: `YYYY-MM-DD`, `DD-MM-YYYY` or `YYYYMMDD`, the last one found.
    public static func extractionDate(fileName: String) -> Day? {
        let chars = Array(fileName.utf8)
        var found: Day?
        var i = 0
        while i < chars.count {
            if i + 10 <= chars.count, let d = chars.withUnsafeBufferPointer({ Day(bytes: UnsafeBufferPointer(rebasing: $0[i..<(i + 10)])) }) {
                found = d; i += 10; continue
            }
            if i + 8 <= chars.count, (i == 0 || !isDigit(chars[i - 1])), (i + 8 == chars.count || !isDigit(chars[i + 8])),
               chars[i..<(i + 8)].allSatisfy(isDigit) {
                let n = chars[i..<(i + 8)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if let d = Day(year: n / 10000, month: n / 100 % 100, day: n % 100) { found = d; i += 8; continue }
            }
            i += 1
        }
        return found
    }

    package static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
