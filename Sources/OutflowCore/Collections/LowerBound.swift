// The project's binary search over values kept in ascending order of an integer key: person
// ids (person groups, the audit's participant list, the episodes) and days (the survival
// tally, Kaplan-Meier steps). Inlinable: callers in other targets search in hot loops, and an
// unspecialised generic search retains every element it compares.

extension RandomAccessCollection where Index == Int {
    /// The first index whose element's key is at least `value` (`endIndex` when none is); the
    /// elements must be in ascending order of `key`.
    @inlinable
    package func lowerBound(_ value: Int, key: (Element) -> Int) -> Int {
        var low = startIndex, high = endIndex
        while low < high {
            let mid = (low + high) / 2
            if key(self[mid]) < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension Array where Element: BinaryInteger {
    /// The index of `value` in this ascending array, nil when it is not there.
    @inlinable
    package func sortedIndex(of value: Int) -> Int? {
        let k = lowerBound(value) { Int($0) }
        return k < count && Int(self[k]) == value ? k : nil
    }
}
