// A zip archive of stored (uncompressed) entries, enough for an xlsx file: local headers,
// the data, a central directory and its end record (APPNOTE 6.3, sections 4.3 and 4.4).
// Every entry carries the same fixed time stamp (1980-01-01 00:00, the first DOS date), so
// the same entries always give the same bytes. No ZIP64: an archive stays under 4 GiB and
// 65,535 entries, far beyond any analyst workbook.

import OutflowCore

/// An in-memory zip archive of stored entries, written in the order they were added.
package struct ZipArchive {
    private struct Entry {
        var name: [UInt8]
        var crc: UInt32
        var size: UInt32
        var offset: UInt32
    }

    private var entries: [Entry] = []
    private var body: [UInt8] = []

    package init() {}

    /// DOS time 00:00:00 and date 1980-01-01 ((1980 - 1980) << 9 | 1 << 5 | 1).
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = 0x21

    /// Adds one file; `name` is a relative path with `/` separators.
    package mutating func add(_ name: String, _ data: [UInt8]) throws {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= Int(UInt16.max) else {
            throw OutflowError(.internalError, "zip entry name '\(name)' is empty or too long")
        }
        guard entries.count < Int(UInt16.max), UInt64(body.count) + UInt64(data.count) + UInt64(30 + nameBytes.count) < UInt64(UInt32.max) else {
            throw OutflowError(.internalError, "zip archive too large for a workbook (more than 4 GiB or 65,535 entries)")
        }
        let entry = Entry(name: nameBytes, crc: CRC32.checksum(data), size: UInt32(data.count), offset: UInt32(body.count))
        body.append32(0x0403_4B50)         // local file header signature
        body.append16(20)                  // version needed to extract (2.0)
        body.append16(Self.flags(nameBytes))
        body.append16(0)                   // method: stored
        body.append16(Self.dosTime)
        body.append16(Self.dosDate)
        body.append32(entry.crc)
        body.append32(entry.size)          // compressed size
        body.append32(entry.size)          // uncompressed size
        body.append16(UInt16(nameBytes.count))
        body.append16(0)                   // extra field length
        body.append(contentsOf: nameBytes)
        body.append(contentsOf: data)
        entries.append(entry)
    }

    /// Adds one text file as UTF-8.
    package mutating func add(_ name: String, text: String) throws {
        try add(name, Array(text.utf8))
    }

    /// The whole archive: the entries, the central directory and its end record.
    package func bytes() throws -> [UInt8] {
        var out = body
        let directoryOffset = out.count
        for entry in entries {
            out.append32(0x0201_4B50)      // central directory header signature
            out.append16(20)               // version made by: 2.0, MS-DOS attributes
            out.append16(20)               // version needed to extract
            out.append16(Self.flags(entry.name))
            out.append16(0)                // method: stored
            out.append16(Self.dosTime)
            out.append16(Self.dosDate)
            out.append32(entry.crc)
            out.append32(entry.size)
            out.append32(entry.size)
            out.append16(UInt16(entry.name.count))
            out.append16(0)                // extra field length
            out.append16(0)                // comment length
            out.append16(0)                // disk number start
            out.append16(0)                // internal attributes
            out.append32(0)                // external attributes
            out.append32(entry.offset)
            out.append(contentsOf: entry.name)
        }
        let directorySize = out.count - directoryOffset
        guard UInt64(out.count) + 22 < UInt64(UInt32.max) else {
            throw OutflowError(.internalError, "zip archive too large for a workbook (more than 4 GiB)")
        }
        out.append32(0x0605_4B50)          // end of central directory signature
        out.append16(0)                    // number of this disk
        out.append16(0)                    // disk with the central directory
        out.append16(UInt16(entries.count))
        out.append16(UInt16(entries.count))
        out.append32(UInt32(directorySize))
        out.append32(UInt32(directoryOffset))
        out.append16(0)                    // comment length
        return out
    }

    /// Bit 11 (names are UTF-8) when a name is not plain ASCII.
    private static func flags(_ name: [UInt8]) -> UInt16 {
        name.contains(where: { $0 >= 0x80 }) ? 0x0800 : 0
    }
}

/// CRC-32 as zip uses it (ISO 3309 / ITU-T V.42: polynomial 0xEDB88320 reflected, initial
/// value and final XOR 0xFFFFFFFF), byte-wise through a 256-entry table.
package enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of `data`; 0 for empty data.
    package static func checksum<Bytes: Sequence>(_ data: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Array where Element == UInt8 {
    /// Appends a little-endian 16-bit value.
    fileprivate mutating func append16(_ value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    /// Appends a little-endian 32-bit value.
    fileprivate mutating func append32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
