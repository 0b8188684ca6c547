// The questionnaire instrument file (docs/pipeline-file.md): items, scale, bands and the roles
// each item is asked of. A new item is a change to that file, not to the code.

import Foundation

/// The Ervaringwijzer instrument: its items and answer scale.
public struct Instrument: Sendable {
    /// One Likert statement.
    public struct Item: Sendable, Equatable {
        public var code: String
        public var text: String
        public var roles: [Role]
        /// Whether persistence between waves is tabulated for this item.
        public var track: Bool
            package init(code: String, text: String, roles: [Role], track: Bool) {
            self.code = code
            self.text = text
            self.roles = roles
            self.track = track
        }
}

    /// Answer bands of the scale, as in the seed's Table 1.
    public enum Band: String, CaseIterable, Sendable, Comparable {
        case disagree, neutral, agree
        public static func < (a: Band, b: Band) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    public var name: String
    public var version: String
    public var scaleMin = 1
    public var scaleMax = 5
    public var bands: [Band: [Int]] = [.disagree: [1, 2], .neutral: [3], .agree: [4, 5]]
    public var items: [Item]

    /// The band of an answer, nil when the answer is outside every band.
    public func band(of answer: Int) -> Band? {
        Band.allCases.first { bands[$0]?.contains(answer) == true }
    }

    /// `band(of:)` for every answer from 0 to the top of the scale.
    public var bandTable: [Band?] { (0...max(scaleMax, 0)).map(band(of:)) }

    /// Items asked of `role`, in file order.
    public func items(for role: Role) -> [Item] { items.filter { $0.roles.contains(role) } }

    /// Reads and checks an instrument file; `subject` names it in messages (default
    /// `instrument file PATH`).
    public static func load(path: String, subject: String? = nil) throws -> Instrument {
        let subject = subject ?? "instrument file \(path)"
        guard FileManager.default.fileExists(atPath: path) else {
            throw OutflowError(.dataError, "\(subject): no such file")
        }
        let json = try JSONObject.parse(file: path, subject: subject)
        try json.rejectUnknownKeys(["name", "version", "scale", "items"])
        var instrument = Instrument(name: try json.string("name") ?? "instrument",
                                    version: try json.string("version") ?? "1", items: [])
        if let scale = try json.object("scale") {
            try scale.rejectUnknownKeys(["min", "max", "bands"])
            instrument.scaleMin = try scale.int("min") ?? 1
            instrument.scaleMax = try scale.int("max") ?? 5
            // Answers are stored one character each (`char(48 + answer)`), 0 meaning unanswered.
            guard (1...74).contains(instrument.scaleMin), (instrument.scaleMin...74).contains(instrument.scaleMax) else {
                throw scale.fail("min", "scale must run from min >= 1 to max <= 74 with min <= max")
            }
            if let bands = try scale.object("bands") {
                try bands.rejectUnknownKeys(Band.allCases.map(\.rawValue))
                for band in Band.allCases {
                    if let values = try bands.ints(band.rawValue) { instrument.bands[band] = values }
                }
            }
        }
        guard let items = try json.objects("items"), !items.isEmpty else { throw json.fail("items", "must list at least one item") }
        for item in items {
            try item.rejectUnknownKeys(["code", "text", "roles", "track"])
            let code = try item.requiredString("code")
            guard !code.isEmpty, code.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
                throw item.fail("code", "must be lowercase letters, digits and _")
            }
            guard !instrument.items.contains(where: { $0.code == code }) else { throw item.fail("code", "'\(code)' appears twice") }
            let roles = try (item.strings("roles") ?? ["jongere", "opvoeder"]).map { name in
                guard let role = Role(name: name) else { throw item.fail("roles", "has an unknown role '\(name)'") }
                return role
            }
            instrument.items.append(Item(code: code, text: try item.string("text") ?? code, roles: roles,
                                         track: try item.bool("track") ?? false))
        }
        return instrument
    }
    package init(name: String, version: String, scaleMin: Int = 1, scaleMax: Int = 5, bands: [Band: [Int]] = [.disagree: [1, 2], .neutral: [3], .agree: [4, 5]], items: [Item]) {
        self.name = name
        self.version = version
        self.scaleMin = scaleMin
        self.scaleMax = scaleMax
        self.bands = bands
        self.items = items
    }
}
