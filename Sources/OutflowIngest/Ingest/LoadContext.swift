// What the parsing of one file keeps: the person index, the erasure list, the key ids
// seen, and the keys already delivered in this file (for `duplicate_key`).

import OutflowCore
import OutflowCSV
import OutflowStorage

/// The person table as an in-memory index from pseudonym to integer id. New persons get
/// the next id as their first accepted row is parsed; the inserting thread writes them to
/// `person` (`takePending`) before the rows that use them. Used by one thread at a time.
package final class PersonIndex: @unchecked Sendable {
    /// Person ids by 128 bits mixed from all 256 of a pseudonym: 16 bytes a person plus 4
    /// a slot, so millions of persons stay within the memory budget.
    private let ids = FlatKeyTable()
    private var nextId = 1
    private var pending: [(id: Int, pseudonym: String)] = []

    /// The index of the `person` table as it stands.
    package init(db: Database) throws {
        let (count, highest) = try db.query("SELECT count(*), coalesce(max(person_id), 0) FROM person") { ($0.int(0), $0.int(1)) }[0]
        ids.reserve(count + 1024)
        nextId = highest + 1
        let select = try db.prepare("SELECT person_id, pseudo_id FROM person")
        while let row = try select.step() {
            if let text = row.text(1), let p = Pseudonym(hex: text) { ids.insert(Self.key(p), id: Int32(row.int(0))) }
        }
    }

    private static func key(_ p: Pseudonym) -> FlatKeyTable.Key {
        FlatKeyTable.Key(high: KeyFingerprint.mix(p.a ^ KeyFingerprint.mix(p.c, 0x9E37_79B9_7F4A_7C15), 0xFF51_AFD7_ED55_8CCD),
                         low: KeyFingerprint.mix(p.b ^ KeyFingerprint.mix(p.d, 0xC2B2_AE3D_27D4_EB4F), 0xC4CE_B9FE_1A85_EC53))
    }

    /// The id of a pseudonym, assigning the next one when the person is new.
    package func id(for pseudonym: Pseudonym, text: @autoclosure () -> String) -> Int {
        let (id, inserted) = ids.insert(Self.key(pseudonym), id: Int32(nextId))
        if inserted {
            pending.append((nextId, text()))
            nextId += 1
        }
        return Int(id)
    }

    /// The next id to hand out. A load notes it before it starts; when the load's
    /// transaction rolls back, `rollBack(to:)` forgets the persons it added.
    package var mark: Int { nextId }

    /// Forgets every person numbered from `mark` on, as the rolled-back `person` table has.
    package func rollBack(to mark: Int) {
        ids.removeAll(above: Int32(mark - 1))
        nextId = mark
        pending = []
    }

    /// Persons assigned since the last call, to be inserted into `person`.
    package func takePending() -> [(id: Int, pseudonym: String)] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }
}

/// A 128-bit fingerprint of a row key, for duplicate detection within one file: two
/// independent 64-bit multiply-mix hashes, so a false duplicate needs a 128-bit collision.
package struct KeyFingerprint {
    package private(set) var high: UInt64 = 0x9E37_79B9_7F4A_7C15
    package private(set) var low: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    package init(_ combine: (inout KeyFingerprint) -> Void) { combine(&self) }

    package mutating func combine(_ value: UInt64) {
        high = Self.mix(high ^ value, 0xFF51_AFD7_ED55_8CCD)
        low = Self.mix(low &+ value, 0xC4CE_B9FE_1A85_EC53)
    }

    package mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    package mutating func combine(_ p: Pseudonym) { combine(p.a); combine(p.b); combine(p.c); combine(p.d) }

    package mutating func combine(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                var word: UInt64 = 0
                for k in 0..<min(8, bytes.count - i) { word |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
                combine(word)
                i += 8
            }
        }
        combine(UInt64(text.utf8.count))
    }

    @inline(__always)
    package static func mix(_ x: UInt64, _ k: UInt64) -> UInt64 {
        var h = x &* k
        h ^= h >> 33
        h = h &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}

/// What the parsing thread keeps while it reads one file.
package struct ParseContext: @unchecked Sendable {
    package let fileId: Int
    package let extractionDay: Day?
    package let persons: PersonIndex
    /// SHA-256 (hex) of every erased pseudonym.
    package let erased: Set<String>
    package var keyIds: Set<String> = []
    /// The last key id noted, as `RecordView.keyIdBytes` packs it.
    package var lastKeyId: UInt64? = nil
    /// The row keys of this file so far. A class: the copies of this context share it.
    package let seenKeys = FlatKeyTable()

    /// The person id for the pseudonym in `column`, or the `erased` rejection for a person
    /// on the erasure list.
    package func personId(_ pseudonym: Pseudonym, _ record: RecordView, column: Int) throws -> Int {
        if !erased.isEmpty && erased.contains(Hex.encode(SHA256.hash(Array(record.raw(column).utf8)))) {
            throw RowRejection(.erased, column: record.columns[column].name, raw: nil)
        }
        return persons.id(for: pseudonym, text: record.raw(column))
    }

    /// Sizes the row-key set for the whole file from the bytes its first rows took, so it
    /// does not grow (rehashing every key) a dozen times on the way. At most a million keys:
    /// a file whose first rows are unusually short must not reserve far more than it needs
    /// (a bigger file grows past that once or twice).
    package func expectRows(readSoFar rows: Int, of reader: CSVReader) {
        guard seenKeys.count > 0, reader.offset > 0 else { return }
        let estimate = Double(reader.fileSize) / Double(reader.offset) * Double(rows) * 1.05
        seenKeys.reserve(Int(min(estimate, Double(Self.maxReservedKeys))))
    }

    package static let maxReservedKeys = 1 << 20

    /// Records a row key; a key seen before in this file is a `duplicate_key` rejection.
    package func claim(_ key: KeyFingerprint, _ record: RecordView, column: Int) throws {
        if !seenKeys.insert(FlatKeyTable.Key(high: key.high, low: key.low)) { throw record.reject(.duplicateKey, column) }
    }

    package mutating func noteKeyId(_ record: RecordView, column: Int) throws {
        guard let id = try record.keyIdBytes(column), id != lastKeyId else { return }
        lastKeyId = id
        keyIds.insert(record.raw(column))
    }
}
