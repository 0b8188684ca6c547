// Binary search over values kept in ascending order of an integer key (person ids, mostly),
// shared by the person groups, the audit's participant list and the episodes. It is not the
// project's only binary search: the Kaplan-Meier estimator keeps a private one
// (`partitionPoint`) over a predicate rather than a key.

extension RandomAccessCollection where Index == Int {
    /// The first index whose element's key is at least `value` (`endIndex` when none is); the
    /// elements must be in ascending order of `key`.
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
    package func sortedIndex(of value: Int) -> Int? {
        let k = lowerBound(value) { Int($0) }
        return k < count && Int(self[k]) == value ? k : nil
    }
}
