// The nightly wrapper's log files (`outflow-YYYY-MM-DD.log`) are kept `logRetentionDays`
// (pipeline file, default 90): `outflow run --prune-logs DIR` removes older ones by their
// modification time. Nothing else in the folder is touched; a file that cannot be removed
// is left for the next night.

import Foundation
import OutflowCore

/// Removes old log files of the nightly wrapper.
package enum LogRetention {
    /// Removes the `outflow-*.log` files in `folder` last modified more than `days` days
    /// before `now`; returns how many went.
    @discardableResult
    package static func prune(folder: String, days: Int, now: Date = Date()) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        var removed = 0
        for name in names where name.hasPrefix("outflow-") && name.hasSuffix(".log") {
            let path = folder + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  modified < cutoff else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }
}
