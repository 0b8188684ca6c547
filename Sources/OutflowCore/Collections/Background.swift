// Work on a thread of its own: the SHA-256 of a new delivery while it loads, the linkage
// audit while the cohort is built. `wait` returns the value or rethrows the error.

import Foundation

/// A value being computed on a background thread.
package final class Background<Value>: @unchecked Sendable {
    private var result: Result<Value, Error>?
    private let done = DispatchSemaphore(value: 0)
    /// Seconds the work took on its thread (set before `wait` returns).
    package private(set) var seconds = 0.0

    package init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let start = DispatchTime.now().uptimeNanoseconds
            result = Result { try work() }
            seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Blocks until the work is done; may be called more than once.
    package func wait() throws -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
