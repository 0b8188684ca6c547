// The commands that are not jobs on a pipeline's stages: pseudonymise (for suppliers),
// generate (synthetic inboxes) and erase (erasure requests).

import Foundation

enum ExtraCommands {

    static func execute(_ spec: CommandSpec, _ parsed: ParsedArguments) throws -> Int32 {
        switch spec.name {
        case "pseudonymise":
            let pseudonymiser = try Pseudonymiser(keyFile: parsed.value("--key-file")!)
            let summary = try pseudonymiser.run(input: parsed.positionals[0], output: parsed.positionals[1], columns: parsed.all("--column"))
            Log.stderr("pseudonymised \(summary.written) of \(summary.rows) rows under key id \(summary.keyId); \(summary.rejected) rejected (see \(summary.rejectsPath))")
            return 0
        case "generate":
            return try GenerateCommand.execute(spec, parsed)
        case "erase":
            let config = try PipelineConfig.load(path: parsed.positionals[0])
            let lock = try RunLock(path: config.lockPath)
            defer { withExtendedLifetime(lock) {} }
            let db = try Database(path: config.database)
            let summary = try Erasure(db: db, output: config.output).erase(pseudonym: parsed.value("--pseudo-id")!.lowercased())
            let removed = summary.removed.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
            Log.stderr((summary.wasKnown ? "erased: \(removed.isEmpty ? "no rows" : removed)" : "the person was not in the database")
                       + "; \(summary.scrubbedFiles) restricted files scrubbed; later deliveries for this person will be dropped")
            return 0
        default:
            throw UsageError(message: "unknown command '\(spec.name)'", command: nil)
        }
    }
}
