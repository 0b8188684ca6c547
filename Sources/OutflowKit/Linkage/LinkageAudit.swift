// The linkage audit for data stewards (spec/outputs.md, audit.html and audit.json): every
// delivery with its counts by reason, persons and key ids per source, match rates between
// sources, anomalies, withdrawn decisions, erasures, and the change since the previous
// run with a warning when a match rate drops by more than 5 points. Counts are not
// suppressed here (stewards see row-level data anyway), but no pseudonym appears.

import Foundation

/// Computes the audit figures of one run.
public struct LinkageAudit {
    let db: Database
    let config: PipelineConfig
    let asOf: Day

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

    static let inForce = "valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"

    public func compute(inputs: CohortInputs, runId: String) throws -> Result {
        let a = [SQLValue.int(asOf.julian)]
        let index = config.cohort.index
        // Each person's first episode, by position in the episode list.
        let episodes = inputs.episodes
        var first: [Int: Int] = [:]
        var roles: [Int: UInt8] = [:]   // bit per role, so a million persons need no set each
        for (position, e) in episodes.enumerated() where e.start <= asOf {
            roles[e.personId, default: 0] |= UInt8(1 << e.role.rawValue)
            if let held = first[e.personId], episodes[held].start <= e.start { continue }
            first[e.personId] = position
        }
        func firstEpisode(_ person: Int) -> Episode? { first[person].map { episodes[$0] } }
        func strata(_ e: Episode) -> [(String, String)] {
            let indexDay = index == .end ? e.end : e.start
            return [("role", e.role.name), ("group_type", e.groupType), ("index_year", indexDay.map { String($0.year) } ?? "(none)")]
        }
        let participants = first.keys.sorted()
        func participantStrata(_ person: Int) -> [(String, String)] { firstEpisode(person).map(strata) ?? [("role", "(not registered)")] }
        let respondents = Set(try db.query("SELECT DISTINCT person_id FROM stg_questionnaire WHERE completed_day <= ?1", a) { $0.int(0) })
        let inDecisions = Set(try db.query("SELECT DISTINCT person_id FROM stg_decision WHERE \(Self.inForce)", a) { $0.int(0) })
        let caregivers = participants.filter { firstEpisode($0)!.role == .opvoeder }
        let youth = participants.filter { firstEpisode($0)!.role == .jongere }
        // Linked children, each counted under their caregiver's breakdown values.
        var parentOf: [Int: Int] = [:]
        for c in caregivers { for child in inputs.children[c] ?? [] where parentOf[child.personId] == nil { parentOf[child.personId] = c } }

        let rates = [
            MatchRate(name: "questionnaire_in_registrations", description: "questionnaire respondents found in the registrations",
                      persons: respondents.sorted(), strata: participantStrata, isLinked: { first[$0] != nil }),
            MatchRate(name: "caregivers_with_children", description: "caregivers with at least one linked child in the family links",
                      persons: caregivers, strata: participantStrata, isLinked: { !(inputs.children[$0] ?? []).isEmpty }),
            MatchRate(name: "youth_in_decisions", description: "youth participants with at least one decision (any category)",
                      persons: youth, strata: participantStrata, isLinked: { inDecisions.contains($0) }),
            MatchRate(name: "children_in_decisions", description: "linked children of caregivers with at least one decision (any category)",
                      persons: parentOf.keys.sorted(), strata: { participantStrata(parentOf[$0]!) }, isLinked: { inDecisions.contains($0) }),
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
            ("sources", try sourceFigures()),
            ("matchRates", .array(rates.map { $0.json() })),
            ("anomalies", try anomalies(roles: roles, episodes: inputs.episodes, children: inputs.children)),
            ("decisions", try decisionFigures()),
            ("erasures", try erasureFigures()),
            ("changeSincePreviousSnapshot", try snapshotChanges()),
            ("changeSincePreviousRun", .array(changes)),
        ])
        let lists = try pseudonymLists([respondents.filter { first[$0] == nil },
                                        caregivers.filter { (inputs.children[$0] ?? []).isEmpty }])
        let unmatched = [
            PublishedFile(name: "unmatched_questionnaire_registrations.csv", content: lists[0], restricted: true),
            PublishedFile(name: "unmatched_registrations_family.csv", content: lists[1], restricted: true),
        ]
        try db.run("UPDATE run_log SET audit_json = ? WHERE run_id = ?",
                   [.text(JSONValue.object(rates.map { ($0.name, $0.percent.map { .double($0, decimals: 4) } ?? .null) }).encoded()), .text(runId)])
        return Result(json: json, matchRates: rates, warnings: warnings, restricted: unmatched)
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

    private func sourceFigures() throws -> JSONValue {
        let a = [SQLValue.int(asOf.julian)]
        let keyIds = try db.query("SELECT source, group_concat(DISTINCT key_id) FROM ingest_file WHERE status = 'loaded' GROUP BY source") {
            ($0.string(0), $0.text(1) ?? "")
        }
        // Rows in force and distinct persons per source (the questionnaire: completed by the cut-off).
        let questions: [(source: String, rows: String, persons: String)] = [
            ("registrations", "SELECT count(*) FROM stg_registration WHERE \(Self.inForce)",
             "SELECT count(DISTINCT person_id) FROM stg_registration WHERE \(Self.inForce)"),
            ("questionnaire", "SELECT count(*) FROM stg_questionnaire WHERE completed_day <= ?1",
             "SELECT count(DISTINCT person_id) FROM stg_questionnaire WHERE completed_day <= ?1"),
            ("decisions", "SELECT count(*) FROM stg_decision WHERE \(Self.inForce)",
             "SELECT count(DISTINCT person_id) FROM stg_decision WHERE \(Self.inForce)"),
            ("family", "SELECT count(*) FROM stg_family WHERE \(Self.inForce)",
             "SELECT count(*) FROM (SELECT parent_id FROM stg_family WHERE \(Self.inForce) UNION SELECT child_id FROM stg_family WHERE \(Self.inForce))"),
        ]
        return .array(try questions.map { q in
            .object([("source", .string(q.source)), ("rowsInForce", .int(try db.scalarInt(q.rows, a) ?? 0)),
                     ("persons", .int(try db.scalarInt(q.persons, a) ?? 0)),
                     ("keyIds", .string(keyIds.first { $0.0 == q.source }?.1 ?? ""))])
        })
    }

    private func anomalies(roles: [Int: UInt8], episodes: [Episode], children: [Int: [Child]]) throws -> JSONValue {
        let a = [SQLValue.int(asOf.julian)]
        // Earliest start per person and per (person, group) of the episodes in force.
        var firstStart: [Int: Day] = [:], firstStartInGroup: [String: Day] = [:]
        for e in episodes {
            firstStart[e.personId] = min(firstStart[e.personId] ?? e.start, e.start)
            let key = "\(e.personId)|\(e.groupId)"
            firstStartInGroup[key] = min(firstStartInGroup[key] ?? e.start, e.start)
        }
        var beforeStart = 0
        let responses = try db.prepare("SELECT person_id, group_id, completed_day FROM stg_questionnaire WHERE completed_day <= ?1")
        try responses.bind(a)
        while let row = try responses.step() {
            let group = row.string(1)
            let start = group.isEmpty ? firstStart[row.int(0)] : firstStartInGroup["\(row.int(0))|\(group)"]
            if let start, Day(julian: row.int(2)) < start { beforeStart += 1 }
        }
        let endBeforeStart = try db.scalarInt("""
            SELECT count(*) FROM quarantine q JOIN ingest_file f USING (file_id)
            WHERE f.source = 'decisions' AND q.column_name = 'end_date' AND q.reason = 'out_of_range'
            """) ?? 0
        // Birth years that disagree: between a person's registration episodes, or between the
        // registrations and the family links (the child's birth year).
        var registered: [Int: Int] = [:]
        var disagreeing: Set<Int> = []
        for e in episodes {
            guard let year = e.birthYear else { continue }
            if let known = registered[e.personId], known != year { disagreeing.insert(e.personId) }
            registered[e.personId] = year
        }
        for links in children.values {
            for child in links {
                if let year = child.birthYear, let known = registered[child.personId], known != year { disagreeing.insert(child.personId) }
            }
        }
        let birthYears = disagreeing.count
        let afterExtraction = try db.scalarInt("""
            SELECT count(*) FROM stg_decision WHERE \(Self.inForce) AND (decision_day > valid_from OR start_day > valid_from)
            """, a) ?? 0
        return .object([
            ("questionnaireBeforeGroupStart", .int(beforeStart)),
            ("decisionsEndingBeforeStart", .int(endBeforeStart)),
            ("birthYearsDisagreeing", .int(birthYears)),
            ("bothYouthAndCaregiver", .int(roles.values.filter { $0.nonzeroBitCount > 1 }.count)),
            ("decisionsDatedAfterExtraction", .int(afterExtraction)),
        ])
    }

    private func decisionFigures() throws -> JSONValue {
        let a = [SQLValue.int(asOf.julian)]
        let byCategory = try db.query("""
            SELECT printf('%02d', d.product_category), coalesce(r.built_in_set, ''), count(*)
            FROM stg_decision d LEFT JOIN ref_product_category r USING (product_category)
            WHERE \(Self.inForce) GROUP BY d.product_category ORDER BY d.product_category
            """, a) { JSONValue.object([("category", .string($0.string(0))), ("set", .string($0.string(1))), ("rows", .int($0.int(2)))]) }
        return .object([
            ("withdrawn", .int(try db.scalarInt("SELECT count(*) FROM stg_decision WHERE \(Self.inForce) AND change_reason = \(ChangeReason.withdrawn)", a) ?? 0)),
            ("extensions", .int(try db.scalarInt("SELECT count(*) FROM stg_decision WHERE \(Self.inForce) AND change_reason = \(ChangeReason.extension_)", a) ?? 0)),
            ("byProductCategory", .array(byCategory)),
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

    /// For each group of person ids, their pseudonyms one per line, sorted; one streamed
    /// scan of `person` serves all groups, and only the wanted pseudonyms are held.
    private func pseudonymLists(_ groups: [[Int]]) throws -> [String] {
        let wanted = groups.map(Set.init)
        var lists = [[String]](repeating: [], count: groups.count)
        let rows = try db.prepare("SELECT person_id, pseudo_id FROM person")
        while let row = try rows.step() {
            let id = row.int(0)
            for (i, set) in wanted.enumerated() where set.contains(id) { lists[i].append(row.string(1)) }
        }
        return lists.map { CSVWriter.encode(rows: [["pseudo_id"]] + $0.sorted().map { [$0] }) }
    }
}
