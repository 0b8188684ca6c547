// The linkage audit for data stewards (spec/outputs.md, audit.html and audit.json): every
// delivery with its counts by reason, persons and key ids per source, match rates between
// sources, anomalies, withdrawn decisions, erasures, and the change since the previous
// run with a warning when a match rate drops by more than 5 points. Counts are not
// suppressed here (stewards see row-level data anyway), but no pseudonym appears.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// Computes the audit figures of one run.
public struct LinkageAudit {
    package let db: Database
    package let config: PipelineConfig
    package let asOf: Day

    public init(db: Database, config: PipelineConfig, asOf: Day) {
        self.db = db
        self.config = config
        self.asOf = asOf
    }

    /// The audit document and the restricted lists of unmatched pseudonyms.
    public struct Result {
        public var json: JSONValue
        public var matchRates: [MatchRate]
        public var warnings: [String]
        public var restricted: [PublishedFile]
    }

    public func compute(linked: LinkedSources, runId: String) throws -> Result {
        let inputs = linked.inputs, facts = linked.facts
        let index = config.cohort.index
        // Episodes come ordered by person and start date: each person's first episode started
        // by the cut-off is the first of their run, found by walking the runs once.
        let episodes = inputs.episodes
        var participants: [Int32] = [], firstPosition: [Int32] = []
        participants.reserveCapacity(facts.registrations.persons)
        firstPosition.reserveCapacity(facts.registrations.persons)
        var bothRoles = 0
        var run = 0
        while run < episodes.count {
            let person = episodes[run].personId
            var end = run, roles: UInt8 = 0, first = -1
            while end < episodes.count && episodes[end].personId == person {
                if episodes[end].start <= asOf {
                    roles |= UInt8(1 << episodes[end].role.rawValue)
                    if first < 0 { first = end }
                }
                end += 1
            }
            if first >= 0 { participants.append(Int32(person)); firstPosition.append(Int32(first)) }
            if roles.nonzeroBitCount > 1 { bothRoles += 1 }
            run = end
        }
        // Breakdown values of a participant, keyed by their first episode's position (-1: not registered).
        func strata(_ position: Int) -> [(String, String)] {
            guard position >= 0 else { return [("role", "(not registered)")] }
            let e = episodes[position]
            let indexDay = index == .end ? e.end : e.start
            return [("role", e.role.name), ("group_type", e.groupType), ("index_year", indexDay.map { String($0.year) } ?? "(none)")]
        }
        // Participants with the same breakdown values share one key: the first such position.
        struct Values: Hashable { var role: Int, groupType: String, year: Int }
        var representative: [Values: Int32] = [:]
        let keys = firstPosition.map { position -> Int32 in
            let e = episodes[Int(position)]
            let values = Values(role: e.role.rawValue, groupType: e.groupType, year: (index == .end ? e.end : e.start)?.year ?? 0)
            if let known = representative[values] { return known }
            representative[values] = position
            return position
        }
        func key(_ person: Int) -> Int { participants.sortedIndex(of: person).map { Int(keys[$0]) } ?? -1 }
        let questionnaire = try questionnaireScan(episodes: episodes)
        let respondents = questionnaire.respondents
        func withRole(_ role: Role) -> some Sequence<Int> {
            zip(participants, firstPosition).lazy.filter { episodes[Int($0.1)].role == role }.map { Int($0.0) }
        }
        let caregivers = withRole(.opvoeder), youth = withRole(.jongere)
        // Linked children, each counted under the breakdown values of their caregiver with the
        // lowest id: (child, caregiver) pairs packed in 64 bits and sorted, first per child kept.
        var pairs: [UInt64] = []
        pairs.reserveCapacity(caregivers.reduce(0) { $0 + inputs.children[$1].count })
        for c in caregivers { for child in inputs.children[c] { pairs.append(UInt64(child.personId) << 32 | UInt64(c)) } }
        pairs.sort()
        var kept = 0
        for pair in pairs where kept == 0 || pair >> 32 != pairs[kept - 1] >> 32 {
            pairs[kept] = pair
            kept += 1
        }
        pairs.removeLast(pairs.count - kept)
        func child(_ k: Int) -> Int { Int(pairs[k] >> 32) }
        func caregiver(_ k: Int) -> Int { Int(pairs[k] & 0xFFFF_FFFF) }
        let isRegistered = { (person: Int) in participants.sortedIndex(of: person) != nil }

        let rates = [
            MatchRate(name: "questionnaire_in_registrations", description: "questionnaire respondents found in the registrations",
                      persons: respondents, key: key, strata: strata, isLinked: isRegistered),
            MatchRate(name: "caregivers_with_children", description: "caregivers with at least one linked child in the family links",
                      persons: caregivers, key: key, strata: strata, isLinked: { !inputs.children[$0].isEmpty }),
            MatchRate(name: "youth_in_decisions", description: "youth participants with at least one decision (any category)",
                      persons: youth, key: key, strata: strata, isLinked: { facts.inDecisions.contains($0) }),
            MatchRate(name: "children_in_decisions", description: "linked children of caregivers with at least one decision (any category)",
                      persons: pairs.indices, key: { key(caregiver($0)) }, strata: strata,
                      isLinked: { facts.inDecisions.contains(child($0)) }),
        ]
        let previous = try previousRates(runId: runId)
        var warnings: [String] = []
        var changes: [JSONValue] = []
        for rate in rates {
            let before = previous[rate.name]
            if let before, let now = rate.percent, before - now > 5 {
                warnings.append(String(format: "match rate %@ dropped from %.1f%% to %.1f%% since the previous run", rate.name, before, now))
            }
            changes.append(.object([("matchRate", .string(rate.name)), ("previousPercent", before.map { .double($0, decimals: 1) } ?? .null),
                                    ("currentPercent", rate.percent.map { .double($0, decimals: 1) } ?? .null)]))
        }
        let files = try deliveries()
        warnings += files.warnings
        let json = JSONValue.object([
            ("warnings", .array(warnings.map(JSONValue.string))),
            ("asOf", .string(asOf.iso)),
            ("deliveries", files.json),
            ("sources", try sourceFigures(facts, questionnaire: questionnaire.counts)),
            ("matchRates", .array(rates.map { $0.json() })),
            ("anomalies", try anomalies(facts, bothRoles: bothRoles, beforeStart: questionnaire.beforeStart, episodes: episodes, children: inputs.children)),
            ("decisions", decisionFigures(facts)),
            ("erasures", try erasureFigures()),
            ("changeSincePreviousSnapshot", try snapshotChanges()),
            ("changeSincePreviousRun", .array(changes)),
        ])
        let lists = try pseudonymLists([respondents.filter { !isRegistered($0) }, caregivers.filter { inputs.children[$0].isEmpty }])
        let unmatched = [
            PublishedFile(name: "unmatched_questionnaire_registrations.csv", content: lists[0], restricted: true),
            PublishedFile(name: "unmatched_registrations_family.csv", content: lists[1], restricted: true),
        ]
        return Result(json: json, matchRates: rates, warnings: warnings, restricted: unmatched)
    }

    /// Keeps this run's match rates in `run_log`, for the next run's comparison.
    package static func record(_ rates: [MatchRate], runId: String, db: Database) throws {
        try db.run("UPDATE run_log SET audit_json = ? WHERE run_id = ?",
                   [.text(JSONValue.object(rates.map { ($0.name, $0.percent.map { .double($0, decimals: 4) } ?? .null) }).encoded()), .text(runId)])
    }

    // MARK: - Sections

    private func deliveries() throws -> (json: JSONValue, warnings: [String]) {
        let reasons = try db.query("SELECT file_id, reason, count(*) FROM quarantine GROUP BY file_id, reason ORDER BY file_id, reason") {
            ($0.int(0), $0.string(1), $0.int(2))
        }
        var warnings: [String] = []
        let files = try db.query("""
            SELECT file_id, source, file_name, status, coalesce(error, ''), rows_read, accepted, quarantined, coalesce(encoding, ''),
                   coalesce(delimiter, ''), coalesce(key_id, ''), coalesce(unknown_columns, ''), coalesce(date(extraction_day), ''), loaded_at
            FROM ingest_file ORDER BY file_id
            """) { row -> JSONValue in
            let id = row.int(0)
            if row.string(3) == "rejected" { warnings.append("\(row.string(2)) was refused: \(row.string(4))") }
            if row.string(8) == TextEncoding.windows1252.rawValue { warnings.append("\(row.string(2)) is not UTF-8 and was read as Windows-1252") }
            return .object([
                ("source", .string(row.string(1))), ("file", .string(row.string(2))), ("status", .string(row.string(3))),
                ("extractionDate", .string(row.string(12))), ("loadedAt", .string(row.string(13))),
                ("rowsRead", .int(row.int(5))), ("accepted", .int(row.int(6))), ("quarantined", .int(row.int(7))),
                ("quarantinedByReason", .object(reasons.filter { $0.0 == id }.map { ($0.1, .int($0.2)) })),
                ("encoding", .string(row.string(8))), ("delimiter", .string(row.string(9))), ("keyId", .string(row.string(10))),
                ("unknownColumns", .string(row.string(11))), ("error", .string(row.string(4))),
            ])
        }
        return (.array(files), warnings)
    }

    /// One scan of the questionnaire responses completed by the cut-off: rows, respondents,
    /// and responses completed before the respondent's group started.
    private func questionnaireScan(episodes: [Episode]) throws -> (counts: SourceFacts.Counts, respondents: PersonSet, beforeStart: Int) {
        var respondents = PersonSet()
        var rows = 0, beforeStart = 0
        let responses = try db.prepare("SELECT person_id, group_id, completed_day FROM stg_questionnaire WHERE completed_day <= ?1")
        try responses.bind([.int(asOf.julian)])
        while let row = try responses.step() {
            let person = row.int(0), group = row.string(1)
            rows += 1
            respondents.insert(person)
            // The person's earliest start in that group (any group when none is named).
            var start: Day?
            var i = episodes.firstIndex(ofPerson: person)
            while i < episodes.count && episodes[i].personId == person {
                if group.isEmpty || episodes[i].groupId == group { start = min(start ?? episodes[i].start, episodes[i].start) }
                i += 1
            }
            if let start, Day(julian: row.int(2)) < start { beforeStart += 1 }
        }
        return (SourceFacts.Counts(rows: rows, persons: respondents.count), respondents, beforeStart)
    }

    private func sourceFigures(_ facts: SourceFacts, questionnaire: SourceFacts.Counts) throws -> JSONValue {
        let keyIds = try db.query("SELECT source, group_concat(DISTINCT key_id) FROM ingest_file WHERE status = 'loaded' GROUP BY source") {
            ($0.string(0), $0.text(1) ?? "")
        }
        // Rows in force and distinct persons per source (the questionnaire: completed by the cut-off).
        let counts = [("registrations", facts.registrations), ("questionnaire", questionnaire), ("decisions", facts.decisions), ("family", facts.family)]
        return .array(counts.map { source, count in
            .object([("source", .string(source)), ("rowsInForce", .int(count.rows)), ("persons", .int(count.persons)),
                     ("keyIds", .string(keyIds.first { $0.0 == source }?.1 ?? ""))])
        })
    }

    private func anomalies(_ facts: SourceFacts, bothRoles: Int, beforeStart: Int, episodes: [Episode], children: PersonGroups<Child>) throws -> JSONValue {
        let endBeforeStart = try db.scalarInt("""
            SELECT count(*) FROM quarantine q JOIN ingest_file f USING (file_id)
            WHERE f.source = 'decisions' AND q.column_name = 'end_date' AND q.reason = 'out_of_range'
            """) ?? 0
        // Birth years that disagree: between a person's registration episodes, or between the
        // registrations and the family links (the child's birth year). Episodes come by person.
        var disagreeing = PersonSet()
        var last: (person: Int, year: Int)?
        for e in episodes {
            guard let year = e.birthYear else { continue }
            if let last, last.person == e.personId, last.year != year { disagreeing.insert(e.personId) }
            last = (e.personId, year)
        }
        for child in children.allValues {
            guard let year = child.birthYear else { continue }
            var i = episodes.firstIndex(ofPerson: child.personId)
            var registered: Int?
            while i < episodes.count && episodes[i].personId == child.personId { registered = episodes[i].birthYear ?? registered; i += 1 }
            if let registered, registered != year { disagreeing.insert(child.personId) }
        }
        return .object([
            ("questionnaireBeforeGroupStart", .int(beforeStart)),
            ("decisionsEndingBeforeStart", .int(endBeforeStart)),
            ("birthYearsDisagreeing", .int(disagreeing.count)),
            ("bothYouthAndCaregiver", .int(bothRoles)),
            ("decisionsDatedAfterExtraction", .int(facts.datedAfterExtraction)),
        ])
    }

    private func decisionFigures(_ facts: SourceFacts) -> JSONValue {
        .object([
            ("withdrawn", .int(facts.withdrawn)),
            ("extensions", .int(facts.extensions)),
            ("byProductCategory", .array(facts.decisionsByCategory.keys.sorted().map { category in
                .object([("category", .string(category < 10 ? "0\(category)" : "\(category)")),
                         ("set", .string(ProductCategory.meanings[category]?.set ?? "")), ("rows", .int(facts.decisionsByCategory[category]!))])
            })),
        ])
    }

    private func erasureFigures() throws -> JSONValue {
        .object([
            ("personsOnErasureList", .int(try db.scalarInt("SELECT count(*) FROM erasure") ?? 0)),
            ("rowsDroppedAsErased", .int(try db.scalarInt("SELECT count(*) FROM quarantine WHERE reason = 'erased'") ?? 0)),
        ])
    }

    /// Rows added and removed by the newest snapshot of each snapshot source.
    private func snapshotChanges() throws -> JSONValue {
        var rows: [JSONValue] = []
        for (source, table) in [("registrations", "stg_registration"), ("decisions", "stg_decision"), ("family", "stg_family")] {
            let days = try db.query("SELECT DISTINCT extraction_day FROM ingest_file WHERE source = ? AND status = 'loaded' AND extraction_day <= ? ORDER BY 1 DESC LIMIT 2",
                                    [.text(source), .int(asOf.julian)]) { $0.int(0) }
            guard let newest = days.first else { continue }
            // One scan for both counts.
            let counts = try db.query("SELECT total(valid_from = ?1), total(valid_to = ?1) FROM \(table)", [.int(newest)]) {
                (Int($0.double(0)), Int($0.double(1)))
            }.first ?? (0, 0)
            let added = days.count > 1 ? counts.0 : 0
            let removed = counts.1
            rows.append(.object([("source", .string(source)), ("snapshot", .string(Day(julian: newest).iso)),
                                 ("previousSnapshot", days.count > 1 ? .string(Day(julian: days[1]).iso) : .null),
                                 ("rowVersionsAdded", .int(added)), ("rowVersionsEnded", .int(removed))]))
        }
        return .array(rows)
    }

    private func previousRates(runId: String) throws -> [String: Double] {
        guard let text = try db.scalarText("""
            SELECT audit_json FROM run_log
            WHERE audit_json IS NOT NULL AND run_id <> ? AND status = 'published' ORDER BY started_at DESC, run_id DESC LIMIT 1
            """, [.text(runId)]),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// For each group of person ids, their pseudonyms one per line, sorted; each is looked
    /// up by its integer id, so only the wanted pseudonyms are read.
    private func pseudonymLists(_ groups: [[Int]]) throws -> [String] {
        let select = try db.prepare("SELECT pseudo_id FROM person WHERE person_id = ?")
        return try groups.map { ids in
            var list: [String] = []
            list.reserveCapacity(ids.count)
            for id in ids {
                try select.bind([.int(id)])
                if let row = try select.step() { list.append(row.string(0)) }
                select.reset()
            }
            return CSVWriter.encode(rows: [["pseudo_id"]] + list.sorted().map { [$0] })
        }
    }
}

extension Array where Element == Episode {
    /// The index of the first episode of `person` in episodes ordered by person (or where it would be).
    package func firstIndex(ofPerson person: Int) -> Int { lowerBound(person) { $0.personId } }
}
