// What the rows of one file share while it loads: the person index, the erasure list,
// the key ids seen, and the keys already delivered in this file (for `duplicate_key`).

/// The person table as an in-memory index from pseudonym to integer id. New persons are
/// inserted with the next id as their first accepted row arrives.
final class PersonIndex {
    private var ids: [Pseudonym: Int]
    private var nextId: Int
    private let insert: Statement

    init(db: Database) throws {
        let count = try db.scalarInt("SELECT count(*) FROM person") ?? 0
        ids = Dictionary(minimumCapacity: count + 1024)
        nextId = (try db.scalarInt("SELECT max(person_id) FROM person") ?? 0) + 1
        let select = try db.prepare("SELECT person_id, pseudo_id FROM person")
        while let row = try select.step() {
            if let text = row.text(1), let p = Pseudonym(hex: text) { ids[p] = row.int(0) }
        }
        insert = try db.prepare("INSERT INTO person (person_id, pseudo_id) VALUES (?, ?)")
    }

    /// The id of a pseudonym, inserting the person when new.
    func id(for pseudonym: Pseudonym, text: String) throws -> Int {
        if let id = ids[pseudonym] { return id }
        let id = nextId
        try insert.bind(id, at: 1)
        try insert.bind(text, at: 2)
        try insert.run()
        ids[pseudonym] = id
        nextId += 1
        return id
    }

    /// Forgets ids inserted by a transaction that rolled back.
    func reload(db: Database) throws {
        let fresh = try PersonIndex(db: db)
        ids = fresh.ids
        nextId = fresh.nextId
    }
}

/// A 128-bit fingerprint of a row key, for duplicate detection within one file.
struct KeyFingerprint: Hashable {
    let high: Int, low: Int

    init(_ combine: (inout Hasher) -> Void) {
        var first = Hasher(), second = Hasher()
        first.combine(0x51)
        second.combine(0xA7)
        combine(&first)
        combine(&second)
        high = first.finalize()
        low = second.finalize()
    }
}

/// Shared state of one file's load.
struct LoadContext {
    let fileId: Int
    let extractionDay: Day?
    let persons: PersonIndex
    /// SHA-256 (hex) of every erased pseudonym.
    let erased: Set<String>
    var keyIds: Set<String> = []
    var seenKeys: Set<KeyFingerprint> = []

    /// The person id for the pseudonym in `column`, or the `erased` rejection for a person
    /// on the erasure list.
    func personId(_ pseudonym: Pseudonym, _ record: RecordView, column: Int) throws -> Int {
        let text = record.raw(column)
        if !erased.isEmpty && erased.contains(Hex.encode(SHA256.hash(Array(text.utf8)))) {
            throw RowRejection(.erased, column: record.columns[column].name, raw: nil)
        }
        return try persons.id(for: pseudonym, text: text)
    }

    /// Records a row key; a key seen before in this file is a `duplicate_key` rejection.
    mutating func claim(_ key: KeyFingerprint, _ record: RecordView, column: Int) throws {
        if !seenKeys.insert(key).inserted { throw record.reject(.duplicateKey, column) }
    }

    mutating func noteKeyId(_ record: RecordView, column: Int) throws {
        if let id = try record.keyId(column) { keyIds.insert(id) }
    }
}
