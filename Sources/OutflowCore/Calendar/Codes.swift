// The small code lists of the delivery contract (docs/delivery-contract.md): roles, end reasons, the
// iJw product categories (JZ020 release 3.2 plus legacy 2015 codes) and their built-in
// sets, and the change reasons the analysis treats specially. Stored as small integers.

/// A participant's role in a group.
public enum Role: Int, CaseIterable, Sendable, Comparable {
    case jongere = 1
    case opvoeder = 2

    public init?(name: String) {
        switch name.lowercased() {
        case "jongere": self = .jongere
        case "opvoeder": self = .opvoeder
        default: return nil
        }
    }

    public var name: String { self == .jongere ? "jongere" : "opvoeder" }

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
}

/// Why a participation episode ended.
public enum EndReason: Int, CaseIterable, Sendable {
    case afgerond = 1, voortijdig = 2, verwezen = 3, onbekend = 4

    public init?(name: String) {
        guard let match = EndReason.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = match
    }

    public var name: String {
        switch self {
        case .afgerond: return "afgerond"
        case .voortijdig: return "voortijdig"
        case .verwezen: return "verwezen"
        case .onbekend: return "onbekend"
        }
    }
}

/// Sex as the BRP registers it (geslachtsaanduiding): man, vrouw, onbekend.
public enum Sex: Int, CaseIterable, Sendable {
    case m = 1, v = 2, x = 3

    /// The code as `name` gives it: `M`, `V` or `X`.
    public init?(name: String) {
        guard let match = Sex.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public var name: String {
        switch self {
        case .m: return "M"
        case .v: return "V"
        case .x: return "X"
        }
    }
}

/// iJw product categories (JZ020) and their built-in sets.
public enum ProductCategory {
    /// Meaning and built-in set of every accepted code.
    public static let meanings: [Int: (meaning: String, set: String)] = [
        31: ("zonder verblijf, wijk- of buurtteam (legacy)", "none"),
        32: ("ambulant (legacy)", "individual-youth-care"),
        33: ("daghulp (legacy)", "individual-youth-care"),
        34: ("netwerk (legacy)", "individual-youth-care"),
        35: ("pleegzorg (legacy)", "individual-youth-care"),
        36: ("gezinsgericht (legacy)", "individual-youth-care"),
        37: ("gesloten (legacy)", "individual-youth-care"),
        38: ("overig residentieel (legacy)", "individual-youth-care"),
        40: ("persoonlijke verzorging", "individual-youth-care"),
        41: ("dagbehandeling", "individual-youth-care"),
        42: ("vervoerdiensten", "ancillary"),
        43: ("jeugdhulp verblijf (incl. behandeling)", "individual-youth-care"),
        44: ("jeugdhulp verblijf (excl. behandeling)", "individual-youth-care"),
        45: ("jeugdhulp ambulant", "individual-youth-care"),
        46: ("jeugdhulp crisis", "individual-youth-care"),
        47: ("jeugdreclassering", "justice"),
        48: ("jeugdbescherming", "justice"),
        49: ("activiteiten in het preventief justitieel kader", "justice"),
        50: ("maatwerkarrangementen jeugd", "individual-youth-care"),
        51: ("generalistische basis-ggz", "individual-youth-care"),
        52: ("specialistische ggz", "individual-youth-care"),
        53: ("kindergeneeskunde", "individual-youth-care"),
        54: ("jeugd-ggz", "individual-youth-care"),
        55: ("landelijk ingekochte zorg", "individual-youth-care"),
    ]

    /// The built-in sets a pipeline may name in `outcome.productCategories`.
    public static let builtInSets: [String: Set<Int>] = {
        var sets: [String: Set<Int>] = [:]
        for (code, entry) in meanings where entry.set != "none" { sets[entry.set, default: []].insert(code) }
        return sets
    }()

    /// The default outcome set.
    public static var individualYouthCare: Set<Int> { builtInSets["individual-youth-care"]! }
}

/// iJw change reasons (JZ002) with a meaning for the analysis.
public enum ChangeReason {
    /// An extension (verlenging): never a new outflow event.
    public static let extension_ = 4
    /// Withdrawn (verwijderd): treated as never sent, excluded from all analysis.
    public static let withdrawn = 13
}
