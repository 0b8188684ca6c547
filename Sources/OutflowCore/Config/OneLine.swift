// Messages that stay on one line. An operator's line (a refusal, an error, a log line) may
// quote a file name or a column name as delivered, and those can hold line breaks; cron
// mail, grep and the wrapper's "one line per failure" rely on one message per line.

/// Escapes that keep a message on one line.
public enum OneLine {
    /// `text` with line breaks, tabs and other control characters written as escapes
    /// (`\n`, `\r`, `\t`, `\u{1b}`), so it prints as one line.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case _ where needsEscape(scalar): out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Control characters, and the Unicode line and paragraph separators.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
