// Step curves of cumulative incidence with their confidence bands, as inline SVG, and the
// numbers-at-risk table under them (KMunicate style). Only published points are drawn:
// the curve table already stopped where fewer than minCell were at risk. A curve may carry
// a secondary estimate (Kaplan-Meier beside Aalen-Johansen), drawn as a thin line without
// a band in the same colour.
//
// Readability: no two curves of one chart share both colour and dash; more than
// `maxSeries` curves are drawn as small multiples (one small chart per value, all on the
// same axes) by the report; the x axis ticks are round day counts from a fixed list, and the
// numbers-at-risk columns are exactly those days, each read from the published curve point
// on or just before it (nothing is computed from true counts here).

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// One curve: a label and its published grid points.
public struct CurveSeries: Sendable {
    public var label: String
    /// The code behind the label (the stratum value as published), for `data-key`.
    public var key: String
    /// (day, cumulative incidence, lower, upper), ascending by day.
    public var points: [(t: Int, f: Double, low: Double, high: Double)]
    /// Numbers at risk by day, as published.
    public var atRisk: [Int: String]
    /// A secondary estimate on the same days (day, cumulative incidence), drawn thin and
    /// without a band; empty for none.
    public var secondary: [(t: Int, f: Double)]

    package init(label: String, key: String? = nil, points: [(t: Int, f: Double, low: Double, high: Double)], atRisk: [Int: String],
                 secondary: [(t: Int, f: Double)] = []) {
        self.label = label
        self.key = key ?? label
        self.points = points
        self.atRisk = atRisk
        self.secondary = secondary
    }

    /// The published number at risk for an axis day: that of the last curve point on or
    /// before it; nil when the curve does not reach the day (it stopped earlier).
    public func atRisk(on day: Int) -> String? {
        guard let last = points.last, day <= last.t else { return nil }
        guard let point = points.last(where: { $0.t <= day }) else { return nil }
        return atRisk[point.t]
    }
}

/// A cumulative-incidence chart of one or more curves.
public struct StepChart: Sendable {
    public var title: String
    public var series: [CurveSeries]
    /// The legend's words for the secondary lines, when any series has them.
    public var secondaryLabel: String
    public var xLabel: String
    public var yLabel: String
    /// A curve drawn thin and grey behind the others, without a band (all entries, beside
    /// one value in a small multiple); nil for none.
    public var reference: CurveSeries?
    /// The last day and the highest share of the axes; nil: from the curves drawn. Small
    /// multiples share both so their axes are the same.
    public var maxDay: Int?
    public var maxShare: Double?
    /// A small chart of a small multiple: no legend, less room.
    public var small = false

    /// One chart holds at most this many curves; the report draws more as small multiples.
    public static let maxSeries = 6

    package static let palette = ["#1b6ca8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#5d6d7e", "#b8860b", "#16a085"]
    package static let dashes = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 6"]
    package static let referenceColour = "#9aa3b2"

    /// Colour and dash of the i-th curve: no two curves share both (colours repeat only
    /// after eight, with the next dash).
    package static func style(_ i: Int) -> (colour: String, dash: String) {
        (palette[i % palette.count], dashes[(i + i / palette.count) % dashes.count])
    }

    /// The last day drawn of some curves.
    package static func lastDay(_ series: [CurveSeries]) -> Int { max(series.flatMap { $0.points.map(\.t) }.max() ?? 1, 1) }

    /// The highest share drawn of some curves: upper bounds and secondary lines.
    package static func highest(_ series: [CurveSeries]) -> Double {
        max(0.01, series.flatMap { $0.points.map(\.high) + $0.secondary.map(\.f) }.max() ?? 0.01)
    }

    /// The x axis ticks of this chart: `ticks(lastDay)`.
    public var tickDays: [Int] { Self.ticks(maxDay ?? Self.lastDay(series)) }

    /// The SVG image.
    public func svg() -> String {
        let width = small ? 360.0 : 800.0, height = small ? 230.0 : 330.0
        let left = small ? 44.0 : 58.0, right = small ? 12.0 : 210.0, top = small ? 10.0 : 20.0, bottom = small ? 36.0 : 42.0
        let font = small ? 10 : 11, labelFont = small ? 10 : 12
        let plotW = width - left - right, plotH = height - top - bottom
        let maxT = maxDay ?? Self.lastDay(series)
        let highest = maxShare ?? Self.highest(series + (reference.map { [$0] } ?? []))
        let yStep = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25].first { highest / $0 <= (small ? 5 : 6) } ?? 0.25
        let yTicks = Int((highest / yStep - 1e-9).rounded(.up))
        let maxF = Double(max(yTicks, 1)) * yStep
        func x(_ t: Int) -> String { fmt(left + plotW * Double(t) / Double(maxT)) }
        func y(_ f: Double) -> String { fmt(top + plotH * (1 - f / maxF)) }
        func steps(_ points: [(t: Int, f: Double)]) -> String {
            var line: [String] = []
            for (k, p) in points.enumerated() {
                let next = k + 1 < points.count ? points[k + 1].t : p.t
                line += ["\(x(p.t)),\(y(p.f))", "\(x(next)),\(y(p.f))"]
            }
            return line.joined(separator: " ")
        }
        func dashed(_ dash: String) -> String { dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"" }
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" fill=\"#fbfcfe\" stroke=\"#c5ccd8\"/>"
        for i in 0...max(yTicks, 1) {
            let f = yStep * Double(i)
            out += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotW))\" y1=\"\(y(f))\" y2=\"\(y(f))\" stroke=\"#e6e9ef\"/>"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(y(f))\" font-size=\"\(font)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Cell.fixed(100 * f, 0))%</text>"
        }
        for t in Self.ticks(maxT) {
            out += "<line x1=\"\(x(t))\" x2=\"\(x(t))\" y1=\"\(fmt(top + plotH))\" y2=\"\(fmt(top + plotH + 4))\" stroke=\"#555\"/>"
            out += "<text x=\"\(x(t))\" y=\"\(fmt(top + plotH + 15))\" font-size=\"\(font)\" text-anchor=\"middle\" class=\"tick\">\(t)</text>"
        }
        out += "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(height - 5))\" font-size=\"\(labelFont)\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        let yMid = fmt(top + plotH / 2), yLabelX = small ? 10 : 14
        out += "<text x=\"\(yLabelX)\" y=\"\(yMid)\" font-size=\"\(labelFont)\" text-anchor=\"middle\" transform=\"rotate(-90 \(yLabelX) \(yMid))\">\(HTML.escape(yLabel))</text>"
        if let reference, !reference.points.isEmpty {
            out += "<polyline points=\"\(steps(reference.points.map { ($0.t, $0.f) }))\" fill=\"none\" stroke=\"\(Self.referenceColour)\" stroke-width=\"1.5\"/>"
        }
        for (i, s) in series.enumerated() where !s.points.isEmpty {
            let (colour, dash) = Self.style(i)
            // The band: upper step line forward, lower step line back.
            var upper: [String] = [], lower: [String] = []
            for (k, p) in s.points.enumerated() {
                let next = k + 1 < s.points.count ? s.points[k + 1].t : p.t
                upper += ["\(x(p.t)),\(y(p.high))", "\(x(next)),\(y(p.high))"]
                lower += ["\(x(p.t)),\(y(p.low))", "\(x(next)),\(y(p.low))"]
            }
            out += "<polygon points=\"\((upper + lower.reversed()).joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.13\" stroke=\"none\"/>"
            out += "<polyline points=\"\(steps(s.points.map { ($0.t, $0.f) }))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed(dash))/>"
            if !s.secondary.isEmpty {
                out += "<polyline points=\"\(steps(s.secondary))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1\" stroke-opacity=\"0.7\"\(dashed(dash))/>"
            }
            guard !small else { continue }
            let ly = top + 14 + Double(i) * 18
            out += "<line x1=\"\(fmt(width - right + 12))\" x2=\"\(fmt(width - right + 36))\" y1=\"\(fmt(ly))\" y2=\"\(fmt(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed(dash))/>"
            out += "<text x=\"\(fmt(width - right + 42))\" y=\"\(fmt(ly))\" font-size=\"11\" dominant-baseline=\"middle\">\(HTML.escape(String(s.label.prefix(28))))</text>"
        }
        if !small && series.contains(where: { !$0.secondary.isEmpty }) {
            let ly = top + 14 + Double(series.count) * 18
            out += "<text x=\"\(fmt(width - right + 12))\" y=\"\(fmt(ly))\" font-size=\"11\" fill=\"#555\" dominant-baseline=\"middle\">\(HTML.escape(secondaryLabel))</text>"
        }
        return out + "</svg>"
    }

    /// The numbers at risk under the chart, one column per x axis tick (`tickDays`), each
    /// from the published curve point on or just before it; "–" where the curve stopped.
    public func atRiskTable(dayHeader: String = "day") -> String {
        let days = tickDays
        guard !series.isEmpty else { return "" }
        let rows = series.map { s in
            [s.key == s.label ? HTML.escape(s.label) : "<span data-key=\"\(HTML.escape(s.key))\">\(HTML.escape(s.label))</span>"]
                + days.map { s.atRisk(on: $0).map(HTML.escape) ?? "<span class=\"na\">–</span>" }
        }
        return HTML.table(header: [dayHeader] + days.map(String.init), rows: rows, class: "data atrisk", columns: ["day"])
    }

    /// The fixed lists of round day counts the x axis takes its ticks from: months, then
    /// 0, 90, 180, 365, 545, 730 ... (quarter, half year, then every half year), then years.
    package static let tickLists: [[Int]] = [
        Array(stride(from: 0, through: 300, by: 30)),
        [0, 90, 180, 365, 545, 730, 910, 1095, 1275, 1460],
        Array(stride(from: 0, through: 3650, by: 365)),
        Array(stride(from: 0, through: 7300, by: 730)),
        Array(stride(from: 0, through: 18250, by: 1825)),
    ]

    /// The ticks for an axis from day 0 to `maxT`: from the first list that reaches `maxT`,
    /// its days up to `maxT`.
    package static func ticks(_ maxT: Int) -> [Int] {
        let list = tickLists.first { $0.last! >= maxT } ?? Array(stride(from: 0, through: maxT, by: 3650))
        return list.filter { $0 <= maxT }
    }

    package func fmt(_ v: Double) -> String { Cell.fixed(v, 1) }

    package init(title: String, series: [CurveSeries], text: ReportText = ReportText()) {
        self.title = title
        self.series = series
        self.secondaryLabel = text.kaplanMeierLegend
        self.xLabel = text.xAxis
        self.yLabel = text.yAxis
    }
}
