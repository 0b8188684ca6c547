// Strict reading of the pipeline and instrument JSON files: every key must be known, so a
// typo in a key never silently changes a report (docs/pipeline-file.md).

import Foundation

/// One JSON object of a configuration file, read key by key with its dotted path for errors.
package struct JSONObject {
    package let values: [String: Any]
    package let path: String
    package let file: String
    /// How messages name the file: `pipeline file P`, or `instrument file P named by ...`.
    package let subject: String
    private var used: Set<String> = []

    package init(_ any: Any?, path: String, file: String, subject: String? = nil) throws {
        let subject = subject ?? "pipeline file \(file)"
        guard let dictionary = any as? [String: Any] else {
            throw OutflowError(.dataError, "\(subject): '\(path.isEmpty ? "(top level)" : path)' must be an object")
        }
        values = dictionary
        self.path = path
        self.file = file
        self.subject = subject
    }

    /// Reads the JSON object in `file`; `subject` names the file in messages (default
    /// `pipeline file FILE`). Invalid JSON is reported with its line and column.
    package static func parse(file: String, subject: String? = nil) throws -> JSONObject {
        let subject = subject ?? "pipeline file \(file)"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw OutflowError(.dataError, "\(subject): cannot be read")
        }
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            if let syntax = JSONSyntax.firstError(in: Array(data)) {
                throw OutflowError(.dataError, "\(subject): not valid JSON at \(syntax.description)")
            }
            throw OutflowError(.dataError, "\(subject): not valid JSON (\(error.localizedDescription))")
        }
        return try JSONObject(any, path: "", file: file, subject: subject)
    }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    package func fail(_ key: String, _ message: String) -> OutflowError {
        OutflowError(.dataError, "\(subject): '\(keyPath(key))' \(message)")
    }

    /// Refuses any key not in `known`.
    package func rejectUnknownKeys(_ known: [String]) throws {
        for key in values.keys.sorted() where !known.contains(key) {
            throw OutflowError(.dataError, "\(subject): unknown key '\(keyPath(key))'")
        }
    }

    package func has(_ key: String) -> Bool { values[key] != nil }

    /// JSON true/false, told apart from numbers (Foundation on Linux bridges 1 to Bool too).
    package static func isBoolean(_ value: Any) -> Bool {
        String(describing: type(of: value)).contains("Boolean") || type(of: value) == Bool.self
    }

    package func string(_ key: String) throws -> String? {
        guard let value = values[key] else { return nil }
        guard let s = value as? String else { throw fail(key, "must be a string") }
        return s
    }

    package func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw fail(key, "is required") }
        return s
    }

    package func number(_ key: String) throws -> Double? {
        guard let value = values[key] else { return nil }
        guard let n = value as? NSNumber, !JSONObject.isBoolean(value) else { throw fail(key, "must be a number") }
        return n.doubleValue
    }

    package func int(_ key: String) throws -> Int? {
        guard let d = try number(key) else { return nil }
        guard d == d.rounded(), abs(d) < 1e12 else { throw fail(key, "must be a whole number") }
        return Int(d)
    }

    package func bool(_ key: String) throws -> Bool? {
        guard let value = values[key] else { return nil }
        guard JSONObject.isBoolean(value), let b = value as? Bool else { throw fail(key, "must be true or false") }
        return b
    }

    package func strings(_ key: String) throws -> [String]? {
        guard let value = values[key] else { return nil }
        guard let list = value as? [String] else { throw fail(key, "must be a list of strings") }
        return list
    }

    package func ints(_ key: String) throws -> [Int]? {
        guard let value = values[key] else { return nil }
        guard let list = value as? [NSNumber], list.allSatisfy({ $0.doubleValue == $0.doubleValue.rounded() }) else {
            throw fail(key, "must be a list of whole numbers")
        }
        return list.map(\.intValue)
    }

    package func object(_ key: String) throws -> JSONObject? {
        guard let value = values[key] else { return nil }
        return try JSONObject(value, path: keyPath(key), file: file, subject: subject)
    }

    package func objects(_ key: String) throws -> [JSONObject]? {
        guard let value = values[key] else { return nil }
        guard let list = value as? [Any] else { throw fail(key, "must be a list of objects") }
        return try list.enumerated().map { try JSONObject($1, path: "\(keyPath(key))[\($0)]", file: file, subject: subject) }
    }

    package func date(_ key: String) throws -> Day? {
        guard let s = try string(key) else { return nil }
        guard let day = Day(parsing: s) else { throw fail(key, "must be a date YYYY-MM-DD") }
        return day
    }
}
