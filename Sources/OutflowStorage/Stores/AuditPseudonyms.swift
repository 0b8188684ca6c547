// Pseudonyms for the audit's restricted lists of unmatched persons. Each is looked up by
// its integer person id, so only the wanted pseudonyms are read, never the whole table.

/// Reads pseudonyms of the `person` table by person id.
package struct AuditPseudonymStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    /// The pseudonyms of `ids` in the order given; ids without a person are skipped.
    package func pseudonyms(of ids: [Int]) throws -> [String] {
        let select = try db.prepare("SELECT pseudo_id FROM person WHERE person_id = ?")
        var list: [String] = []
        list.reserveCapacity(ids.count)
        for id in ids {
            try select.bind(id, at: 1)
            if let row = try select.step() { list.append(row.string(0)) }
            select.reset()
        }
        return list
    }
}
