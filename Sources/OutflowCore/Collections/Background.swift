// Work on a thread of its own: the SHA-256 of a new delivery while it loads, the linkage
// audit while the cohort is built. `wait` returns the value or rethrows the error.

import Foundation

/// A value being computed on a background thread.
package final class Background<Value>: @unchecked Sendable {
    private var result: Result<Value, Error>?
    private let done = DispatchSemaphore(value: 0)
    /// Seconds the work took on its thread (set before `wait` returns).
    package private(set) var seconds = 0.0

    /// How much of the processor the work may take from the threads it runs beside.
    package enum Share: Sendable {
        /// As much as any other thread.
        case equal
        /// What the others leave (nice 10 for this thread alone): for work that must be done
        /// by some later point but is not what the threads beside it wait on, such as hashing
        /// a file while it is loaded on both cores.
        case spare
    }

    package init(share: Share = .equal, _ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            if share == .spare { Self.yieldToOthers() }
            let start = DispatchTime.now().uptimeNanoseconds
            result = Result { try work() }
            seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Lowers the calling thread's scheduling weight: on Linux a thread's nice value is its
    /// own, and `who` 0 is the calling thread. Best effort: where that is refused the work
    /// simply runs at the normal weight.
    private static func yieldToOthers() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    /// Blocks until the work is done; may be called more than once.
    package func wait() throws -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
