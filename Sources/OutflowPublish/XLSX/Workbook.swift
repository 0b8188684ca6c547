// A minimal Office Open XML workbook (ECMA-376 part 1, SpreadsheetML): one sheet per table,
// a bold header row frozen at the top, numbers as numeric cells with a number format, text
// as inline strings (no shared-string table). The parts are the fewest Excel, LibreOffice
// and openpyxl accept: [Content_Types].xml, _rels/.rels, xl/workbook.xml,
// xl/_rels/workbook.xml.rels, xl/styles.xml and xl/worksheets/sheetN.xml, stored in a zip
// with fixed time stamps, so the same sheets always give the same bytes.

import OutflowCore

/// One cell of a worksheet.
package enum WorkbookCell: Sendable, Equatable {
    /// No value: the cell is left out.
    case empty
    /// Text, as an inline string.
    case text(String)
    /// A whole number, shown without decimals.
    case integer(Int)
    /// A number given as its plain decimal text (`0.1235`, `-2.5`), stored exactly so and
    /// shown with `decimals` places.
    case decimal(String, decimals: Int)
}

/// One sheet: a header row and rows of cells.
package struct Worksheet: Sendable {
    package var name: String
    package var header: [String]
    package var rows: [[WorkbookCell]]

    package init(name: String, header: [String], rows: [[WorkbookCell]]) {
        self.name = name
        self.header = header
        self.rows = rows
    }
}

/// An xlsx workbook.
package struct Workbook: Sendable {
    package var sheets: [Worksheet]

    package init(sheets: [Worksheet]) {
        self.sheets = sheets
    }

    /// The xlsx file.
    package func bytes() throws -> [UInt8] {
        let names = Self.sheetNames(sheets.map(\.name))
        let decimals = Self.decimalPlaces(sheets)
        var zip = ZipArchive()
        try zip.add("[Content_Types].xml", text: contentTypes())
        try zip.add("_rels/.rels", text: Self.declaration + """
            <Relationships xmlns="\(Self.relationshipsNamespace)">\
            <Relationship Id="rId1" Type="\(Self.relationshipType)/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        try zip.add("xl/workbook.xml", text: workbook(names))
        try zip.add("xl/_rels/workbook.xml.rels", text: workbookRelationships())
        try zip.add("xl/styles.xml", text: Self.styles(decimals))
        for (i, sheet) in sheets.enumerated() {
            try zip.add("xl/worksheets/sheet\(i + 1).xml", try Self.worksheet(sheet, selected: i == 0, decimals: decimals))
        }
        return try zip.bytes()
    }

    // MARK: - Package parts

    private static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    private static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    private static let relationshipType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml"

    private func contentTypes() -> String {
        var xml = Self.declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        xml += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        xml += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(Self.contentType).sheet.main+xml\"/>"
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(Self.contentType).styles+xml\"/>"
        for i in sheets.indices {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"\(Self.contentType).worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    private func workbook(_ names: [String]) -> String {
        var xml = Self.declaration + "<workbook xmlns=\"\(Self.mainNamespace)\" xmlns:r=\"\(Self.relationshipType)\"><sheets>"
        for (i, name) in names.enumerated() {
            xml += "<sheet name=\"\(Self.escape(name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return xml + "</sheets></workbook>"
    }

    private func workbookRelationships() -> String {
        var xml = Self.declaration + "<Relationships xmlns=\"\(Self.relationshipsNamespace)\">"
        for i in sheets.indices {
            xml += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(Self.relationshipType)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(Self.relationshipType)/styles\" Target=\"styles.xml\"/>"
        return xml + "</Relationships>"
    }

    // MARK: - Styles

    /// Cell formats: 0 default, 1 bold header, 2 whole numbers (`0`), then one per number of
    /// decimal places in use (`0.0`, `0.0000`, ...), in ascending order.
    private static let headerStyle = 1
    private static let integerStyle = 2

    /// The decimal places (1 or more) the sheets use, ascending.
    private static func decimalPlaces(_ sheets: [Worksheet]) -> [Int] {
        var places = Set<Int>()
        for sheet in sheets {
            for row in sheet.rows {
                for case .decimal(_, let d) in row where d > 0 { places.insert(min(d, 30)) }
            }
        }
        return places.sorted()
    }

    private static func style(_ cell: WorkbookCell, _ decimals: [Int]) -> Int? {
        switch cell {
        case .integer: return integerStyle
        case .decimal(_, let d):
            guard d > 0, let i = decimals.firstIndex(of: min(d, 30)) else { return integerStyle }
            return 3 + i
        case .empty, .text: return nil
        }
    }

    private static func styles(_ decimals: [Int]) -> String {
        var xml = declaration + "<styleSheet xmlns=\"\(mainNamespace)\">"
        if !decimals.isEmpty {
            xml += "<numFmts count=\"\(decimals.count)\">"
            for (i, d) in decimals.enumerated() {
                xml += "<numFmt numFmtId=\"\(164 + i)\" formatCode=\"0.\(String(repeating: "0", count: d))\"/>"
            }
            xml += "</numFmts>"
        }
        xml += "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        xml += "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        xml += "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        xml += "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        xml += "<cellXfs count=\"\(3 + decimals.count)\">"
        xml += "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        xml += "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        xml += "<xf numFmtId=\"1\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        for i in decimals.indices {
            xml += "<xf numFmtId=\"\(164 + i)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        }
        xml += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        return xml + "</styleSheet>"
    }

    // MARK: - Worksheets

    /// Excel's limits: rows per sheet, columns per sheet, characters per cell.
    private static let maxRows = 1_048_576
    private static let maxColumns = 16_384
    private static let maxCellText = 32_767

    /// The worksheet part. The rows are written as bytes: the curve sheets hold thousands of
    /// cells, and building each cell's text through string interpolation cost about 12,000
    /// instructions a cell.
    package static func worksheet(_ sheet: Worksheet, selected: Bool, decimals: [Int]) throws -> [UInt8] {
        let width = max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
        guard sheet.rows.count < maxRows, width <= maxColumns else {
            throw OutflowError(.internalError, "sheet \(sheet.name): \(sheet.rows.count + 1) rows of \(width) columns exceed Excel's limits")
        }
        var head = declaration + "<worksheet xmlns=\"\(mainNamespace)\">"
        let last = width == 0 ? "A1" : column(width - 1) + String(sheet.rows.count + 1)
        head += "<dimension ref=\"\(last == "A1" ? "A1" : "A1:" + last)\"/>"
        head += "<sheetViews><sheetView\(selected ? " tabSelected=\"1\"" : "") workbookViewId=\"0\">"
        head += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        head += "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
        head += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if width > 0 {
            head += "<cols>"
            for c in 0..<width {
                var longest = c < sheet.header.count ? sheet.header[c].count : 0
                for row in sheet.rows where c < row.count { longest = max(longest, displayLength(row[c])) }
                head += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(min(longest, 60) + 2)\" customWidth=\"1\"/>"
            }
            head += "</cols>"
        }
        head += "<sheetData>"
        var xml = Array(head.utf8)
        let letters = (0..<width).map { Array(column($0).utf8) }
        func append(_ text: StaticString) {
            xml.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func append(_ number: Int) { xml.append(contentsOf: String(number).utf8) }
        func open(_ column: Int, _ row: Int) {
            append("<c r=\"")
            xml.append(contentsOf: letters[column])
            append(row)
            append("\"")
        }
        func textCell(_ text: String, _ column: Int, _ row: Int, style: Int?) {
            var text = text
            if text.utf8.count > maxCellText && text.utf16.count > maxCellText { text = truncated(text, maxCellText) }
            open(column, row)
            if let style {
                append(" s=\"")
                append(style)
                append("\"")
            }
            append(" t=\"inlineStr\"><is><t")
            if startsOrEndsWithWhitespace(text) { append(" xml:space=\"preserve\"") }
            append(">")
            appendEscaped(text, to: &xml)
            append("</t></is></c>")
        }
        append("<row r=\"1\">")
        for (c, name) in sheet.header.enumerated() { textCell(name, c, 1, style: headerStyle) }
        append("</row>")
        for (r, row) in sheet.rows.enumerated() {
            let number = r + 2
            append("<row r=\"")
            append(number)
            append("\">")
            for (c, cell) in row.enumerated() {
                switch cell {
                case .empty: continue
                case .text(let text): textCell(text, c, number, style: nil)
                case .integer(let n):
                    open(c, number)
                    append(" s=\"")
                    append(integerStyle)
                    append("\"><v>")
                    append(n)
                    append("</v></c>")
                case .decimal(let text, _):
                    guard isDecimal(text) else { continue }
                    open(c, number)
                    append(" s=\"")
                    append(style(cell, decimals)!)
                    append("\"><v>")
                    xml.append(contentsOf: text.utf8)
                    append("</v></c>")
                }
            }
            append("</row>")
        }
        append("</sheetData></worksheet>")
        return xml
    }

    /// Whether the text's first or last character is whitespace (kept with
    /// `xml:space="preserve"`): read from the bytes when that character is plain ASCII.
    private static func startsOrEndsWithWhitespace(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        // An ASCII byte followed (or preceded) by another ASCII byte is a character of its own,
        // or part of "\r\n", which is whitespace either way.
        let ascii = first < 0x80 && last < 0x80 && (utf8.count < 2 || utf8[utf8.index(after: utf8.startIndex)] < 0x80
                                                     && utf8[utf8.index(before: utf8.index(before: utf8.endIndex))] < 0x80)
        guard ascii else { return text.first?.isWhitespace == true || text.last?.isWhitespace == true }
        return isASCIISpace(first) || isASCIISpace(last)
    }

    /// Characters a cell shows, for the column width.
    private static func displayLength(_ cell: WorkbookCell) -> Int {
        switch cell {
        case .empty: return 0
        case .text(let s): return s.count
        case .integer(let n): return String(n).count
        case .decimal(let s, let d):
            let whole = s.split(separator: ".", maxSplits: 1).first?.count ?? 1
            return whole + (d > 0 ? d + 1 : 0)
        }
    }

    /// `-?digits(.digits)?`: the only numeric text written into a `<v>`.
    private static func isDecimal(_ text: String) -> Bool {
        var digits = 0, point = false, afterPoint = 0
        for (i, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where i == 0: continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"): if point { afterPoint += 1 } else { digits += 1 }
            case UInt8(ascii: ".") where !point && digits > 0: point = true
            default: return false
            }
        }
        return digits > 0 && (!point || afterPoint > 0)
    }

    /// The column letters of a zero-based column: A ... Z, AA ... XFD.
    package static func column(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(r))), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }

    // MARK: - Text

    /// Text for an XML element or attribute: `& < > "` escaped, characters XML 1.0 forbids
    /// (controls other than tab, LF and CR; U+FFFE, U+FFFF) dropped.
    package static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        appendEscaped(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `escape`, appended to `out` byte by byte (the text is valid UTF-8: U+FFFE and U+FFFF
    /// are the bytes EF BF BE and EF BF BF).
    private static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                switch byte {
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
                case 0x09, 0x0A, 0x0D: out.append(byte)
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && (bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF):
                    i += 2
                default: if byte >= 0x20 { out.append(byte) }
                }
                i += 1
            }
        }
    }

    /// Sheet names Excel accepts: `[ ] : * ? / \` replaced by `_`, no leading or trailing
    /// apostrophe, at most 31 characters, not empty, not `History`, unique ignoring case
    /// (a repeated name gets `~2`, `~3`...).
    package static func sheetNames(_ wanted: [String]) -> [String] {
        var taken = Set<String>()
        var names: [String] = []
        for (i, raw) in wanted.enumerated() {
            var name = String(raw.map { "[]:*?/\\".contains($0) || ($0.asciiValue ?? 0x20) < 0x20 ? "_" : $0 })
            while name.hasPrefix("'") { name.removeFirst() }
            while name.hasSuffix("'") { name.removeLast() }
            if name.isEmpty || name.lowercased() == "history" { name = name.isEmpty ? "Sheet\(i + 1)" : name + "_" }
            name = truncated(name, 31)
            var candidate = name
            var n = 2
            while taken.contains(candidate.lowercased()) {
                let suffix = "~\(n)"
                candidate = truncated(name, 31 - suffix.count) + suffix
                n += 1
            }
            taken.insert(candidate.lowercased())
            names.append(candidate)
        }
        return names
    }

    /// At most `limit` UTF-16 units (Excel counts them), whole characters only.
    private static func truncated(_ text: String, _ limit: Int) -> String {
        var out = ""
        var units = 0
        for character in text {
            units += character.utf16.count
            if units > limit { break }
            out.append(character)
        }
        return out
    }
}
