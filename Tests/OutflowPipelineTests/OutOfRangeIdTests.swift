// A database holding a person id the analysis cannot keep in 32 bits stops a run as an
// internal error (exit 70) naming the table, instead of linking rows to a wrapped id.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowPipeline
import OutflowTestSupport

struct OutOfRangeIdTests {
    @Test func aPersonIdPast32BitsStopsTheRunWithExit70NamingTheTable() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.ingest()
        try ws.open().run("""
            INSERT INTO stg_registration (file_id, person_id, group_id, group_type, organisation, role, start_day, row_hash, valid_from)
            VALUES (1, ?, 'G1', 'jongerengroep', 'Org 1', 1, ?, 0, 0)
            """, [.int(1 << 31), .int(Day(parsing: "2024-01-01")!.julian)])

        let error = try #require(throws: (any Error).self) { try ws.job(.report) }
        #expect(Job.exitStatus(of: error) == .internalError)
        #expect("\(error)".contains("stg_registration.person_id holds person id 2147483648"))

        let result = try Binary.run(["report", ws.pipelinePath])
        #expect(result.status == ExitStatus.internalError.rawValue)
        #expect(result.stderr.contains("stage link: stg_registration.person_id holds person id 2147483648, outside 1...2147483647"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.output + "/latest"))
    }
}
