import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowPipeline
import OutflowSynthetic
import OutflowTestSupport

@Suite struct SyntheticInboxTests {
    static let asOf = Day(year: 2025, month: 3, day: 31)!
    static let keyId = "0a1b2c3d"

    // MARK: - Determinism

    @Test func sameSeedGivesIdenticalBytes() throws {
        let options = SyntheticInbox.Options(persons: 300, seed: 5, asOf: Self.asOf, badRows: 8, snapshots: 2)
        let first = try Inbox(options)
        let second = try Inbox(options)
        #expect(first.summary == second.summary)
        for file in first.summary.files {
            #expect(try first.bytes(file.name) == second.bytes(file.name), "\(file.name)")
        }
    }

    @Test func otherSeedGivesOtherBytes() throws {
        let first = try Inbox(.init(persons: 300, seed: 5, asOf: Self.asOf))
        let second = try Inbox(.init(persons: 300, seed: 6, asOf: Self.asOf))
        for name in ["registraties_2025-03-31.csv", "beschikkingen_2025-03-31.csv"] {
            #expect(try first.bytes(name) != second.bytes(name))
        }
    }

    // MARK: - Files and columns

    @Test func filesAreNamedForThePipelinePatternsOldestFirst() throws {
        let inbox = try Inbox(.init(persons: 300, asOf: Self.asOf, snapshots: 2))
        let names = [
            "registraties_2025-02-28.csv", "ervaringwijzer_2025-02-28.csv", "beschikkingen_2025-02-28.csv",
            "gezinsrelaties_2025-02-28.csv", "registraties_2025-03-31.csv", "ervaringwijzer_2025-03-31.csv",
            "beschikkingen_2025-03-31.csv", "gezinsrelaties_2025-03-31.csv",
        ]
        #expect(inbox.summary.files.map(\.name) == names)
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.directory).sorted() == names.sorted())
    }

    @Test func headersHoldTheContractColumnsAndKeyId() throws {
        let inbox = try Inbox(.init(persons: 300, asOf: Self.asOf))
        let registrations = try inbox.table("registraties_2025-03-31.csv")
        #expect(registrations.delimiter == UInt8(ascii: ";"))
        #expect(Set(registrations.header) == ["pseudo_id", "group_id", "group_type", "organisation", "role",
                                              "start_date", "end_date", "end_reason", "birth_year", "district", "key_id"])
        #expect(registrations.header.first != "pseudo_id")
        #expect(try inbox.table("beschikkingen_2025-03-31.csv").header == [
            "pseudo_id", "decision_id", "decision_date", "start_date", "end_date", "product_category",
            "product_code", "provider", "municipality", "change_reason", "key_id"])
        #expect(try inbox.table("gezinsrelaties_2025-03-31.csv").header ==
                ["parent_pseudo_id", "child_pseudo_id", "child_birth_year", "key_id"])
        #expect(try inbox.table("ervaringwijzer_2025-03-31.csv").header == [
            "pseudo_id", "group_id", "role", "wave", "completed_on", "at_ease", "listened_to",
            "applies_learning", "can_move_on", "contact_outside", "wait_acceptable", "knew_where_to_go",
            "co_designed", "learned_useful", "family_learned", "would_recommend", "toelichting", "key_id"])
    }

    @Test func everyRowCarriesTheKeyIdAndRowCountsMatchTheSummary() throws {
        let inbox = try Inbox(.init(persons: 500, asOf: Self.asOf, snapshots: 2))
        for file in inbox.summary.files {
            let table = try inbox.table(file.name)
            #expect(table.rows.count == file.rows, "\(file.name)")
            #expect(table.column("key_id").allSatisfy { $0 == Self.keyId }, "\(file.name)")
        }
    }

    // MARK: - Citizen numbers

    @Test func citizenNumbersPassTheElfproefAndNeverRepeat() throws {
        let inbox = try Inbox(.init(persons: 3000, seed: 11, asOf: Self.asOf))
        #expect(inbox.citizenNumbers.count > 3000)
        #expect(inbox.citizenNumbers.allSatisfy { Elfproef.isValid($0) })
        #expect(Set(inbox.citizenNumbers).count == inbox.citizenNumbers.count)
    }

    @Test func noCitizenNumberReachesAFile() throws {
        let inbox = try Inbox(.init(persons: 500, asOf: Self.asOf))
        let numbers = Set(inbox.citizenNumbers)
        for file in inbox.summary.files {
            let table = try inbox.table(file.name)
            #expect(!table.rows.contains { $0.contains(where: numbers.contains) }, "\(file.name)")
        }
    }

    // MARK: - Realism

    @Test func sharesOfYouthRunningAndRepeatEpisodesAreRealistic() throws {
        let inbox = try Inbox(.init(persons: 2000, seed: 3, asOf: Self.asOf))
        let registrations = try inbox.table("registraties_2025-03-31.csv")
        var roleOf: [String: String] = [:]
        var episodes: [String: Int] = [:]
        for row in registrations.rows {
            roleOf[row[registrations.index("pseudo_id")]] = row[registrations.index("role")]
            episodes[row[registrations.index("pseudo_id")], default: 0] += 1
        }
        #expect(roleOf.count == 2000)
        let youth = Double(roleOf.values.filter { $0 == "jongere" }.count) / 2000
        #expect(youth >= 0.10 && youth <= 0.25)
        let running = Double(registrations.column("end_date").filter(\.isEmpty).count) / Double(registrations.rows.count)
        #expect(running >= 0.03 && running <= 0.15)
        let repeats = Double(episodes.values.filter { $0 > 1 }.count) / 2000
        #expect(repeats >= 0.05 && repeats <= 0.15)
        let decisions = try inbox.table("beschikkingen_2025-03-31.csv")
        let perParticipant = Double(decisions.rows.count) / 2000
        #expect(perParticipant >= 1.5 && perParticipant <= 2.5)
        #expect(Set(decisions.column("decision_id")).count == decisions.rows.count)
    }

    @Test func questionnaireNeverCompletedAfterAsOfAndSkipsItemsNotAskedOfTheRole() throws {
        let inbox = try Inbox(.init(persons: 2000, asOf: Self.asOf))
        let answers = try inbox.table("ervaringwijzer_2025-03-31.csv")
        #expect(answers.rows.count > 500)
        #expect(answers.column("completed_on").allSatisfy { Day(parsing: $0)! <= Self.asOf })
        for row in answers.rows {
            let role = row[answers.index("role")]
            let notAsked = role == "jongere" ? "family_learned" : "learned_useful"
            #expect(row[answers.index(notAsked)].isEmpty)
            #expect(!row[answers.index("group_id")].isEmpty)
        }
    }

    // MARK: - Snapshots

    @Test func eachSnapshotKeepsAtLeastNinetyPercentOfTheOther() throws {
        let inbox = try Inbox(.init(persons: 1000, asOf: Self.asOf, snapshots: 3))
        for source in ["registraties", "beschikkingen", "gezinsrelaties"] {
            let rows = inbox.summary.files.filter { $0.name.hasPrefix(source + "_") }.map(\.rows)
            #expect(rows.count == 3)
            for (older, newer) in zip(rows, rows.dropFirst()) {
                #expect(newer * 10 >= older * 9, "\(source)")
                #expect(older * 10 >= newer * 9, "\(source)")
            }
        }
    }

    @Test func olderSnapshotShowsOnlyWhatWasKnownThen() throws {
        let inbox = try Inbox(.init(persons: 1000, asOf: Self.asOf, snapshots: 2))
        let then = Day(year: 2025, month: 2, day: 28)!
        let registrations = try inbox.table("registraties_2025-02-28.csv")
        #expect(registrations.column("start_date").allSatisfy { Day(parsing: $0)! <= then })
        #expect(registrations.column("end_date").allSatisfy { $0.isEmpty || Day(parsing: $0)! <= then })
        let decisions = try inbox.table("beschikkingen_2025-02-28.csv")
        #expect(decisions.column("decision_date").allSatisfy { Day(parsing: $0)! <= then })
    }

    @Test func questionnaireKeysAreDeliveredOnce() throws {
        let inbox = try Inbox(.init(persons: 2000, asOf: Self.asOf, snapshots: 2))
        let then = Day(year: 2025, month: 2, day: 28)!
        let older = try inbox.table("ervaringwijzer_2025-02-28.csv")
        let newer = try inbox.table("ervaringwijzer_2025-03-31.csv")
        #expect(older.column("completed_on").allSatisfy { Day(parsing: $0)! <= then })
        #expect(newer.column("completed_on").allSatisfy { Day(parsing: $0)! > then })
        var keys = Set<String>()
        for table in [older, newer] {
            for row in table.rows {
                let key = row[table.index("pseudo_id")] + "|" + row[table.index("wave")] + "|" + row[table.index("group_id")]
                #expect(keys.insert(key).inserted)
            }
        }
    }

    @Test func extractionDatesStepBackByCalendarMonth() {
        let dates = SyntheticInbox.extractionDates(asOf: Self.asOf, count: 3).map(\.iso)
        #expect(dates == ["2025-01-31", "2025-02-28", "2025-03-31"])
    }

    // MARK: - Malformed rows

    @Test func plantsExactlyTheAskedMalformedRowsWithinFivePercentOfEachNewestFile() throws {
        let inbox = try Inbox(.init(persons: 2000, asOf: Self.asOf, badRows: 40, snapshots: 2))
        #expect(inbox.summary.files.map(\.malformedRows).reduce(0, +) == 40)
        for file in inbox.summary.files {
            #expect(file.malformedRows * 20 <= file.rows, "\(file.name)")
            if file.name.hasSuffix("2025-02-28.csv") { #expect(file.malformedRows == 0, "\(file.name)") }
        }
    }

    @Test func plantsEveryKindOfMalformedRow() throws {
        let inbox = try Inbox(.init(persons: 2000, asOf: Self.asOf, badRows: 16))
        let registrations = try inbox.table("registraties_2025-03-31.csv")
        let answers = try inbox.table("ervaringwijzer_2025-03-31.csv")
        let decisions = try inbox.table("beschikkingen_2025-03-31.csv")
        let family = try inbox.table("gezinsrelaties_2025-03-31.csv")
        let impossibleDate = registrations.column("start_date").contains("31-02-2024")
        let unknownCategory = decisions.column("product_category").contains("99")
        let badWave = answers.column("wave").contains("25")
        let missingValue = registrations.column("role").contains("") || answers.column("completed_on").contains("")
            || decisions.column("start_date").contains("") || family.column("child_pseudo_id").contains("")
        let endBeforeStart = registrations.rows.contains { row in
            guard let start = Day(parsing: row[registrations.index("start_date")]),
                  let end = Day(parsing: row[registrations.index("end_date")]) else { return false }
            return end < start
        }
        let newest = [registrations, answers, decisions, family]
        let extraField = newest.contains { table in table.rows.contains { $0.count == table.header.count + 1 } }
        let shortPseudonym = newest.contains { table in table.rows.contains { $0.contains { $0.utf8.count == 63 } } }
        let duplicate = newest.contains { table in Set(table.rows).count < table.rows.count }
        #expect(impossibleDate && unknownCategory && badWave && missingValue)
        #expect(endBeforeStart && extraField && shortPseudonym && duplicate)
    }

    @Test func rejectsOptionsItCannotHonour() {
        #expect(throws: SyntheticInboxError.invalidOption(name: "badRows", reason: "must be between 0 and persons / 10 (30)")) {
            _ = try Inbox(.init(persons: 300, asOf: Self.asOf, badRows: 31))
        }
        #expect(throws: SyntheticInboxError.invalidKeyId("0A1B2C3D")) {
            _ = try Inbox(.init(persons: 300, asOf: Self.asOf), keyId: "0A1B2C3D")
        }
    }

    // MARK: - The population register

    @Test func thePopulationChangesNoOtherFileButAppendsThePoolsDecisions() throws {
        let plain = try Inbox(.init(persons: 300, seed: 5, asOf: Self.asOf, badRows: 8, snapshots: 2))
        let with = try Inbox(.init(persons: 300, seed: 5, asOf: Self.asOf, badRows: 8, snapshots: 2, population: true))
        #expect(with.summary.files.map(\.name) == plain.summary.files.flatMap { file in
            file.name.hasPrefix("gezinsrelaties_") ? [file.name, file.name.replacingOccurrences(of: "gezinsrelaties_", with: "bevolking_")] : [file.name]
        })
        for file in plain.summary.files {
            let before = try plain.bytes(file.name), after = try with.bytes(file.name)
            if file.name.hasPrefix("beschikkingen_") {
                #expect(after.count > before.count && after.prefix(before.count) == before, "\(file.name)")
            } else {
                #expect(after == before, "\(file.name)")
            }
        }
        let newest = try with.table("bevolking_2025-03-31.csv")
        #expect(newest.header == ["pseudo_id", "birth_year", "birth_month", "sex", "district", "registered_from", "registered_until",
                                  "died", "parent1_pseudo_id", "parent2_pseudo_id", "key_id"])
        #expect(newest.rows.count >= SyntheticRegister.poolPerParticipant * 300)
        #expect(Set(newest.column("pseudo_id")).count == newest.rows.count)
        #expect(with.summary.files.allSatisfy { $0.malformedRows == 0 || !$0.name.hasPrefix("bevolking_") })
    }

    @Test func populationRowsKeepTheContractAndCoverTheParticipants() throws {
        let inbox = try Inbox(.init(persons: 1000, seed: 3, asOf: Self.asOf, snapshots: 2, population: true))
        let then = Day(year: 2025, month: 2, day: 28)!
        for (name, day) in [("bevolking_2025-02-28.csv", then), ("bevolking_2025-03-31.csv", Self.asOf)] {
            let table = try inbox.table(name)
            for row in table.rows {
                let year = Int(row[table.index("birth_year")])!, month = Int(row[table.index("birth_month")])!
                #expect((year, month) <= (day.year, day.components.month) && year >= 1997)
                #expect(["M", "V", "X"].contains(row[table.index("sex")]))
                let from = Day(parsing: row[table.index("registered_from")])
                for column in ["registered_until", "died"] {
                    guard let date = Day(parsing: row[table.index(column)]) else { continue }
                    #expect(date <= day && from.map { date >= $0 } ?? true, "\(column) \(row)")
                }
                for column in ["parent1_pseudo_id", "parent2_pseudo_id"] {
                    #expect(row[table.index(column)].isEmpty || row[table.index(column)].utf8.count == 64)
                }
            }
        }
        let residents = try inbox.table("bevolking_2025-03-31.csv")
        let known = Set(residents.column("pseudo_id"))
        let registrations = try inbox.table("registraties_2025-03-31.csv")
        let youth = Set(registrations.rows.filter { $0[registrations.index("role")] == "jongere" }.map { $0[registrations.index("pseudo_id")] })
        #expect(youth.isSubset(of: known))
        // Caregivers' children are there (the adult ones born before 1997 excepted), with the
        // caregiver as a parent; the register holds two parents, so a third caregiver who shares
        // children already shared (now and then in the family links) is missing there.
        let links = try inbox.table("gezinsrelaties_2025-03-31.csv")
        let caregivers = Set(registrations.rows.filter { $0[registrations.index("role")] == "opvoeder" }.map { $0[registrations.index("pseudo_id")] })
        let parentsOf = Dictionary(grouping: residents.rows, by: { $0[0] }).mapValues { rows in
            Set(rows.flatMap { [$0[residents.index("parent1_pseudo_id")], $0[residents.index("parent2_pseudo_id")]] })
        }
        var linked = 0, found = 0
        for link in links.rows where caregivers.contains(link[0]) && (Int(link[2]) ?? 2010) >= 1997 {
            linked += 1
            if parentsOf[link[1]]?.contains(link[0]) == true { found += 1 }
        }
        #expect(linked > 1000 && found * 100 >= linked * 99, "\(found) of \(linked)")
        // Some moved out, a few died, some settled later.
        #expect(residents.column("registered_until").filter { !$0.isEmpty }.count * 20 > residents.rows.count)
        #expect(residents.column("died").filter { !$0.isEmpty }.count > 5)
        #expect(residents.column("registered_from").filter { !$0.isEmpty }.count * 20 > residents.rows.count)
    }

    @Test func careComesAtTheBaseRateAndThePlantedEffectAfterExposure() throws {
        // 8% a year: lambda = -ln(0.92) / 365.25 per day.
        #expect(abs(SyntheticDecisions.baseRatePerDay - (-Foundation.log(0.92) / 365.25)) < 1e-18)
        #expect(abs(SyntheticDecisions.baseRatePerDay * 365.25 - 0.083382) < 1e-6)
        for x in [1e-300, 0.001, 0.3, 0.5, 0.892, 0.999999, 1] {
            #expect(abs(DeterministicMath.log(x) - Foundation.log(x)) <= 4e-16 * max(1, abs(Foundation.log(x))), "\(x)")
        }
        // 4,000 children followed 1,000 days, exposed from day 500 on with effect 0.5: about
        // 4,000 * 500 * lambda = 456.6 care spells before the exposure and half that after.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("care-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var deliveries = try SyntheticDeliveries(directory: directory, extractions: [Self.asOf], keyId: Self.keyId, persons: 0, badRows: 0)
        var decisions = SyntheticDecisions(seed: 9, asOf: Self.asOf, effect: 0.5)
        var random = SeededRandom(seed: 9, stream: 1)
        let first = Day(year: 2020, month: 1, day: 1)!, exposure = first + 500
        for i in 0..<4000 {
            try decisions.child(P(i + 1), window: first...(first + 999), exposedFrom: exposure, random: &random, into: &deliveries)
        }
        _ = try deliveries.finish()
        let reader = try CSVReader(path: directory + "/beschikkingen_2025-03-31.csv")
        let header = try reader.readHeader()
        var before = 0, after = 0
        while try reader.next() {
            let reason = reader.string(at: header.firstIndex(of: "change_reason")!)
            let category = Int(reader.string(at: header.firstIndex(of: "product_category")!))!
            let start = Day(parsing: reader.string(at: header.firstIndex(of: "start_date")!))!
            guard reason.isEmpty, ProductCategory.individualYouthCare.contains(category), start <= first + 999 else { continue }
            #expect(start >= first)
            if start < exposure { before += 1 } else { after += 1 }
        }
        // Four Poisson standard deviations (21 and 15).
        #expect(abs(before - 457) < 85, "\(before) spells before exposure")
        #expect(abs(after - 228) < 60, "\(after) spells after exposure")
    }

    @Test func childhoodRunsFromTheYearAfterBirthToTheEndOfTheEighteenthBirthdayYear() {
        let decisions = SyntheticDecisions(seed: 1, asOf: Self.asOf)
        let around = Day(year: 2022, month: 6, day: 1)!
        #expect(decisions.childhood(birthYear: 2010, around: around) == Day(year: 2015, month: 1, day: 1)!...(Self.asOf + 45))
        #expect(decisions.childhood(birthYear: 2005, around: around) == Day(year: 2015, month: 1, day: 1)!...Day(year: 2023, month: 12, day: 31)!)
        #expect(decisions.childhood(birthYear: 2020, around: around) == Day(year: 2021, month: 1, day: 1)!...(Self.asOf + 45))
        #expect(decisions.childhood(birthYear: 1990, around: around) == nil)
        #expect(decisions.childhood(birthYear: nil, around: around) == (around - 1461)...(Self.asOf + 45))
    }

    // MARK: - Helpers

    /// A generated inbox in its own temporary folder, with the citizen numbers handed to
    /// the pseudonymiser; the folder is removed when the value is dropped.
    final class Inbox {
        let directory: String
        let summary: SyntheticInbox.Summary
        let citizenNumbers: [String]

        init(_ options: SyntheticInbox.Options, keyId: String = SyntheticInboxTests.keyId) throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("synthetic-inbox-\(UUID().uuidString)").path
            var numbers: [String] = []
            // Spells each digit after an `a`, so a pseudonym never holds a citizen number.
            summary = try SyntheticInbox.write(to: directory, options: options, keyId: keyId) { number in
                numbers.append(number)
                return number.map { "a\($0)" }.joined() + String(repeating: "e", count: 46)
            }
            citizenNumbers = numbers
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func bytes(_ name: String) throws -> Data {
            try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }

        func text(_ name: String) throws -> String {
            try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        }

        func table(_ name: String) throws -> Table {
            let reader = try CSVReader(path: directory + "/" + name)
            let header = try reader.readHeader()
            var rows: [[String]] = []
            while try reader.next() { rows.append((0..<reader.count).map { reader.string(at: $0) }) }
            return Table(delimiter: reader.delimiter, header: header, rows: rows)
        }
    }

    struct Table {
        let delimiter: UInt8
        let header: [String]
        let rows: [[String]]

        func index(_ column: String) -> Int { header.firstIndex(of: column)! }
        func column(_ name: String) -> [String] { rows.map { $0[index(name)] } }
    }
}
