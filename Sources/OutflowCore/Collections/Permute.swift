// Applying a sort order to an array in place, for arrays too big to copy.

extension Array {
    /// Reorders in place so that the element at `order[k]` ends up at `k`, following the
    /// permutation's cycles (no second copy of the array).
    package mutating func permute(by order: [Int32]) {
        precondition(order.count == count, "permute: one position per element")
        var placed = PersonSet(maxId: count)
        for start in 0..<count where !placed.contains(start) {
            let first = self[start]
            var k = start
            while true {
                placed.insert(k)
                let from = Int(order[k])
                if from == start { self[k] = first; break }
                self[k] = self[from]
                k = from
            }
        }
    }
}
