// `outflow generate`: the options of a synthetic inbox, parsed and handed to the generator.

import Foundation
import OutflowCore
import OutflowSynthetic

enum GenerateCommand {
    static func execute(_ spec: CommandSpec, _ parsed: ParsedArguments) throws -> Int32 {
        var options = SyntheticInbox.Options(asOf: try ArgumentParser.date(parsed, "--as-of", spec) ?? Day(year: 2025, month: 3, day: 31)!)
        options.persons = try ArgumentParser.int(parsed, "--persons", spec, in: 1...SyntheticInbox.Options.maxPersons) ?? options.persons
        options.seed = UInt64(try ArgumentParser.int(parsed, "--seed", spec, in: 0...Int.max) ?? Int(options.seed))
        options.snapshots = try ArgumentParser.int(parsed, "--snapshots", spec, in: 1...24) ?? options.snapshots
        options.badRows = try ArgumentParser.int(parsed, "--bad-rows", spec, in: 0...1_000_000) ?? options.badRows
        options.population = parsed.flag("--population")
        if let text = parsed.value("--effect") {
            guard let effect = Double(text), effect.isFinite else {
                throw UsageError(message: "option '--effect': '\(text)' is not a number", command: spec)
            }
            guard options.population else {
                throw UsageError(message: "option '--effect' needs '--population' (without the register there is no comparison to recover it)", command: spec)
            }
            options.effect = effect
        }
        let out = parsed.value("--out")!
        let summary: SyntheticInbox.Summary
        do {
            summary = try SyntheticInbox.generate(into: out, options: options)
        } catch let error as SyntheticInboxError {
            throw UsageError(message: message(error), command: spec)
        }
        for file in summary.files { Log.stderr("wrote \(out)/\(file.name): \(file.rows) rows") }
        return 0
    }

    /// The generator's complaint in the words of the command line: options by their spelling
    /// (`--bad-rows`, not `badRows`).
    static func message(_ error: SyntheticInboxError) -> String {
        switch error {
        case let .invalidOption(name, reason):
            return "option '\(optionName(name))': \(reason.replacingOccurrences(of: "persons / 10", with: "--persons / 10"))"
        case .tooManyBadRows:
            return "option '--bad-rows': \(error)"
        case .invalidKeyId:
            return "\(error)"
        }
    }

    /// `badRows` -> `--bad-rows`.
    static func optionName(_ property: String) -> String {
        "--" + property.map { $0.isUppercase ? "-" + $0.lowercased() : String($0) }.joined()
    }
}
