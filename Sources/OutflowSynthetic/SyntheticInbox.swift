// A synthetic inbox: the deliveries of docs/delivery-contract.md (registrations, Ervaringwijzer
// answers, youth-care decisions, family links, and on request the population register with a
// comparison pool, docs/synthetic-data.md) for a made-up municipality, realistic enough
// that the cohort and outflow analysis has something to measure, for demos, tests and
// benchmarks. The same options give byte-identical files. People are generated one group at
// a time and streamed to open writers, so memory stays flat however many persons are asked.

import Foundation
import OutflowCore
import OutflowCSV

/// Writes a synthetic inbox for a given number of group participants.
public struct SyntheticInbox {
    /// What to generate.
    public struct Options: Sendable {
        /// Group participants, youth and caregivers together.
        public var persons: Int
        /// Picks the inbox; the same options give byte-identical files.
        public var seed: UInt64
        /// Extraction date of the newest deliveries.
        public var asOf: Day
        /// Malformed rows spread over the newest files (at most 5% of any file).
        public var badRows: Int
        /// Deliveries of each snapshot source, one calendar month apart, ending on `asOf`.
        public var snapshots: Int
        /// Also the population register (bevolking_*.csv) and its comparison pool, whose
        /// decisions are appended to the decisions files (`SyntheticRegister`).
        public var population: Bool
        /// The planted participation effect: the ratio of the two-year cumulative hazards of a
        /// first decision, caregivers' children over the pool (1: none).
        public var effect: Double

        /// Options for an inbox extracted on `asOf`; the defaults give a small demo inbox.
        public init(persons: Int = 300, seed: UInt64 = 1, asOf: Day, badRows: Int = 0, snapshots: Int = 1,
                    population: Bool = false, effect: Double = 0.7) {
            self.persons = persons
            self.seed = seed
            self.asOf = asOf
            self.badRows = badRows
            self.snapshots = snapshots
            self.population = population
            self.effect = effect
        }

        /// The largest `persons` the generator takes (it keeps person numbers unique).
        public static let maxPersons = 5_000_000
        /// The largest `snapshots`, two years of monthly deliveries.
        public static let maxSnapshots = 24

        /// Throws for values the generator cannot honour.
        public func validate() throws(SyntheticInboxError) {
            guard (1...Options.maxPersons).contains(persons) else {
                throw .invalidOption(name: "persons", reason: "must be between 1 and \(Options.maxPersons)")
            }
            guard (1...Options.maxSnapshots).contains(snapshots) else {
                throw .invalidOption(name: "snapshots", reason: "must be between 1 and \(Options.maxSnapshots)")
            }
            // About ten rows per participant across the newest files, of which 5% may be
            // malformed; one in ten participants keeps well clear of that.
            guard badRows >= 0, badRows <= persons / 10 else {
                throw .invalidOption(name: "badRows", reason: "must be between 0 and persons / 10 (\(persons / 10))")
            }
            guard effect >= 0.05, effect <= 20 else {
                throw .invalidOption(name: "effect", reason: "must be a hazard ratio between 0.05 and 20")
            }
        }
    }

    /// One written file.
    public struct FileSummary: Sendable, Equatable {
        /// The file name inside the inbox folder, e.g. `registraties_2025-03-31.csv`.
        public var name: String
        /// Data rows, the header not counted; a row with a line break inside quotes is one row.
        public var rows: Int
        /// Of those, the deliberately malformed ones.
        public var malformedRows: Int
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        /// Every file, oldest extraction first; per date registrations, questionnaire (if
        /// delivered that day), decisions, family, population (when asked for).
        public var files: [FileSummary]
    }

    /// Writes the inbox into `directory` (created when missing).
    ///
    /// `pseudonymise` maps a 9-digit citizen number (ASCII digits, elfproef-valid) to its
    /// 64-hex pseudonym; `keyId` is the 8-hex key id written in every file's key_id column.
    public static func write(to directory: String, options: Options,
                             keyId: String, pseudonymise: (String) -> String) throws -> Summary {
        try options.validate()
        guard keyId.utf8.count == 8, keyId.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw SyntheticInboxError.invalidKeyId(keyId)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var deliveries = try SyntheticDeliveries(
            directory: directory, extractions: extractionDates(asOf: options.asOf, count: options.snapshots),
            keyId: keyId, persons: options.persons, badRows: options.badRows, population: options.population)
        var population = SyntheticPopulation(seed: options.seed, asOf: options.asOf, participants: options.persons,
                                             population: options.population, effect: options.effect)
        var first = 0
        var number = 0
        while first < options.persons {
            let group = SyntheticGroup(seed: options.seed, number: number, asOf: options.asOf)
            let members = first..<min(options.persons, first + group.size)
            try population.generate(group, participants: members, into: &deliveries, pseudonymise: pseudonymise)
            first = members.upperBound
            number += 1
        }
        try population.finish(participants: options.persons, into: &deliveries, pseudonymise: pseudonymise)
        return Summary(files: try deliveries.finish())
    }

    /// Extraction dates one calendar month apart ending on `asOf`, oldest first; a day past
    /// the end of a shorter month becomes that month's last day (31 March, 28 February).
    package static func extractionDates(asOf: Day, count: Int) -> [Day] {
        let c = asOf.components
        return (0..<count).reversed().map { back in
            let months = c.year * 12 + (c.month - 1) - back
            let year = months / 12, month = months % 12 + 1
            return Day(year: year, month: month, day: min(c.day, Day.daysInMonth(year: year, month: month)))!
        }
    }
}

/// Options the synthetic inbox cannot honour.
public enum SyntheticInboxError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidOption(name: String, reason: String)
    case invalidKeyId(String)
    /// The newest files were too short to hold the asked malformed rows within 5%.
    case tooManyBadRows(planted: Int)

    public var description: String {
        switch self {
        case let .invalidOption(name, reason): return "invalid option \(name): \(reason)"
        case let .invalidKeyId(value): return "invalid key id '\(value)': expected 8 lowercase hex characters"
        case let .tooManyBadRows(planted):
            return "only \(planted) malformed rows fit in the newest files within 5% of each; ask for fewer"
        }
    }
}
