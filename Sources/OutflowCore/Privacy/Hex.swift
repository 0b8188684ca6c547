// Lowercase hexadecimal, the written form of every digest and pseudonym in Outflow. Encoding
// writes straight into the String's storage because it runs once per pseudonymised value.

/// Hex encoding, decoding and the lowercase-hex check used on pseudonym columns.
public enum Hex {
    package static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The lowercase hex text of `bytes`, two characters per byte.
    public static func encode(_ bytes: [UInt8]) -> String {
        digits.withUnsafeBufferPointer { digit in
            String(unsafeUninitializedCapacity: bytes.count * 2) { text in
                for (i, byte) in bytes.enumerated() {
                    text[2 * i] = digit[Int(byte >> 4)]
                    text[2 * i + 1] = digit[Int(byte & 0x0f)]
                }
                return bytes.count * 2
            }
        }
    }

    /// Whether the 8 bytes of `word` (any byte order) are each one of `0-9` or `a-f`, all
    /// eight checked at once. For bytes below 0x80 no lane borrows: a lane's top bit says
    /// `byte >= lo` in `(x | highs) - lo`, and `byte <= hi` in `(0x80 + hi) - x`.
    @inlinable @inline(__always)
    public static func isLowercaseHex(word x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func inRange(_ lo: UInt64, _ hi: UInt64) -> UInt64 { ((x | highs) &- lo &* ones) & ((0x80 &+ hi) &* ones &- x) & highs }
        return x & highs == 0 && inRange(0x30, 0x39) | inRange(0x61, 0x66) == highs
    }

    /// The bytes written by `text` (upper- or lowercase, even length), or nil when it is not hex.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(of: utf8[i]), let low = value(of: utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }

    // MARK: - Digits

    /// The value of one hex digit of either case. Inlinable: the matched sets' pseudonyms are
    /// read a digit at a time in another target.
    @inlinable
    package static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
