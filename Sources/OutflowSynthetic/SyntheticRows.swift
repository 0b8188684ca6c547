// The rows of the four delivery files and their exact CSV layout: column order, date
// style, what an older snapshot shows of a row, and how a planted flaw bends a row into the
// malformed form the loader must quarantine. Rows are written field by field through
// CSVWriter's byte path, so the hot loop builds no String per value.

import OutflowCore
import OutflowCSV

// MARK: - Registrations

/// One participation episode as the registration system exports it (`;`, Dutch dates).
package struct RegistrationRow {
    // Deliberately not the order of docs/delivery-contract.md: the loader matches columns by name.
    package static let header = ["group_id", "organisation", "group_type", "pseudo_id", "role", "birth_year",
                         "district", "start_date", "end_date", "end_reason", "key_id"]

    package let pseudonym: String
    package let role: Role
    package let birthYear: Int?
    package let district: StaticString?
    package let episode: SyntheticEpisode

    /// Whether an extract made on `day` holds this episode.
    package func isKnown(on day: Day) -> Bool { episode.start <= day }

    /// Writes the row as extracted on `day`: an episode ending later shows no end yet.
    package func write(to w: CSVWriter, extractedOn day: Day, keyId: String, flaw: InboxFlaw?) throws {
        let group = episode.group
        try w.writeInt(group.number, width: 6, prefix: "G")
        try w.writeField(SyntheticGroup.organisations[group.organisation])
        try w.writeField(group.kind.code)
        try w.writePseudonym(pseudonym, flaw: flaw)
        if flaw == .missingValue { try w.writeEmptyField() } else { try w.writeField(role.name) }
        try w.writeInt(birthYear)
        if let district { try w.writeField(district) } else { try w.writeEmptyField() }
        if flaw == .impossibleDate { try w.writeField(InboxFlaw.impossibleDateText) } else {
            try w.writeDay(episode.start, style: .dutch)
        }
        if flaw == .endBeforeStart {
            try w.writeDay(episode.start - 7, style: .dutch)
            try w.writeField("afgerond")
        } else if let end = episode.end, end <= day {
            try w.writeDay(end, style: .dutch)
            if let reason = episode.reason { try w.writeField(reason.name) } else { try w.writeEmptyField() }
        } else {
            try w.writeEmptyField()
            try w.writeEmptyField()
        }
        try w.endSyntheticRow(keyId: keyId, flaw: flaw)
    }
}

// MARK: - Decisions

/// One youth-care decision (beschikking) of one child.
package struct DecisionRow {
    package static let header = ["pseudo_id", "decision_id", "decision_date", "start_date", "end_date",
                         "product_category", "product_code", "provider", "municipality",
                         "change_reason", "key_id"]

    package var pseudonym: String
    package var id: Int
    package var decided: Day
    package var start: Day
    /// Nil for open-ended care.
    package var end: Day?
    /// From this day on extracts show the end date; before it the care was open-ended.
    package var endKnownFrom: Day
    package var category: Int
    /// The product code's letter (0 = A) times 100 plus its two-digit number.
    package var product: Int
    /// An 8-digit AGB code.
    package var provider: Int
    /// A 4-digit CBS municipality code.
    package var municipality: Int
    /// iJw change reason (4 extension, 13 withdrawn) or nil.
    package var changeReason: Int?
    /// From this day on extracts show the change reason.
    package var changeKnownFrom: Day
    /// Dated after the extraction date yet delivered: a known anomaly of the source.
    package var deliveredEarly = false

    /// Whether an extract made on `day` holds this decision.
    package func isKnown(on day: Day, newest: Bool) -> Bool { decided <= day || (deliveredEarly && newest) }

    /// Writes the row as extracted on `day`.
    package func write(to w: CSVWriter, extractedOn day: Day, keyId: String, flaw: InboxFlaw?) throws {
        try w.writePseudonym(pseudonym, flaw: flaw)
        try w.writeInt(id, width: 7, prefix: "B")
        if flaw == .impossibleDate { try w.writeField(InboxFlaw.impossibleDateText) } else { try w.writeDay(decided) }
        if flaw == .missingValue { try w.writeEmptyField() } else { try w.writeDay(start) }
        if flaw == .endBeforeStart {
            try w.writeDay(start - 30)
        } else {
            try w.writeDay(endKnownFrom <= day ? end : nil)
        }
        let category = flaw == .unknownCategory ? 99 : self.category
        try w.writeInt(category, width: 2)
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 5) { code in
            code[0] = 0x30 + UInt8(category / 10)
            code[1] = 0x30 + UInt8(category % 10)
            code[2] = UInt8(ascii: "A") + UInt8(product / 100)
            code[3] = 0x30 + UInt8(product % 100 / 10)
            code[4] = 0x30 + UInt8(product % 10)
            try w.writeField(bytes: UnsafeBufferPointer(code))
        }
        try w.writeInt(provider, width: 8)
        try w.writeInt(municipality, width: 4)
        try w.writeInt(changeKnownFrom <= day ? changeReason : nil, width: 2)
        try w.endSyntheticRow(keyId: keyId, flaw: flaw)
    }
}

// MARK: - Family

/// One parent-child link from the population register.
package struct FamilyLink {
    package static let header = ["parent_pseudo_id", "child_pseudo_id", "child_birth_year", "key_id"]

    package let parent: String
    package let child: String
    package let childBirthYear: Int?

    /// Whether an extract made on `day` holds this link: the child was born by then.
    package func isKnown(on day: Day) -> Bool { (childBirthYear ?? 0) <= day.year }

    package func write(to w: CSVWriter, keyId: String, flaw: InboxFlaw?) throws {
        try w.writePseudonym(parent, flaw: flaw)
        if flaw == .missingValue { try w.writeEmptyField() } else { try w.writeField(child) }
        try w.writeInt(childBirthYear)
        try w.endSyntheticRow(keyId: keyId, flaw: flaw)
    }
}

// MARK: - Population

/// One resident of the population register (BRP): a child under the age limit at some time
/// since the history started, or a caregiver who was one.
package struct PopulationRow {
    package static let header = ["pseudo_id", "birth_year", "birth_month", "sex", "district", "registered_from",
                                 "registered_until", "died", "parent1_pseudo_id", "parent2_pseudo_id", "key_id"]

    package let pseudonym: String
    package let birthYear: Int
    package let birthMonth: Int
    package let sex: StaticString
    package let district: StaticString?
    /// Settled in the municipality; nil: since birth or before the history.
    package let registeredFrom: Day?
    package let movedOut: Day?
    package let died: Day?
    package var parent1: String?
    package var parent2: String?

    /// Whether an extract made on `day` holds this resident: born and settled by then.
    package func isKnown(on day: Day) -> Bool {
        let c = day.components
        return (birthYear, birthMonth) <= (c.year, c.month) && (registeredFrom.map { $0 <= day } ?? true)
    }

    /// Writes the row as extracted on `day`: a move or death after it is not known yet.
    package func write(to w: CSVWriter, extractedOn day: Day, keyId: String) throws {
        try w.writeField(pseudonym)
        try w.writeInt(birthYear)
        try w.writeInt(birthMonth)
        try w.writeField(sex)
        if let district { try w.writeField(district) } else { try w.writeEmptyField() }
        try w.writeDay(registeredFrom)
        try w.writeDay(movedOut.flatMap { $0 <= day ? $0 : nil })
        try w.writeDay(died.flatMap { $0 <= day ? $0 : nil })
        if let parent1 { try w.writeField(parent1) } else { try w.writeEmptyField() }
        if let parent2 { try w.writeField(parent2) } else { try w.writeEmptyField() }
        try w.writeField(keyId)
        try w.endRow()
    }
}

// MARK: - Questionnaire

/// One completed Ervaringwijzer questionnaire.
package struct AnswerRow {
    package static let header = ["pseudo_id", "group_id", "role", "wave", "completed_on"]
        + SyntheticQuestionnaire.items.map { $0.code } + ["toelichting", "key_id"]

    package let pseudonym: String
    package let group: Int
    package let role: Role
    package let wave: Int
    package let completed: Day
    package let answers: SyntheticQuestionnaire.Answers
    /// Index into `SyntheticQuestionnaire.comments`, or nil for no free text.
    package let comment: Int?

    package func write(to w: CSVWriter, keyId: String, flaw: InboxFlaw?) throws {
        try w.writePseudonym(pseudonym, flaw: flaw)
        try w.writeInt(group, width: 6, prefix: "G")
        try w.writeField(role.name)
        try w.writeInt(flaw == .badWave ? 25 : wave)
        switch flaw {
        case .impossibleDate: try w.writeField(InboxFlaw.impossibleDateText)
        case .missingValue: try w.writeEmptyField()
        default: try w.writeDay(completed)
        }
        for item in answers.indices {
            let answer = Int(answers[item])
            switch answer {
            case 0: try w.writeEmptyField()
            case 1...5: try w.writeInt(answer)
            default: try w.writeField(SyntheticQuestionnaire.labels[answer - 6])
            }
        }
        if let comment { try w.writeField(SyntheticQuestionnaire.comments[comment]) } else { try w.writeEmptyField() }
        try w.endSyntheticRow(keyId: keyId, flaw: flaw)
    }
}

// MARK: - Shared fields

extension CSVWriter {
    /// A pseudonym, one character short when the row is planted with a bad pseudonym.
    fileprivate func writePseudonym(_ pseudonym: String, flaw: InboxFlaw?) throws {
        try writeField(flaw == .shortPseudonym ? String(pseudonym.dropLast()) : pseudonym)
    }

    /// The key id every row carries, an extra field when planted, and the line end.
    fileprivate func endSyntheticRow(keyId: String, flaw: InboxFlaw?) throws {
        try writeField(keyId)
        if flaw == .extraField { try writeField("extra") }
        try endRow()
    }
}
