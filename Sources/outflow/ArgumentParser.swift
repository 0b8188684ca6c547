// Our own small argument parser, shaped after swift-argument-parser's conventions: every
// command has an abstract and a usage line, `--help` everywhere, and an error names the
// argument at fault and shows the usage.

import OutflowCore

/// One option of a command.
public struct OptionSpec: Sendable {
    public var name: String
    /// The value's placeholder (`DATE`); nil for a flag.
    public var value: String?
    public var help: String
    public var repeatable = false
    public var required = false

    public init(_ name: String, value: String? = nil, help: String, repeatable: Bool = false, required: Bool = false) {
        self.name = name
        self.value = value
        self.help = help
        self.repeatable = repeatable
        self.required = required
    }
}

/// A subcommand's interface.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    /// Positional arguments, in order, by placeholder (`PIPELINE.json`).
    public var positionals: [String]
    public var options: [OptionSpec]
    public var discussion: String = ""

    public var usage: String {
        var parts = ["outflow", name] + positionals
        for option in options {
            let text = option.name + (option.value.map { " " + $0 } ?? "")
            parts.append(option.required ? text : "[\(text)]")
            if option.repeatable { parts[parts.count - 1] += "..." }
        }
        return parts.joined(separator: " ")
    }

    public var help: String {
        var text = "OVERVIEW: \(abstract)\n\nUSAGE: \(usage)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        if !options.isEmpty {
            text += "\nOPTIONS:\n"
            for option in options {
                let head = option.name + (option.value.map { " <\($0.lowercased())>" } ?? "")
                text += "  " + head.padding(toLength: max(24, head.count + 2), withPad: " ", startingAt: 0) + option.help + "\n"
            }
        }
        text += "  --help                  Show help information.\n"
        return text
    }
}

/// Parsed arguments of one command.
public struct ParsedArguments: Sendable {
    public var positionals: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []

    public func value(_ name: String) -> String? { values[name]?.last }
    public func all(_ name: String) -> [String] { values[name] ?? [] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// A command line that does not fit its command (exit 64).
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let command: CommandSpec?

    public var description: String {
        var text = "Error: \(message)"
        if let command {
            text += "\nUsage: \(command.usage)\nSee 'outflow \(command.name) --help'."
        } else {
            text += "\nSee 'outflow --help'."
        }
        return text
    }
}

/// Splits a command line into positionals, option values and flags.
public enum ArgumentParser {
    /// Parses `arguments` (without the command name). `--help` is answered by the caller.
    public static func parse(_ arguments: [String], for spec: CommandSpec) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument.hasPrefix("--") && argument.count > 2 {
                var name = argument
                var inline: String?
                if let eq = argument.firstIndex(of: "=") {
                    name = String(argument[..<eq])
                    inline = String(argument[argument.index(after: eq)...])
                }
                guard let option = spec.options.first(where: { $0.name == name }) else {
                    throw UsageError(message: "unknown option '\(name)'", command: spec)
                }
                if option.value == nil {
                    guard inline == nil else { throw UsageError(message: "option '\(name)' takes no value", command: spec) }
                    parsed.flags.insert(name)
                } else {
                    let value: String
                    if let inline { value = inline } else {
                        guard i + 1 < arguments.count else { throw UsageError(message: "option '\(name)' needs a value <\(option.value!.lowercased())>", command: spec) }
                        i += 1
                        value = arguments[i]
                    }
                    if !option.repeatable && parsed.values[name] != nil {
                        throw UsageError(message: "option '\(name)' given more than once", command: spec)
                    }
                    parsed.values[name, default: []].append(value)
                }
            } else {
                parsed.positionals.append(argument)
            }
            i += 1
        }
        if parsed.positionals.count < spec.positionals.count {
            throw UsageError(message: "missing argument \(spec.positionals[parsed.positionals.count])", command: spec)
        }
        if parsed.positionals.count > spec.positionals.count {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[spec.positionals.count])'", command: spec)
        }
        for option in spec.options where option.required && parsed.values[option.name] == nil {
            throw UsageError(message: "missing option '\(option.name) <\((option.value ?? "").lowercased())>'", command: spec)
        }
        return parsed
    }

    /// A date option, or a usage error naming it.
    public static func date(_ parsed: ParsedArguments, _ name: String, _ spec: CommandSpec) throws -> Day? {
        guard let text = parsed.value(name) else { return nil }
        guard let day = Day(parsing: text) else { throw UsageError(message: "option '\(name)': '\(text)' is not a date YYYY-MM-DD", command: spec) }
        return day
    }

    /// A whole-number option within a range, or a usage error naming it.
    public static func int(_ parsed: ParsedArguments, _ name: String, _ spec: CommandSpec, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = parsed.value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError(message: "option '\(name)': '\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)", command: spec)
        }
        return n
    }
}
