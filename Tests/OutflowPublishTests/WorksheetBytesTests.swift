// The worksheet rows written as bytes against the string construction they replaced: the
// same `<sheetData>` for texts with markup characters, forbidden controls, U+FFFE/U+FFFF,
// whitespace at either end (ASCII and not), combining marks, and numbers valid or not.

import Testing
@testable import OutflowPublish

struct WorksheetBytesTests {
    /// The rows as the string-built writer wrote them.
    static func referenceSheetData(_ sheet: Worksheet, decimals: [Int]) -> String {
        func escape(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                default:
                    if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        func textCell(_ text: String, _ reference: String, _ style: Int?) -> String {
            let preserve = text.first?.isWhitespace == true || text.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
            return "<c r=\"\(reference)\"\(style.map { " s=\"\($0)\"" } ?? "") t=\"inlineStr\"><is><t\(preserve)>\(escape(text))</t></is></c>"
        }
        func isDecimal(_ text: String) -> Bool {
            var bytes = Substring(text).utf8[...]
            if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count) else { return false }
            return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        }
        var xml = "<sheetData><row r=\"1\">"
        for (c, name) in sheet.header.enumerated() { xml += textCell(name, Workbook.column(c) + "1", 1) }
        xml += "</row>"
        for (r, row) in sheet.rows.enumerated() {
            let number = String(r + 2)
            xml += "<row r=\"\(number)\">"
            for (c, cell) in row.enumerated() {
                let reference = Workbook.column(c) + number
                switch cell {
                case .empty: continue
                case .text(let text): xml += textCell(text, reference, nil)
                case .integer(let n): xml += "<c r=\"\(reference)\" s=\"2\"><v>\(n)</v></c>"
                case .decimal(let text, let d):
                    guard isDecimal(text) else { continue }
                    let style = d > 0 ? 3 + decimals.firstIndex(of: min(d, 30))! : 2
                    xml += "<c r=\"\(reference)\" s=\"\(style)\"><v>\(text)</v></c>"
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    static let pieces = ["a", "Zorg", "&", "<", ">", "\"", "'", " ", "\t", "\n", "\r\n", "\u{1}", "\u{1f}", "\u{7f}", "é", "e\u{301}",
                         "\u{a0}", "\u{2003}", "\u{fffe}", "\u{ffff}", "\u{fffd}", "😀", "0", "-", ".", "12", "x y"]

    @Test func rowsEqualTheStringBuiltRows() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let width = Int.random(in: 1...30, using: &random)
            func text() -> String { (0..<Int.random(in: 0...5, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined() }
            let rows: [[WorkbookCell]] = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                (0..<Int.random(in: 0...width, using: &random)).map { _ in
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0: return .empty
                    case 1: return .text(text())
                    case 2: return .integer(Int.random(in: -1_000_000...1_000_000, using: &random))
                    case 3: return .decimal(String(Double.random(in: -99...99, using: &random)), decimals: Int.random(in: 0...4, using: &random))
                    default: return .decimal(text(), decimals: 2)
                    }
                }
            }
            let sheet = Worksheet(name: "s", header: (0..<width).map { _ in text() }, rows: rows)
            let decimals = [1, 2, 3, 4]
            let written = String(decoding: try Workbook.worksheet(sheet, selected: false, decimals: decimals), as: UTF8.self)
            let start = try #require(written.range(of: "<sheetData>"))
            #expect(String(written[start.lowerBound...]) == Self.referenceSheetData(sheet, decimals: decimals))
        }
    }

    @Test func escapingDropsWhatXMLForbidsAndKeepsTheRest() {
        #expect(Workbook.escape("a&b<c>d\"e\u{1}f\tg\u{fffe}h\u{ffff}i\u{fffd}é") == "a&amp;b&lt;c&gt;d&quot;ef\tghi\u{fffd}é")
    }
}
