// The subcommands of `outflow`: their specs (abstract, usage, options) and the one library
// entry each calls (`CommandEntries`, `SyntheticInbox.generate`). Nothing here but
// argument parsing and mapping errors to exit statuses.

import Foundation
import OutflowCore
import OutflowPipeline
import OutflowSynthetic

/// The command-line interface as a library entry point, so tests can drive it in-process.
public enum CommandLineInterface {
    static let pipelineOptions = [
        OptionSpec("--as-of", value: "DATE", help: "Cut-off date YYYY-MM-DD (default: newest decisions extraction date)."),
        OptionSpec("--out", value: "DIR", help: "Output folder (default: the pipeline's output)."),
        OptionSpec("--verbose", help: "Log every stage and file on stderr."),
    ]

    /// Every subcommand, in the order `outflow --help` lists them.
    public static let commands: [CommandSpec] = [
        CommandSpec(name: "run", abstract: "The nightly job: ingest new deliveries, link, build the cohort, publish reports and the linkage audit.",
                    positionals: ["PIPELINE.json"],
                    options: pipelineOptions + [
                        OptionSpec("--force", help: "Publish even when nothing changed since the run latest points to."),
                        OptionSpec("--prune-logs", value: "DIR", help: "Remove outflow-*.log files in DIR older than logRetentionDays (the nightly wrapper's logs)."),
                    ],
                    discussion: "When the deliveries, the pipeline file, the instrument and the cut-off are those of the run latest points to, nothing is published: it prints \"no new deliveries; latest unchanged (run ...)\" and exits 0. Every unresolved refusal is named on one WARN line."),
        CommandSpec(name: "ingest", abstract: "Load new deliveries from the inbox only.",
                    positionals: ["PIPELINE.json"], options: [pipelineOptions[2]]),
        CommandSpec(name: "report", abstract: "Regenerate the analyst reports from the database, without ingesting.",
                    positionals: ["PIPELINE.json"],
                    options: [OptionSpec("--as-of", value: "DATE", help: "Cut-off date YYYY-MM-DD for a report for another cut-off: it goes to OUTPUT/reports/<as-of>-<run-id>/ and latest is left alone.")]
                        + pipelineOptions.dropFirst(),
                    discussion: "Without --as-of, the reports at the newest decisions extraction date are published as a run folder and latest is switched to it. With --as-of, the report goes to OUTPUT/reports/ and latest, the nightly run folders and the nightly's rows in the marts stay as they were; a cut-off before the first snapshot of a source in the database is refused (exit 65)."),
        CommandSpec(name: "audit", abstract: "Regenerate the linkage audit only.",
                    positionals: ["PIPELINE.json"], options: [pipelineOptions[1], pipelineOptions[2]]),
        CommandSpec(name: "validate", abstract: "Check one delivery against its source's contract without loading it; print the findings.",
                    positionals: ["PIPELINE.json", "FILE"],
                    options: [OptionSpec("--source", value: "NAME", help: "The source the file is for: registrations, questionnaire, decisions, family or population (default: the one whose file pattern matches the name).")],
                    discussion: "Lists every file error it finds (name, header, and those found after reading the rows), not only the first a run would stop at. Exit 0 when the file would load, 65 when it would be refused."),
        CommandSpec(name: "pseudonymise", abstract: "For suppliers: replace citizen-number columns by keyed pseudonyms.",
                    positionals: ["IN.csv", "OUT.csv"],
                    options: [OptionSpec("--key-file", value: "FILE", help: "File holding the secret key (at least 32 bytes).", required: true),
                              OptionSpec("--column", value: "NAME", help: "A citizen-number column to pseudonymise (bsn, parent_bsn, ...).", repeatable: true, required: true)],
                    discussion: "The column bsn must hold a number in every row; other named columns may be empty and stay empty (a youth row without parent_bsn). Rows whose number fails the elfproef go to OUT.rejects.csv with row number and reason, never the number itself."),
        CommandSpec(name: "generate", abstract: "Write a realistic synthetic inbox (all sources), deterministic for a seed.",
                    positionals: [],
                    options: [OptionSpec("--out", value: "DIR", help: "Folder to write the inbox into.", required: true),
                              OptionSpec("--persons", value: "N", help: "Group participants (default 300)."),
                              OptionSpec("--seed", value: "S", help: "Random seed (default 1)."),
                              OptionSpec("--as-of", value: "DATE", help: "Extraction date of the newest deliveries (default 2025-03-31)."),
                              OptionSpec("--snapshots", value: "K", help: "Deliveries of each snapshot source, a month apart (default 1)."),
                              OptionSpec("--bad-rows", value: "N", help: "Deliberately malformed rows spread over the files (default 0)."),
                              OptionSpec("--population", help: "Also the population register (bevolking_*.csv) with a comparison pool of children who never take part."),
                              OptionSpec("--effect", value: "R", help: "With --population: the planted effect of taking part, a hazard ratio of a first decision (default 0.7; 1 for none).")]),
        CommandSpec(name: "retry", abstract: "Judge a refused delivery again and load it if it passes now; the audit records who retried it and when.",
                    positionals: ["PIPELINE.json", "FILE"],
                    options: [OptionSpec("--accept", value: "REASON", help: "Accept this judgement, confirmed by the supplier: \(FileReason.acceptable.map(\.rawValue).joined(separator: ", ")).", repeatable: true)],
                    discussion: "FILE is the refused file, by path or by its name in the inbox. It is judged with the pipeline file as it is now (after maxRejectShare or minSnapshotShare was changed), or with the checks named by --accept skipped. Exit 0 when it loads (the next run publishes it), 65 when it is refused again."),
        CommandSpec(name: "status", abstract: "Show the last run, the run lock, unresolved refusals, each source's newest delivery and the database size.",
                    positionals: ["PIPELINE.json"], options: [],
                    discussion: "Reads the database without changing it and does not wait for a running job. Exit 0 when all is well, 1 when something needs attention (a failed or unfinished run, an unresolved refusal, a source older than its maxAgeDays, no database yet)."),
        CommandSpec(name: "erase", abstract: "Remove one person from every table for an erasure request, and keep them out of later deliveries.",
                    positionals: ["PIPELINE.json"],
                    options: [OptionSpec("--pseudo-id", value: "ID", help: "The person's pseudonym (64 hex characters)."),
                              OptionSpec("--bsn-file", value: "FILE", help: "Instead of --pseudo-id: a file holding the person's citizen number (BSN), one line."),
                              OptionSpec("--key-file", value: "FILE", help: "With --bsn-file: the suppliers' pseudonymisation key."),
                              OptionSpec("--not-yet-delivered", help: "Put a person found nowhere yet on the erasure list (otherwise exit 65)."),
                              OptionSpec("--dry-run", help: "Show what would be removed and scrubbed; change nothing.")],
                    discussion: """
                        Give the person as --pseudo-id ID, or as --bsn-file FILE --key-file KEY: the number is read from
                        the file (never from the command line), checked with the elfproef and pseudonymised like the
                        suppliers do; neither it nor its pseudonym is printed. The person's rows leave every table
                        (secure_delete, vacuum), every run folder the pipeline wrote (its output and every --out folder
                        in the run log) is scrubbed, and the pseudonym's SHA-256 goes on the erasure list so later
                        deliveries for the person are dropped. Deliveries are never edited: the inbox files that still
                        hold the person are listed, for the supplier to correct. A pseudonym found nowhere (database,
                        inbox, run folders, erasure list) is exit 65 unless --not-yet-delivered is given.
                        """),
    ]

    public static var overview: String {
        var text = "OVERVIEW: Outflow follows participants of group support to their first individual youth-care decision.\n\n"
        text += "USAGE: outflow <command> [options]\n\nCOMMANDS:\n"
        for command in commands { text += "  " + command.name.padding(toLength: 14, withPad: " ", startingAt: 0) + command.abstract + "\n" }
        text += "\n  --version     Show the version.\n  --help        Show help information.\n\nSee 'outflow <command> --help' for detailed help.\n"
        return text
    }

    /// Runs a command line (without the program name) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        CommandEntries.prepareProcess()
        guard let first = arguments.first else {
            Log.stderr(UsageError(message: "no command given", command: nil).description)
            return ExitStatus.usage.rawValue
        }
        if first == "--help" || first == "-h" || first == "help" { print(overview, terminator: ""); return 0 }
        if first == "--version" { print("outflow \(Outflow.version)"); return 0 }
        guard let spec = commands.first(where: { $0.name == first }) else {
            Log.stderr(UsageError(message: "unknown command '\(first)'", command: nil).description)
            return ExitStatus.usage.rawValue
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") { print(spec.help, terminator: ""); return 0 }
        do {
            let parsed = try ArgumentParser.parse(rest, for: spec)
            return try execute(spec, parsed)
        } catch let error as UsageError {
            Log.stderr(error.description)
            return ExitStatus.usage.rawValue
        } catch {
            let status = CommandEntries.exitStatus(of: error)
            // One line, whatever a file or column name in the message holds.
            Log.stderr(OneLine.escape("outflow \(spec.name): \(error)"))
            return status.rawValue
        }
    }

    static func execute(_ spec: CommandSpec, _ parsed: ParsedArguments) throws -> Int32 {
        switch spec.name {
        case "run", "ingest", "report", "audit":
            Log.stderr(try CommandEntries.job(JobOptions.Kind(rawValue: spec.name)!, pipeline: parsed.positionals[0],
                                              asOf: try ArgumentParser.date(parsed, "--as-of", spec),
                                              output: parsed.value("--out"), verbose: parsed.flag("--verbose"),
                                              force: parsed.flag("--force"), pruneLogs: parsed.value("--prune-logs")))
            return 0
        case "retry":
            let accepting = try parsed.all("--accept").map { text in
                guard let reason = FileReason(rawValue: text), FileReason.acceptable.contains(reason) else {
                    throw UsageError(message: "option '--accept': '\(text)' cannot be accepted (\(FileReason.acceptable.map(\.rawValue).joined(separator: ", ")))", command: spec)
                }
                return reason
            }
            Log.stderr(try CommandEntries.retry(pipeline: parsed.positionals[0], file: parsed.positionals[1], accepting: accepting))
            return 0
        case "status":
            let status = try CommandEntries.status(pipeline: parsed.positionals[0])
            print(status.text, terminator: "")
            guard status.needsAttention else { return 0 }
            Log.stderr(OneLine.escape("outflow status: needs attention: " + status.attention.joined(separator: "; ")))
            return 1
        case "validate":
            var source: SourceKind?
            if let name = parsed.value("--source") {
                guard let kind = SourceKind(rawValue: name) else {
                    throw UsageError(message: "option '--source': unknown source '\(name)' (registrations, questionnaire, decisions, family, population)", command: spec)
                }
                source = kind
            }
            let findings = try CommandEntries.validate(pipeline: parsed.positionals[0], file: parsed.positionals[1], source: source)
            print(findings.text, terminator: "")
            return findings.wouldLoad ? 0 : ExitStatus.dataError.rawValue
        case "pseudonymise":
            Log.stderr(try CommandEntries.pseudonymise(keyFile: parsed.value("--key-file")!, input: parsed.positionals[0],
                                                       output: parsed.positionals[1], columns: parsed.all("--column")))
            return 0
        case "generate":
            return try GenerateCommand.execute(spec, parsed)
        case "erase":
            let notYetDelivered = parsed.flag("--not-yet-delivered"), dryRun = parsed.flag("--dry-run")
            switch (parsed.value("--pseudo-id"), parsed.value("--bsn-file"), parsed.value("--key-file")) {
            case (let pseudonym?, nil, nil):
                Log.stderr(try CommandEntries.erase(pipeline: parsed.positionals[0], pseudonym: pseudonym,
                                                    notYetDelivered: notYetDelivered, dryRun: dryRun))
            case (nil, let bsnFile?, let keyFile?):
                Log.stderr(try CommandEntries.erase(pipeline: parsed.positionals[0], bsnFile: bsnFile, keyFile: keyFile,
                                                    notYetDelivered: notYetDelivered, dryRun: dryRun))
            case (nil, nil, nil):
                throw UsageError(message: "give the person as --pseudo-id ID or as --bsn-file FILE --key-file KEY", command: spec)
            case (_?, _, _):
                throw UsageError(message: "--pseudo-id cannot be combined with --bsn-file or --key-file", command: spec)
            case (nil, _, _):
                throw UsageError(message: "--bsn-file and --key-file go together: the number is pseudonymised with the suppliers' key", command: spec)
            }
            return 0
        default:
            throw UsageError(message: "unknown command '\(spec.name)'", command: nil)
        }
    }
}
