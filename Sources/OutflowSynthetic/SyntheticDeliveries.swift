// The open delivery files of a synthetic inbox and the routing of each generated row to
// them: a snapshot source gets one file per extraction date showing what was known then,
// the questionnaire (an append source) one file per delivery holding only the answers
// completed since the delivery before. Malformed rows go to the newest files only.

import OutflowCore
import OutflowCSV

/// One delivery file being written, with its counts and the flaws still to plant in it.
package struct DeliveryFile {
    package let name: String
    package let writer: CSVWriter
    package private(set) var goodRows = 0
    package private(set) var malformedRows = 0
    private var flaws: FlawQueue

    package init(directory: String, name: String, delimiter: UInt8, header: [String],
         flaws: [InboxFlaw], expectedRows: Int) throws {
        self.name = name
        writer = try CSVWriter(path: directory + "/" + name, delimiter: delimiter)
        try writer.write(row: header)
        self.flaws = FlawQueue(flaws, expectedRows: expectedRows)
    }

    /// Writes one row through `body`, planting the next flaw in it when one is due.
    package mutating func write(_ body: (CSVWriter, InboxFlaw?) throws -> Void) throws {
        let flaw = flaws.next(afterGoodRows: goodRows)
        switch flaw {
        case nil:
            try body(writer, nil)
            goodRows += 1
        case .duplicateKey:
            try body(writer, nil)
            try body(writer, nil)
            goodRows += 1
            malformedRows += 1
        case let flaw?:
            try body(writer, flaw)
            malformedRows += 1
        }
    }

    /// Whether one more malformed row keeps the file within the 5% limit.
    package var hasRoomForFlaw: Bool {
        (malformedRows + 1) * InboxFlaw.minimumSpacing <= goodRows + malformedRows + 1
    }

    /// Writes a malformed row at the end of the file, past the planned spacing.
    package mutating func plant(_ flaw: InboxFlaw, _ body: (CSVWriter, InboxFlaw?) throws -> Void) throws {
        try body(writer, flaw == .duplicateKey ? nil : flaw)
        malformedRows += 1
    }

    package mutating func takeLeftoverFlaws() -> [InboxFlaw] { flaws.takeLeftovers() }

    package var summary: SyntheticInbox.FileSummary {
        SyntheticInbox.FileSummary(name: name, rows: goodRows + malformedRows, malformedRows: malformedRows)
    }
}

/// All delivery files of one inbox, and the rule of which rows each extract holds.
package struct SyntheticDeliveries {
    /// Extraction dates, oldest first; the last is the options' `asOf`.
    package let extractions: [Day]
    private let keyId: String
    private var registrations: [DeliveryFile] = []
    private var decisions: [DeliveryFile] = []
    private var family: [DeliveryFile] = []
    /// One file, or two when there are older extractions: answers completed up to the
    /// oldest extraction, then those completed after it.
    private var questionnaire: [DeliveryFile] = []
    /// The population register's extracts, one per extraction date; empty unless asked for.
    private var population: [DeliveryFile] = []
    // The last rows of the newest files, to bend into malformed rows at the end when a file
    // turned out too short to hold its planned flaws at their spacing.
    private var lastRegistration: RegistrationRow?
    private var lastDecision: DecisionRow?
    private var lastLink: FamilyLink?
    private var lastAnswer: AnswerRow?

    package init(directory: String, extractions: [Day], keyId: String, persons: Int, badRows: Int, population: Bool = false) throws {
        self.extractions = extractions
        self.keyId = keyId
        // Rows per participant in the newest files, on the low side of what the generator
        // writes, so each file's flaws are planted in time and within its 5%.
        let splitQuestionnaire = extractions.count > 1
        func expectedRows(_ source: SourceKind) -> Int {
            switch source {
            case .registrations: return persons * 9 / 10
            case .questionnaire: return splitQuestionnaire ? persons / 50 : persons * 6 / 10
            case .decisions: return persons * 3 / 2
            case .family: return persons * 17 / 10
            case .population: return 0
            }
        }
        let plan = InboxFlaw.plan(count: badRows, expectedRows: expectedRows)
        func newFile(_ source: SourceKind, _ prefix: String, _ day: Day, delimiter: UInt8, header: [String],
                     newest: Bool) throws -> DeliveryFile {
            try DeliveryFile(directory: directory, name: "\(prefix)_\(day.iso).csv", delimiter: delimiter, header: header,
                             flaws: newest ? plan.filter { $0.source == source }.map(\.flaw) : [],
                             expectedRows: expectedRows(source))
        }
        let comma = UInt8(ascii: ",")
        for (index, day) in extractions.enumerated() {
            let newest = index == extractions.count - 1
            registrations.append(try newFile(.registrations, "registraties", day, delimiter: UInt8(ascii: ";"),
                                             header: RegistrationRow.header, newest: newest))
            if index == 0 || newest {
                questionnaire.append(try newFile(.questionnaire, "ervaringwijzer", day, delimiter: comma,
                                                 header: AnswerRow.header, newest: newest))
            }
            decisions.append(try newFile(.decisions, "beschikkingen", day, delimiter: comma,
                                         header: DecisionRow.header, newest: newest))
            family.append(try newFile(.family, "gezinsrelaties", day, delimiter: comma,
                                      header: FamilyLink.header, newest: newest))
            if population {
                self.population.append(try newFile(.population, "bevolking", day, delimiter: comma,
                                                   header: PopulationRow.header, newest: newest))
            }
        }
    }

    // MARK: - Rows

    package mutating func add(_ row: RegistrationRow) throws {
        for (index, day) in extractions.enumerated() where row.isKnown(on: day) {
            try registrations[index].write { try row.write(to: $0, extractedOn: day, keyId: keyId, flaw: $1) }
        }
        if row.isKnown(on: extractions[extractions.count - 1]) { lastRegistration = row }
    }

    package mutating func add(_ row: DecisionRow) throws {
        let newest = extractions.count - 1
        for (index, day) in extractions.enumerated() where row.isKnown(on: day, newest: index == newest) {
            try decisions[index].write { try row.write(to: $0, extractedOn: day, keyId: keyId, flaw: $1) }
        }
        if row.isKnown(on: extractions[newest], newest: true) { lastDecision = row }
    }

    package mutating func add(_ row: FamilyLink) throws {
        for (index, day) in extractions.enumerated() where row.isKnown(on: day) {
            try family[index].write { try row.write(to: $0, keyId: keyId, flaw: $1) }
        }
        if row.isKnown(on: extractions[extractions.count - 1]) { lastLink = row }
    }

    package mutating func add(_ row: PopulationRow) throws {
        for (index, day) in extractions.enumerated() where row.isKnown(on: day) {
            try population[index].write { writer, _ in try row.write(to: writer, extractedOn: day, keyId: keyId) }
        }
    }

    /// Adds a questionnaire to the delivery that first holds it; answers completed after
    /// the extraction date are not delivered yet.
    package mutating func add(_ row: AnswerRow) throws {
        guard row.completed <= extractions[extractions.count - 1] else { return }
        let index = row.completed <= extractions[0] ? 0 : questionnaire.count - 1
        try questionnaire[index].write { try row.write(to: $0, keyId: keyId, flaw: $1) }
        if index == questionnaire.count - 1 { lastAnswer = row }
    }

    // MARK: - Finishing

    /// Plants the flaws the newest files did not reach, closes every file and lists them,
    /// oldest extraction first.
    package mutating func finish() throws -> [SyntheticInbox.FileSummary] {
        try plantLeftoverFlaws()
        var files: [DeliveryFile] = []
        for index in extractions.indices {
            files.append(registrations[index])
            if index == 0 { files.append(questionnaire[0]) }
            if index > 0, index == extractions.count - 1 { files.append(questionnaire[1]) }
            files.append(decisions[index])
            files.append(family[index])
            if !population.isEmpty { files.append(population[index]) }
        }
        for file in files { try file.writer.close() }
        return files.map(\.summary)
    }

    /// Each leftover goes at the end of the first newest file, its own first, that can carry
    /// it within the 5% limit; a kind its new file cannot carry becomes an extra field.
    private mutating func plantLeftoverFlaws() throws {
        let newest = extractions.count - 1
        var leftovers: [(flaw: InboxFlaw, source: SourceKind)] = []
        leftovers += registrations[newest].takeLeftoverFlaws().map { ($0, .registrations) }
        leftovers += questionnaire[questionnaire.count - 1].takeLeftoverFlaws().map { ($0, .questionnaire) }
        leftovers += decisions[newest].takeLeftoverFlaws().map { ($0, .decisions) }
        leftovers += family[newest].takeLeftoverFlaws().map { ($0, .family) }
        for (flaw, home) in leftovers {
            let order = [home] + InboxFlaw.flawSources.filter { $0 != home }
            guard let source = order.first(where: { canPlant(in: $0) }) else {
                throw SyntheticInboxError.tooManyBadRows(planted: plantedCount)
            }
            try plant(flaw.sources.contains(source) ? flaw : .extraField, in: source)
        }
    }

    private var plantedCount: Int {
        let newest = extractions.count - 1
        return registrations[newest].malformedRows + questionnaire[questionnaire.count - 1].malformedRows
            + decisions[newest].malformedRows + family[newest].malformedRows
    }

    private func canPlant(in source: SourceKind) -> Bool {
        let newest = extractions.count - 1
        switch source {
        case .registrations: return lastRegistration != nil && registrations[newest].hasRoomForFlaw
        case .questionnaire: return lastAnswer != nil && questionnaire[questionnaire.count - 1].hasRoomForFlaw
        case .decisions: return lastDecision != nil && decisions[newest].hasRoomForFlaw
        case .family: return lastLink != nil && family[newest].hasRoomForFlaw
        case .population: return false
        }
    }

    private mutating func plant(_ flaw: InboxFlaw, in source: SourceKind) throws {
        let newest = extractions.count - 1
        let day = extractions[newest]
        let keyId = self.keyId
        switch source {
        case .registrations:
            let row = lastRegistration!
            try registrations[newest].plant(flaw) { try row.write(to: $0, extractedOn: day, keyId: keyId, flaw: $1) }
        case .questionnaire:
            let row = lastAnswer!
            try questionnaire[questionnaire.count - 1].plant(flaw) { try row.write(to: $0, keyId: keyId, flaw: $1) }
        case .decisions:
            let row = lastDecision!
            try decisions[newest].plant(flaw) { try row.write(to: $0, extractedOn: day, keyId: keyId, flaw: $1) }
        case .family:
            let row = lastLink!
            try family[newest].plant(flaw) { try row.write(to: $0, keyId: keyId, flaw: $1) }
        case .population:
            preconditionFailure("the population file gets no malformed rows")
        }
    }
}
