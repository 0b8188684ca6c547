// Wall-clock time for run ids and timestamps. Analyst outputs never contain it, so reruns
// stay byte-identical; only manifests, logs and the registry do.

import Foundation

/// UTC timestamps in the forms the run folder and the registry use.
public enum Clock {
    /// ISO 8601 UTC timestamp with seconds, e.g. `2025-04-01T02:00:00Z`.
    public static func timestamp(_ date: Date = Date()) -> String {
        format(date, "%04d-%02d-%02dT%02d:%02d:%02dZ")
    }

    /// Run id `YYYYMMDDTHHMMSSZ` (docs/outputs.md).
    public static func runId(_ date: Date = Date()) -> String {
        format(date, "%04d%02d%02dT%02d%02d%02dZ")
    }

    /// Today's calendar date in UTC.
    public static func today(_ date: Date = Date()) -> Day {
        let c = utc(date)
        return Day(year: c.year, month: c.month, day: c.day)!
    }

    private static func utc(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let c = utc(date)
        return String(format: pattern, c.year, c.month, c.day, c.hour, c.minute, c.second)
    }
}
