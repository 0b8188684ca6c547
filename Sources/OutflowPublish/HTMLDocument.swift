// A tiny HTML builder for the report and audit pages: escaping, tables, and a page shell
// with inline CSS. No scripts, no external fonts or URLs: the page must open offline, be
// archived as one file and print cleanly.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Helpers to build escaped HTML text.
public enum HTML {
    /// Escapes text for element content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// An element with escaped text content.
    public static func element(_ tag: String, _ text: String, class className: String? = nil) -> String {
        "<\(tag)\(className.map { " class=\"\($0)\"" } ?? "")>\(escape(text))</\(tag)>"
    }

    /// An element with escaped text content and `data-` attributes (name without the prefix,
    /// value), which carry the codes behind translated words for tools that read the page.
    public static func element(_ tag: String, _ text: String, data: [(String, String)]) -> String {
        "<\(tag)\(attributes(data))>\(escape(text))</\(tag)>"
    }

    /// ` data-name="value"` for each pair.
    public static func attributes(_ data: [(String, String)]) -> String {
        data.map { " data-\($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// A table from a header and rows of already-rendered cell HTML. `columns`, when given,
    /// are the codes of the header cells (`data-column`), one each; "" for none.
    public static func table(header: [String], rows: [[String]], class className: String = "data", columns: [String]? = nil) -> String {
        var out = "<table class=\"\(className)\"><thead><tr>"
        out += header.enumerated().map { i, h in
            let code = columns.map { i < $0.count ? $0[i] : "" } ?? ""
            return "<th\(code.isEmpty ? "" : attributes([("column", code)]))>\(escape(h))</th>"
        }.joined()
        out += "</tr></thead><tbody>"
        for row in rows { out += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return out + "</tbody></table>"
    }

    /// A whole page with the shared stylesheet, in language `lang` (the report's language;
    /// the steward pages are English).
    public static func page(title: String, body: String, lang: String = "en") -> String {
        """
        <!DOCTYPE html>
        <html lang="\(escape(lang))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    package static let stylesheet = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#1d2433;margin:2rem auto;max-width:1100px;padding:0 1rem;line-height:1.45;font-size:15px}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #d7dce5;padding-bottom:.2rem}
        h3{font-size:1.05rem;margin-top:1.4rem}p.lead{color:#4a5568;margin-top:0}
        table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.88rem}
        th,td{border-bottom:1px solid #e2e6ee;padding:.25rem .55rem;text-align:right;vertical-align:top}
        th{background:#f3f5f9;font-weight:600}td:first-child,th:first-child{text-align:left}
        table.facts td,table.facts th{text-align:left}
        td.sup{color:#8a5a00;font-style:italic}td.na{color:#8893a5}.sup{color:#8a5a00;font-style:italic}.na{color:#8893a5}
        .ci{white-space:nowrap}td{font-variant-numeric:tabular-nums}
        p.legend{font-size:.8rem;color:#5a6477;margin:.4rem 0 1.2rem}table+p.legend{margin-top:-.6rem}
        table.data:not(.wide) td:first-child{white-space:nowrap}th[colspan]{text-align:center}p.caveat{font-size:.9rem;border-left:4px solid #c9a227;background:#fffaf0;padding:.45rem .8rem}
        .short{border:1px solid #9aa8c1;background:#f7f9fc;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}.short h2{margin:0 0 .3rem;border:0;font-size:1.1rem}.short ul{margin:.2rem 0;padding-left:1.2rem}.short li{margin:.25rem 0}
        .multiples{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.4rem 1rem;margin:.4rem 0}.multiples figure{margin:0}.multiples figcaption{font-size:.85rem;font-weight:600;margin:.2rem 0 0 2.4rem}
        .note{background:#f6f8fb;border-left:4px solid #5b7bb2;padding:.5rem .8rem;font-size:.9rem}
        .warn{background:#fff6e5;border-left:4px solid #d08a00;padding:.5rem .8rem}
        .flow{display:flex;flex-direction:column;align-items:flex-start;gap:0}
        .step{display:flex;align-items:center;gap:1rem}.box{border:1px solid #9aa8c1;background:#f7f9fc;border-radius:4px;padding:.35rem .7rem;min-width:330px}
        .box b{font-size:1.05rem}.arrow{margin-left:160px;color:#7b88a0;line-height:1.1}.out{font-size:.85rem;color:#5a6477;border-left:2px solid #c9a227;padding-left:.5rem}
        svg{max-width:100%;height:auto;font-family:inherit}.chart{margin:.4rem 0 0}
        @media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}
        """
}
