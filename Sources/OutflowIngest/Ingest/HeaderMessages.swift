// What a refused header says, so the supplier sees what to change: a header that did not
// split on ',' or ';' but holds tabs or pipes names the delimiter found and the ones accepted.

import OutflowCore

extension ColumnMapping {
    /// The message for a required column that is missing from `header`.
    package static func missingColumnDetail(_ column: String, header: [String]) -> String {
        guard let found = foreignDelimiter(header) else { return "required column '\(column)' is missing" }
        return "the header is separated by \(found), not by ',' or ';': the accepted delimiters are ',' (comma) and ';' (semicolon); required column '\(column)' is missing"
    }

    /// The delimiter a header that did not split on ',' or ';' seems to use: tabs or pipes.
    package static func foreignDelimiter(_ header: [String]) -> String? {
        guard header.count == 1, let line = header.first else { return nil }
        let tabs = line.filter { $0 == "\t" }.count, pipes = line.filter { $0 == "|" }.count
        if tabs == 0 && pipes == 0 { return nil }
        return tabs >= pipes ? "tabs ('\\t')" : "pipes ('|')"
    }
}
