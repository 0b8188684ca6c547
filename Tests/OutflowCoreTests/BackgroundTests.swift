// Work on a thread of its own: its value or error comes back through `wait`, and work that
// only fills spare time runs at a lower scheduling weight than the threads beside it.

import Foundation
import Testing
import OutflowCore

struct BackgroundTests {
    struct Refused: Error {}

    @Test func waitReturnsTheValueOrRethrowsTheErrorEveryTime() throws {
        let value = Background { 6 * 7 }
        #expect(try value.wait() == 42)
        #expect(try value.wait() == 42)
        let failing = Background { () throws -> Int in throw Refused() }
        #expect(throws: Refused.self) { try failing.wait() }
        #expect(throws: Refused.self) { try failing.wait() }
    }

    #if os(Linux)
    @Test func spareWorkRunsAtALowerWeightThanItsCaller() throws {
        errno = 0
        let caller = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let equal = try Background { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }.wait()
        let spare = try Background(share: .spare) { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }.wait()
        #expect(equal == caller)
        // Nice 10, or the caller's own when that is lower already (a thread may not raise its weight).
        #expect(spare == max(10, caller))
        // Only that thread: the caller's weight is unchanged.
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == caller)
    }
    #endif
}
