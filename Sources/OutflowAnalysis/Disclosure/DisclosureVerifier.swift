// The last line of defence before anything is written (docs/methods.md section 10): a
// verifier that checks every count of every analyst table against the protection its
// column declares. A failure is an internal error (exit 70) and nothing is published.

import OutflowCore

extension DisclosureProtection {
    /// Throws when a count cell is neither 0 nor a value its column's protection can produce.
    public func verify(_ table: PublishedTable) throws {
        var names = table.columns
        if let flag = table.flagIndex { names.remove(at: flag) }
        for (r, row) in table.rows.enumerated() {
            for (c, cell) in row.enumerated() {
                guard case .count(let n) = cell else { continue }
                let column = c < names.count ? names[c] : "?"
                let valid: Bool
                switch table.protection[column] {
                case .midpoint: valid = isMidpoint(n)
                case .rounded: valid = isRounded(n)
                case .derived: valid = n >= 0 || isOff
                case nil: valid = isOff
                }
                if !valid {
                    throw OutflowError(.internalError, "disclosure gate: \(table.name).csv row \(r + 2) column \(column) holds \(n), not a protected count (k = \(minCell), b = \(roundTo)); nothing was published")
                }
            }
        }
    }
}
