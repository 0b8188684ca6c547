// A calendar date without time of day or time zone, as methods.md requires.
//
// Stored as the integer Julian Day Number, the same number SQLite's date functions
// read: `date(start_day)` in the sqlite3 shell prints the ISO date of a stored day, and
// "days between a and b" is plain subtraction.

/// A calendar date, held as its Julian Day Number.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Stored in 32 bits: a cohort of a million entries holds several dates each.
    private let storage: Int32

    /// The Julian Day Number (2460677 is 2025-01-01).
    public var julian: Int { Int(storage) }

    /// Julian Day Number of 1970-01-01.
    package static let unixEpochJulian = 2_440_588

    public init(julian: Int) { storage = Int32(truncatingIfNeeded: julian) }

    /// A validated calendar date; nil for impossible dates such as 31 February.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysInMonth(year: year, month: month) else { return nil }
        // Days from civil (H. Hinnant), proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.init(julian: era * 146_097 + doe - 719_468 + Day.unixEpochJulian)
    }

    /// Year, month and day of this date.
    public var components: (year: Int, month: Int, day: Int) {
        let z = julian - Day.unixEpochJulian + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }

    /// ISO 8601 `YYYY-MM-DD`.
    public var iso: String {
        let c = components
        return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2)
    }

    /// `DD-MM-YYYY`, the Dutch way of writing a date in text (31-03-2025).
    public var dutch: String {
        let c = components
        return Day.pad(c.day, 2) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.year, 4)
    }

    public var description: String { iso }

    public static func < (a: Day, b: Day) -> Bool { a.julian < b.julian }
    public static func + (a: Day, days: Int) -> Day { Day(julian: a.julian + days) }
    public static func - (a: Day, days: Int) -> Day { Day(julian: a.julian - days) }
    /// Whole days from `b` to `a`, so the same day is 0.
    public static func - (a: Day, b: Day) -> Int { a.julian - b.julian }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DD` or the Dutch export form `DD-MM-YYYY`; nil for anything else.
    public init?(parsing text: String) {
        var bytes = Array(text.utf8)
        if let d = Day(bytes: &bytes) { self = d } else { return nil }
    }

    /// Parses exactly 10 ASCII bytes as `YYYY-MM-DD` or `DD-MM-YYYY` without building a String
    /// (the CSV hot path); nil for other lengths, other forms and impossible dates.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10 else { return nil }
        // Inlined: a load parses a few dates in every row.
        @inline(__always) func digits(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                let c = bytes[i] &- 0x30
                guard c < 10 else { return nil }
                v = v * 10 + Int(c)
            }
            return v
        }
        let dash: UInt8 = 0x2D
        if bytes[4] == dash, bytes[7] == dash,
           let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2) {
            guard let day = Day(year: y, month: m, day: d) else { return nil }
            self = day
        } else if bytes[2] == dash, bytes[5] == dash,
                  let d = digits(0, 2), let m = digits(3, 2), let y = digits(6, 4) {
            guard let day = Day(year: y, month: m, day: d) else { return nil }
            self = day
        } else {
            return nil
        }
    }

    private init?(bytes: inout [UInt8]) {
        guard let d = bytes.withUnsafeBufferPointer({ Day(bytes: $0) }) else { return nil }
        self = d
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
