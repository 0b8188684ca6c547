// `outflow generate`: a synthetic inbox of all four sources for demos, tests and
// benchmarks, pseudonymised under a public demo key.

import Foundation

enum GenerateCommand {
    /// The public key of synthetic inboxes: generated data is not personal data, and a
    /// fixed key keeps its pseudonyms reproducible. Never use it for real deliveries.
    static let demoKey = Array("outflow-synthetic-demo-key-not-for-real-data".utf8)

    static func execute(_ spec: CommandSpec, _ parsed: ParsedArguments) throws -> Int32 {
            var options = SyntheticInbox.Options(asOf: try ArgumentParser.date(parsed, "--as-of", spec) ?? Day(year: 2025, month: 3, day: 31)!)
            options.persons = try ArgumentParser.int(parsed, "--persons", spec, in: 1...SyntheticInbox.Options.maxPersons) ?? options.persons
            options.seed = UInt64(try ArgumentParser.int(parsed, "--seed", spec, in: 0...Int.max) ?? Int(options.seed))
            options.snapshots = try ArgumentParser.int(parsed, "--snapshots", spec, in: 1...24) ?? options.snapshots
            options.badRows = try ArgumentParser.int(parsed, "--bad-rows", spec, in: 0...1_000_000) ?? options.badRows
            let out = parsed.value("--out")!
            try RunFolder.makeDirectory(out, mode: 0o755)
            let pseudonymiser = Pseudonymiser(key: demoKey)
            let summary: SyntheticInbox.Summary
            do {
                summary = try SyntheticInbox.write(to: out, options: options, keyId: pseudonymiser.keyId) {
                    pseudonymiser.pseudonym(ofValidNumber: $0)
                }
            } catch let error as SyntheticInboxError {
                throw UsageError(message: "\(error)", command: spec)
            }
            for file in summary.files { Log.stderr("wrote \(out)/\(file.name): \(file.rows) rows") }
            return 0
    }
}
