// The population source's residents in force at the cut-off, one per person (the source's
// key), kept column by column in ascending order of person id: 22 bytes a resident, with each
// district text stored once. A municipality's register holds a million children and the
// comparison reads all of them, so a `Resident` value (32 bytes) is only made when asked for.

import OutflowCore

public struct Residents: Sendable {
    private var persons: [Int32] = []
    private var years: [Int16] = []
    private var months: [UInt8] = []
    private var sexes: [UInt8] = []
    /// 0: no district; k: `districtNames[k - 1]`.
    private var districtCodes: [UInt16] = []
    private var districtNames: [String] = []
    private var from: [Day] = [], until: [Day] = [], death: [Day] = []

    private static let none = Day(julian: Int(Int32.min))

    public init() {}

    /// Residents by person id (tests and small inputs).
    public init(_ residents: [Int: Resident]) {
        var builder = Builder(capacity: residents.count)
        for (person, resident) in residents { builder.append(person: Int32(person), resident) }
        self = builder.build()
    }

    /// How many residents there are.
    public var count: Int { persons.count }
    /// Their person ids in ascending order.
    public var personIds: LazyMapSequence<[Int32], Int> { persons.lazy.map { Int($0) } }
    /// Whether any resident has a district.
    public var anyDistrict: Bool { !districtNames.isEmpty }

    /// The position of `person` among the residents (0..<count), nil when not a resident.
    public func position(of person: Int) -> Int? { persons.sortedIndex(of: person) }

    /// The person id of the resident at `position` (0..<count).
    public func personId(at position: Int) -> Int { Int(persons[position]) }

    /// The resident `person`, nil when the source has no row for them.
    public subscript(person: Int) -> Resident? {
        position(of: person).map { self[position: $0] }
    }

    /// The resident at `position` (0..<count).
    public subscript(position k: Int) -> Resident {
        Resident(birthYear: Int(years[k]), birthMonth: months[k] == 0 ? nil : Int(months[k]), sex: Sex(rawValue: Int(sexes[k])),
                 district: districtCodes[k] == 0 ? nil : districtNames[Int(districtCodes[k]) - 1],
                 registeredFrom: from[k] == Self.none ? nil : from[k], movedOut: until[k] == Self.none ? nil : until[k],
                 died: death[k] == Self.none ? nil : death[k])
    }

    /// Collects residents in any order of person; `build` puts them in order.
    public struct Builder {
        private var residents = Residents()
        private var codeOfDistrict: [String: UInt16] = [:]

        public init(capacity: Int) {
            residents.persons.reserveCapacity(capacity)
            residents.years.reserveCapacity(capacity)
            residents.months.reserveCapacity(capacity)
            residents.sexes.reserveCapacity(capacity)
            residents.districtCodes.reserveCapacity(capacity)
            residents.from.reserveCapacity(capacity)
            residents.until.reserveCapacity(capacity)
            residents.death.reserveCapacity(capacity)
        }

        /// Adds one resident; a person given twice keeps the first.
        public mutating func append(person: Int32, _ r: Resident) {
            residents.persons.append(person)
            residents.years.append(Int16(clamping: r.birthYear))
            residents.months.append(UInt8(clamping: r.birthMonth ?? 0))
            residents.sexes.append(UInt8(clamping: r.sex?.rawValue ?? 0))
            let district = r.district.map { code($0) } ?? 0
            residents.districtCodes.append(district)
            residents.from.append(r.registeredFrom ?? Residents.none)
            residents.until.append(r.movedOut ?? Residents.none)
            residents.death.append(r.died ?? Residents.none)
        }

        /// A district's code; past 65,535 distinct districts (no municipality has that many) the
        /// rest share the last code's text rather than wrap.
        private mutating func code(_ district: String) -> UInt16 {
            if let known = codeOfDistrict[district] { return known }
            guard residents.districtNames.count < Int(UInt16.max) else { return UInt16.max }
            residents.districtNames.append(district)
            let code = UInt16(residents.districtNames.count)
            codeOfDistrict[district] = code
            return code
        }

        /// The residents in ascending order of person id (the first row of a person given
        /// twice), put in order by one slot per possible person id up to `maxKey` (4 bytes each,
        /// while building): cheaper than comparing a million pairs.
        public func build(maxKey: Int = 0) -> Residents {
            var r = residents
            let persons = r.persons
            guard !zip(persons, persons.dropFirst()).allSatisfy({ $0 < $1 }) else { return r }
            var row = [Int32](repeating: -1, count: max(maxKey, Int(persons.max() ?? 0)) + 1)
            for (k, person) in persons.enumerated().reversed() { row[Int(person)] = Int32(k) }
            let order = row.filter { $0 >= 0 }
            row = []
            r.persons = order.map { persons[Int($0)] }
            r.years = order.map { r.years[Int($0)] }
            r.months = order.map { r.months[Int($0)] }
            r.sexes = order.map { r.sexes[Int($0)] }
            r.districtCodes = order.map { r.districtCodes[Int($0)] }
            r.from = order.map { r.from[Int($0)] }
            r.until = order.map { r.until[Int($0)] }
            r.death = order.map { r.death[Int($0)] }
            return r
        }
    }
}
