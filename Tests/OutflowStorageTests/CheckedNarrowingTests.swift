// Person ids and days read from the database are narrowed to 32 bits for the analysis; a
// value outside that range is an internal error naming its table and column, never a
// silent wrap into another person or date.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowTestSupport

struct CheckedNarrowingTests {
    static func temporaryDatabase() throws -> Database {
        try Database(path: NSTemporaryDirectory() + "outflow-narrow-" + UUID().uuidString + "/test.sqlite")
    }

    /// A registration of `person` in force from day 1 on.
    static func register(_ person: Int, in db: Database, start: Int = 2_460_000) throws {
        try db.run("""
            INSERT INTO stg_registration (file_id, person_id, group_id, group_type, organisation, role, start_day, row_hash, valid_from)
            VALUES (1, ?, 'G1', 'jongerengroep', 'Org', 1, ?, 0, 1)
            """, [.int(person), .int(start)])
    }

    @Test func aPersonIdPast32BitsIsAnInternalErrorNamingTableAndColumn() throws {
        let db = try Self.temporaryDatabase()
        try Self.register(1 << 31, in: db)
        let error = try #require(throws: OutflowError.self) {
            try InForceStore(db: db).registrations(asOf: Day(julian: 2_460_100)) { _ in }
        }
        #expect(error.status == .internalError)
        #expect(error.message == "stg_registration.person_id holds person id 2147483648, outside 1...2147483647: the database holds a value this build cannot represent")
    }

    @Test func theLargest32BitIdReadsAndZeroOrNegativeIdsDoNot() throws {
        let db = try Self.temporaryDatabase()
        try Self.register(Int(Int32.max), in: db)
        var read: [Int32] = []
        try InForceStore(db: db).registrations(asOf: Day(julian: 2_460_100)) { read.append($0.personId) }
        #expect(read == [Int32.max])
        for bad in [0, -1] {
            let statement = try db.prepare("SELECT ? AS person_id")
            try statement.bind(bad, at: 1)
            let row = try #require(try statement.step())
            let error = try #require(throws: OutflowError.self) { try row.personId(0, table: "person") }
            #expect(error.status == .internalError && error.message.hasPrefix("person.person_id holds person id \(bad), outside 1...2147483647"))
        }
    }

    @Test func theLargestPersonIdIsCheckedToo() throws {
        let db = try Self.temporaryDatabase()
        #expect(try InForceStore(db: db).maxPersonId() == 0)
        try db.run("INSERT INTO person (person_id, pseudo_id) VALUES (?, 'x')", [.int(1 << 32)])
        let error = try #require(throws: OutflowError.self) { try InForceStore(db: db).maxPersonId() }
        #expect(error.status == .internalError && error.message.hasPrefix("person.person_id holds person id 4294967296"))
    }

    @Test func aDayPast32BitsIsAnInternalErrorNamingTableAndColumn() throws {
        let db = try Self.temporaryDatabase()
        try Self.register(7, in: db, start: 1 << 40)
        let error = try #require(throws: OutflowError.self) {
            try InForceStore(db: db).registrations(asOf: Day(julian: 2_460_100)) { _ in }
        }
        #expect(error.status == .internalError && error.message.hasPrefix("stg_registration.start_day holds day 1099511627776, outside"))
    }
}
