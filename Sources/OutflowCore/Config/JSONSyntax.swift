// Where a JSON text first breaks the grammar, as line and column, so "not valid JSON" in a
// pipeline or instrument file points at the spot to fix. Foundation's parser only says
// "around character N"; this small recursive-descent checker finds the same place and says
// what it expected there.

/// The first syntax error of a JSON text.
package struct JSONSyntaxError: Error, Sendable, Equatable {
    /// 1-based line and column (columns count characters, a tab as one).
    package var line: Int
    package var column: Int
    package var message: String

    package var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict JSON grammar checker (RFC 8259).
package struct JSONSyntax {
    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The first syntax error in `bytes`, or nil when the text is valid JSON.
    package static func firstError(in bytes: [UInt8]) -> JSONSyntaxError? {
        var checker = JSONSyntax(bytes)
        do {
            if checker.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { checker.i = 3 }
            try checker.value()
            checker.skipSpace()
            if checker.i < checker.bytes.count { throw checker.fail("text after the end of the JSON value") }
            return nil
        } catch let error as JSONSyntaxError {
            return error
        } catch {
            return nil
        }
    }

    private func fail(_ message: String) -> JSONSyntaxError {
        var line = 1, column = 1, k = 0
        while k < min(i, bytes.count) {
            if bytes[k] == 0x0A { line += 1; column = 1 } else if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        let found: String
        if i >= bytes.count { found = "the end of the file" } else {
            let b = bytes[i]
            found = b >= 0x21 && b < 0x7F ? "'\(Character(UnicodeScalar(b)))'" : (b == 0x0A ? "a line break" : "a byte 0x\(String(b, radix: 16))")
        }
        return JSONSyntaxError(line: line, column: column, message: message + ", found " + found)
    }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { throw fail("expected \(what)") }
        i += 1
    }

    private mutating func value() throws {
        skipSpace()
        guard i < bytes.count else { throw fail("expected a value") }
        depth += 1
        defer { depth -= 1 }
        guard depth < 512 else { throw fail("nested too deeply") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes") }
                try string()
                try expect(UInt8(ascii: ":"), "':' after the key")
                try value()
                skipSpace()
                guard i < bytes.count else { throw fail("expected ',' or '}'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                try value()
                skipSpace()
                guard i < bytes.count else { throw fail("expected ',' or ']'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
        default:
            for word in ["true", "false", "null"] where bytes[i...].starts(with: Array(word.utf8)) {
                i += word.utf8.count
                return
            }
            throw fail("expected a value (an object, list, string, number, true, false or null)")
        }
    }

    private mutating func string() throws {
        i += 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return }
            if b < 0x20 { throw fail("a string must not hold a control character or line break (close it with '\"')") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                if bytes[i] == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        i += 1
                        guard i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || (bytes[i] | 0x20 >= 0x61 && bytes[i] | 0x20 <= 0x66) else {
                            throw fail("expected 4 hex digits after \\u")
                        }
                    }
                } else if !Array("\"\\/bfnrt".utf8).contains(bytes[i]) {
                    throw fail("unknown escape in a string")
                }
            }
            i += 1
        }
        throw fail("a string is not closed")
    }

    private mutating func number() throws {
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - start
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        let start = i
        guard digits() > 0 else { throw fail("expected a digit") }
        if i - start > 1, bytes[start] == UInt8(ascii: "0") { i = start + 1; throw fail("a number must not start with 0") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("expected a digit after '.'") }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("expected a digit in the exponent") }
        }
    }
}
