// Rows of the population source (the municipality's residents under the age limit from the
// BRP, an optional snapshot source): the contract of docs/delivery-contract.md (parsed on the
// reading thread) and the hand-over to `PopulationStaging` (`stg_population`). Parents named
// here become family links in the link stage.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Resident rows: parsing and the staging insert.
package struct PopulationRows: BatchedSourceRows {
    package static let columns = [
        ColumnSpec("pseudo_id", required: true), ColumnSpec("birth_year", required: true),
        ColumnSpec("birth_month"), ColumnSpec("sex"), ColumnSpec("district"),
        ColumnSpec("registered_from"), ColumnSpec("registered_until"), ColumnSpec("died"),
        ColumnSpec("parent1_pseudo_id"), ColumnSpec("parent2_pseudo_id"), ColumnSpec("key_id"),
    ]

    /// One checked resident, as staged.
    package typealias Values = StagedPopulation

    /// Checks one record against the contract.
    package struct Parser: RowParser {
        package init(config: PipelineConfig) {}
        package static let sexes = CodeList(Sex.allCases.map(\.name))

        package func parse(_ r: RecordView, _ context: inout ParseContext) throws -> Values {
            let pseudonym = try r.pseudonym(0)!
            let extraction = context.extractionDay?.components
            let birthYear = try r.integer(1, in: 1900...(extraction?.year ?? 9999))!
            let birthMonth = try r.integer(2, in: 1...12)
            let sex = try r.code(3, in: Self.sexes).map { Sex.allCases[$0] }
            let district = try r.text(4)
            let from = try r.day(5)
            let until = try r.day(6)
            let died = try r.day(7)
            let parent1 = try r.pseudonym(8)
            let parent2 = try r.pseudonym(9)
            // Born after the extraction date: a month later in the extraction year (a later
            // year is out of the birth year's range already).
            if let extraction, birthYear == extraction.year, let birthMonth, birthMonth > extraction.month {
                throw r.reject(.outOfRange, 2)
            }
            if let from {
                if let until, until < from { throw r.reject(.outOfRange, 6) }
                if let died, died < from { throw r.reject(.outOfRange, 7) }
            }
            try context.noteKeyId(r, column: 10)
            let personId = try context.personId(pseudonym, r, column: 0)
            let parent1Id = try parent1.map { try context.personId($0, r, column: 8) }
            let parent2Id = try parent2.map { try context.personId($0, r, column: 9) }
            try context.claim(r, column: 0) { $0.append(personId) }
            var hash = RowHash()
            hash.add(personId); hash.add(birthYear); hash.add(birthMonth); hash.add(sex?.rawValue); hash.add(district)
            hash.add(from?.julian); hash.add(until?.julian); hash.add(died?.julian); hash.add(parent1Id); hash.add(parent2Id)
            return Values(personId: personId, birthYear: birthYear, birthMonth: birthMonth, sex: sex, district: district,
                          registeredFrom: from, registeredUntil: until, died: died, parent1Id: parent1Id, parent2Id: parent2Id,
                          hash: hash.signed)
        }
    }

    /// The file's rows on their way into staging, in multi-row batches.
    package let staging: PopulationStaging

    package init(db: Database, fileId: Int, validFrom: Int?, config: PipelineConfig) throws {
        staging = PopulationStaging(db: db, fileId: fileId, validFrom: validFrom)
    }

    /// Looks the row's key and row hash up among the current versions.
    package func isCurrentVersion(_ v: Values, in match: VersionMatch) throws -> Bool { try match.matches(v) }
}
