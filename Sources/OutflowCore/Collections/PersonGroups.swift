// Per-person values stored flat, for millions of persons: values grouped by person id
// (a caregiver's children, a subject's care spells) and sets of person ids. One array
// per person, or a dictionary entry per person, would cost more than the values.

/// Values grouped by person id: the person ids in ascending order, where each person's
/// values start, and all values one after another (8 bytes a person plus the values).
public struct PersonGroups<Element: Sendable>: Sendable {
    // Readable by the inlinable lookups below: other targets call them in their hot loops,
    // and an unspecialised generic lookup retains every element it compares.
    @usableFromInline var persons: [Int32] = []
    @usableFromInline var starts: [Int32] = [0]
    @usableFromInline var values: [Element] = []

    public init() {}

    /// Groups `pairs` by person; within a person, values keep their order in `pairs`.
    public init(_ pairs: [(person: Int, value: Element)]) {
        values.reserveCapacity(pairs.count)
        if zip(pairs, pairs.dropFirst()).allSatisfy({ $0.person <= $1.person }) {
            for pair in pairs { append(person: pair.person, pair.value) }
        } else {
            for i in pairs.indices.sorted(by: { (pairs[$0].person, $0) < (pairs[$1].person, $1) }) { append(person: pairs[i].person, pairs[i].value) }
        }
    }

    /// Groups `values` by their `keys` (person ids in 0...maxKey, any order) with a counting
    /// sort: within a person, values keep their order. Memory: the values once more, plus
    /// 4 bytes per possible person id while grouping. Inlinable, so that the link stage in
    /// another target gets a copy specialised to its element type (unspecialised, every
    /// element moved asks the runtime for its type's metadata).
    @inlinable
    public init(keys: [Int32], values unordered: [Element], maxKey: Int) {
        precondition(keys.count == unordered.count, "PersonGroups: one key per value")
        let top = max(maxKey, Int(keys.max() ?? 0))
        var next = [Int32](repeating: 0, count: top + 2)
        for k in keys { next[Int(k) + 1] += 1 }
        let distinct = next.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        persons.reserveCapacity(distinct)
        starts.reserveCapacity(distinct + 1)
        for id in 0...top where next[id + 1] > 0 {
            persons.append(Int32(id))
            starts.append(starts.last! + next[id + 1])
        }
        for id in 0...top { next[id + 1] += next[id] }
        values = [Element](unsafeUninitializedCapacity: unordered.count) { buffer, initialized in
            for (k, value) in zip(keys, unordered) {
                (buffer.baseAddress! + Int(next[Int(k)])).initialize(to: value)
                next[Int(k)] += 1
            }
            initialized = unordered.count
        }
    }

    /// From a dictionary (tests and small inputs); persons in ascending order.
    public init(_ groups: [Int: [Element]]) {
        for person in groups.keys.sorted() { for value in groups[person]! { append(person: person, value) } }
    }

    /// Appends one value; persons must come in ascending order.
    private mutating func append(person: Int, _ value: Element) {
        if persons.last.map({ Int($0) }) != person {
            precondition(persons.last.map { Int($0) < person } ?? true, "PersonGroups: persons out of order")
            persons.append(Int32(person))
            starts.append(starts.last!)
        }
        values.append(value)
        starts[starts.count - 1] += 1
    }

    /// The values of one person, empty when the person has none.
    @inlinable
    public subscript(person: Int) -> ArraySlice<Element> {
        guard let k = persons.sortedIndex(of: person) else { return values[0..<0] }
        return values[Int(starts[k])..<Int(starts[k + 1])]
    }

    /// The persons with at least one value, ascending.
    @inlinable public var personIds: LazyMapSequence<[Int32], Int> { persons.lazy.map { Int($0) } }
    /// All values, person by person.
    @inlinable public var allValues: [Element] { values }
    @inlinable public var count: Int { values.count }
}

/// A set of person ids as a bitmap (person ids are small dense integers): 1 bit a person.
/// Iterates its members in ascending order.
public struct PersonSet: Sendable, Sequence {
    @usableFromInline var words: [UInt64]
    @usableFromInline var members = 0
    /// How many persons the set holds.
    @inlinable public var count: Int { members }

    /// An empty set for ids up to `maxId` (larger ids grow it).
    public init(maxId: Int = 0) { words = [UInt64](repeating: 0, count: maxId / 64 + 1) }

    /// The set of `persons`, sized for ids up to `maxId`. Inlinable, so that each caller's
    /// sequence type gets its own specialised copy.
    @inlinable
    public init(_ persons: some Sequence<Int>, maxId: Int = 0) {
        self.init(maxId: maxId)
        for person in persons { insert(person) }
    }

    @inlinable
    public mutating func insert(_ person: Int) {
        let w = person >> 6
        if w >= words.count { words += [UInt64](repeating: 0, count: w - words.count + 1) }
        let bit: UInt64 = 1 << UInt64(person & 63)
        if words[w] & bit == 0 { words[w] |= bit; members += 1 }
    }

    @inlinable
    public func contains(_ person: Int) -> Bool {
        let w = person >> 6
        return w < words.count && words[w] & (1 << UInt64(person & 63)) != 0
    }

    /// The members in ascending order.
    public var sorted: [Int] { Array(self) }
    public var underestimatedCount: Int { count }

    @inlinable public func makeIterator() -> Iterator { Iterator(words: words) }

    public struct Iterator: IteratorProtocol {
        @usableFromInline let words: [UInt64]
        @usableFromInline var w = 0
        @usableFromInline var bits: UInt64 = 0

        @inlinable
        init(words: [UInt64]) {
            self.words = words
            bits = words.first ?? 0
        }

        @inlinable
        public mutating func next() -> Int? {
            while bits == 0 {
                w += 1
                guard w < words.count else { return nil }
                bits = words[w]
            }
            let member = w << 6 + bits.trailingZeroBitCount
            bits &= bits - 1
            return member
        }
    }
}
