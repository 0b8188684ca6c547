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
        // Read through constants: a captured `var` is checked for exclusive access on every lookup.
        let registered = participants
        func key(_ person: Int) -> Int { registered.sortedIndex(of: person).map { Int(keys[$0]) } ?? -1 }
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
        let isRegistered = { (person: Int) in registered.sortedIndex(of: person) != nil }

        var rates = [
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
        if facts.hasPopulation {
            // Youth participants and the children of the decisions should be residents; a low
            // share points at a population extract that misses people (or another key).
            rates += [
                MatchRate(name: "youth_in_population", description: "youth participants found in the population source",
                          persons: youth, key: key, strata: strata, isLinked: { facts.inPopulation.contains($0) }),
                MatchRate(name: "children_in_population", description: "linked children of caregivers found in the population source",
                          persons: pairs.indices, key: { key(caregiver($0)) }, strata: strata,
                          isLinked: { facts.inPopulation.contains(child($0)) }),
                MatchRate(name: "decisions_in_population", description: "persons with at least one decision (any category) found in the population source",
                          persons: facts.inDecisions, key: { _ in 0 }, strata: { _ in [] }, isLinked: { facts.inPopulation.contains($0) }),
            ]
        }
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
            ("unresolvedRefusals", try unresolvedRefusals()),
            ("retries", try retries()),
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
        try RunLogStore(db: db).recordAudit(JSONValue.object(rates.map { ($0.name, $0.percent.map { .double($0, decimals: 4) } ?? .null) }).encoded(),
                                            runId: runId)
    }

    // MARK: - Sections

    /// Refused deliveries no corrected file has answered yet.
    private func unresolvedRefusals() throws -> JSONValue {
        .array(try FileRegistry(db: db).unresolvedRefusals().map { refusal in
            .object([("file", .string(refusal.fileName)), ("source", .string(refusal.source.rawValue)), ("reason", .string(refusal.reason)),
                     ("refusedAt", .string(refusal.refusedAt)), ("error", .string(refusal.message))])
        })
    }

    /// Who retried which refused file when (`outflow retry`), and what came of it.
    private func retries() throws -> JSONValue {
        .array(try RetryLogStore(db: db).entries().map { retry in
            .object([("retriedAt", .string(retry.retriedAt)), ("user", .string(retry.user)), ("file", .string(retry.fileName)),
                     ("source", .string(retry.source)), ("previousReason", .from(retry.previousCode)),
                     ("accepted", .from(retry.acceptedReason)), ("outcome", .string(retry.outcome)), ("reason", .from(retry.errorCode))])
        })
    }

    private func deliveries() throws -> (json: JSONValue, warnings: [String]) {
        let store = AuditDeliveryStore(db: db)
        let reasons = try store.quarantineCounts()
        var warnings: [String] = []
        let files = try store.deliveries().map { file -> JSONValue in
            if file.status == "rejected" { warnings.append("\(file.fileName) was refused: \(file.error)") }
            if file.encoding == TextEncoding.windows1252.rawValue { warnings.append("\(file.fileName) is not UTF-8 and was read as Windows-1252") }
            return .object([
                ("source", .string(file.source)), ("file", .string(file.fileName)), ("status", .string(file.status)),
                ("extractionDate", .string(file.extractionDate)), ("loadedAt", .string(file.loadedAt)),
                ("rowsRead", .int(file.rowsRead)), ("accepted", .int(file.accepted)), ("quarantined", .int(file.quarantined)),
                ("quarantinedByReason", .object(reasons.filter { $0.fileId == file.fileId }.map { ($0.reason, .int($0.rows)) })),
                ("encoding", .string(file.encoding)), ("delimiter", .string(file.delimiter)), ("keyId", .string(file.keyId)),
                ("unknownColumns", .string(file.unknownColumns)), ("error", .string(file.error)),
            ])
        }
        return (.array(files), warnings)
    }

    /// One scan of the questionnaire responses completed by the cut-off: rows, respondents,
    /// and responses completed before the respondent's group started.
    private func questionnaireScan(episodes: [Episode]) throws -> (counts: SourceFacts.Counts, respondents: PersonSet, beforeStart: Int) {
        var respondents = PersonSet()
        var rows = 0, beforeStart = 0
        try QuestionnaireStore(db: db).respondents(completedBy: asOf) { response in
            let person = Int(response.personId), group = response.groupId
            rows += 1
            respondents.insert(person)
            // The person's earliest start in that group (any group when none is named).
            var start: Day?
            var i = episodes.firstIndex(ofPerson: person)
            while i < episodes.count && episodes[i].personId == person {
                if group.isEmpty || episodes[i].groupId == group { start = min(start ?? episodes[i].start, episodes[i].start) }
                i += 1
            }
            if let start, response.completed < start { beforeStart += 1 }
        }
        return (SourceFacts.Counts(rows: rows, persons: respondents.count), respondents, beforeStart)
    }

    private func sourceFigures(_ facts: SourceFacts, questionnaire: SourceFacts.Counts) throws -> JSONValue {
        let keyIds = try AuditDeliveryStore(db: db).keyIdsBySource()
        // Rows in force and distinct persons per source (the questionnaire: completed by the cut-off).
        var counts = [("registrations", facts.registrations), ("questionnaire", questionnaire), ("decisions", facts.decisions), ("family", facts.family)]
        if facts.hasPopulation { counts.append(("population", facts.population)) }
        return .array(counts.map { source, count in
            .object([("source", .string(source)), ("rowsInForce", .int(count.rows)), ("persons", .int(count.persons)),
                     ("keyIds", .string(keyIds[source] ?? ""))])
        })
    }

    private func anomalies(_ facts: SourceFacts, bothRoles: Int, beforeStart: Int, episodes: [Episode], children: PersonGroups<Child>) throws -> JSONValue {
        let endBeforeStart = try AuditDeliveryStore(db: db).decisionsEndingBeforeStart()
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
            ("personsOnErasureList", .int(try ErasureStore(db: db).listedCount())),
            ("rowsDroppedAsErased", .int(try AuditDeliveryStore(db: db).rowsDroppedAsErased())),
        ])
    }

    /// Rows added and removed by the newest snapshot of each snapshot source.
    private func snapshotChanges() throws -> JSONValue {
        var rows: [JSONValue] = []
        let deliveries = AuditDeliveryStore(db: db), snapshots = InForceStore(db: db)
        for (source, table) in [("registrations", InForceStore.Table.registration), ("decisions", .decision), ("family", .family),
                                ("population", .population)] {
            let days = try deliveries.extractionDays(source: source, through: asOf, limit: 2)
            guard let newest = days.first else { continue }
            let counts = try snapshots.versionChanges(table, on: newest)
            let added = days.count > 1 ? counts.started : 0
            let removed = counts.ended
            rows.append(.object([("source", .string(source)), ("snapshot", .string(Day(julian: newest).iso)),
                                 ("previousSnapshot", days.count > 1 ? .string(Day(julian: days[1]).iso) : .null),
                                 ("rowVersionsAdded", .int(added)), ("rowVersionsEnded", .int(removed))]))
        }
        return .array(rows)
    }

    private func previousRates(runId: String) throws -> [String: Double] {
        guard let text = try RunLogStore(db: db).previousAudit(excluding: runId),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// For each group of person ids, their pseudonyms one per line, sorted; each is looked
    /// up by its integer id, so only the wanted pseudonyms are read.
    private func pseudonymLists(_ groups: [[Int]]) throws -> [String] {
        let store = AuditPseudonymStore(db: db)
        return try groups.map { ids in
            let list = try store.pseudonyms(of: ids)
            return CSVWriter.encode(rows: [["pseudo_id"]] + list.sorted().map { [$0] })
        }
    }
}

extension Array where Element == Episode {
    /// The index of the first episode of `person` in episodes ordered by person (or where it would be).
    package func firstIndex(ofPerson person: Int) -> Int { lowerBound(person) { $0.personId } }
}
