// What the parsing of one file keeps: the person index, the erasure list, the key ids
// seen, and the keys already delivered in this file (for `duplicate_key`). Both the person
// index and the row keys are exact (`FlatKeyTable.swift`): a pseudonym or a row key matches
// only an equal one, never one that merely hashes alike.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// The person table as an in-memory index from pseudonym to integer id. New persons get
/// the next id as their first accepted row is parsed; the inserting thread writes them to
/// `person` (`takePending`) before the rows that use them. Used by one thread at a time.
package final class PersonIndex: @unchecked Sendable {
    /// Person ids by pseudonym, all 32 bytes compared: 32 bytes a person plus 4 a slot, so
    /// millions of persons stay within the memory budget.
    private let ids = FlatKeyTable()
    // Touched by the parsing thread only, one pseudonym at a time: no runtime exclusivity
    // check per pseudonym (it showed in the load's profile).
    @exclusivity(unchecked) private var nextId = 1
    @exclusivity(unchecked) private var pending: [(id: Int, pseudonym: String)] = []

    /// The index of the `person` table as it stands.
    package init(db: Database) throws {
        let store = PersonStore(db: db)
        let (count, highest) = try store.extent()
        ids.reserve(count + 1024)
        nextId = highest + 1
        try store.forEach { id, hex in
            if let p = Pseudonym(hex: hex) { ids.insert(p, id: Int32(id)) }
        }
    }

    /// The id of a pseudonym, assigning the next one when the person is new.
    package func id(for pseudonym: Pseudonym, text: @autoclosure () -> String) -> Int {
        let (id, inserted) = ids.insert(pseudonym, id: Int32(nextId))
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
    package let seenKeys = RowKeySet()

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

    /// Records the row key `build` appends; a key seen before in this file is a
    /// `duplicate_key` rejection of `column`.
    package func claim(_ record: RecordView, column: Int, _ build: (inout RowKey) -> Void) throws {
        if !seenKeys.insert(build) { throw record.reject(.duplicateKey, column) }
    }

    package mutating func noteKeyId(_ record: RecordView, column: Int) throws {
        guard let id = try record.keyIdBytes(column), id != lastKeyId else { return }
        lastKeyId = id
        keyIds.insert(record.raw(column))
    }
}
