// Step curves of cumulative incidence with their confidence bands, as inline SVG, and the
// numbers-at-risk table under them (KMunicate style). Only published points are drawn:
// the curve table already stopped where fewer than minCell were at risk. A curve may carry
// a secondary estimate (Kaplan-Meier beside Aalen-Johansen), drawn as a thin line without
// a band in the same colour.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// One curve: a label and its published grid points.
public struct CurveSeries: Sendable {
    public var label: String
    /// (day, cumulative incidence, lower, upper), ascending by day.
    public var points: [(t: Int, f: Double, low: Double, high: Double)]
    /// Numbers at risk by day, as published.
    public var atRisk: [Int: String]
    /// A secondary estimate on the same days (day, cumulative incidence), drawn thin and
    /// without a band; empty for none.
    public var secondary: [(t: Int, f: Double)]

    package init(label: String, points: [(t: Int, f: Double, low: Double, high: Double)], atRisk: [Int: String],
                 secondary: [(t: Int, f: Double)] = []) {
        self.label = label
        self.points = points
        self.atRisk = atRisk
        self.secondary = secondary
    }
}

/// A cumulative-incidence chart of one or more curves.
public struct StepChart: Sendable {
    public var title: String
    public var series: [CurveSeries]
    /// The legend's words for the secondary lines, when any series has them.
    public var secondaryLabel = "thin lines: Kaplan-Meier"

    package static let palette = ["#1b6ca8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d", "#b8860b", "#16a085"]
    package static let dashes = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 6"]

    /// The SVG image.
    public func svg() -> String {
        let width = 800.0, height = 330.0, left = 58.0, right = 210.0, top = 20.0, bottom = 42.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxT = max(series.flatMap { $0.points.map(\.t) }.max() ?? 1, 1)
        let highest = max(0.01, series.flatMap { $0.points.map(\.high) + $0.secondary.map(\.f) }.max() ?? 0.01)
        let yStep = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25].first { highest / $0 <= 6 } ?? 0.25
        let yTicks = Int((highest / yStep).rounded(.up))
        let maxF = Double(yTicks) * yStep
        func x(_ t: Int) -> String { fmt(left + plotW * Double(t) / Double(maxT)) }
        func y(_ f: Double) -> String { fmt(top + plotH * (1 - f / maxF)) }
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" fill=\"#fbfcfe\" stroke=\"#c5ccd8\"/>"
        for i in 0...yTicks {
            let f = yStep * Double(i)
            out += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotW))\" y1=\"\(y(f))\" y2=\"\(y(f))\" stroke=\"#e6e9ef\"/>"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(y(f))\" font-size=\"11\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Cell.fixed(100 * f, 0))%</text>"
        }
        for t in Self.ticks(maxT) {
            out += "<line x1=\"\(x(t))\" x2=\"\(x(t))\" y1=\"\(fmt(top + plotH))\" y2=\"\(fmt(top + plotH + 4))\" stroke=\"#555\"/>"
            out += "<text x=\"\(x(t))\" y=\"\(fmt(top + plotH + 16))\" font-size=\"11\" text-anchor=\"middle\">\(t)</text>"
        }
        out += "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(height - 6))\" font-size=\"12\" text-anchor=\"middle\">days since index date</text>"
        out += "<text x=\"14\" y=\"\(fmt(top + plotH / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(fmt(top + plotH / 2)))\">cumulative incidence</text>"
        for (i, s) in series.enumerated() where !s.points.isEmpty {
            let colour = Self.palette[i % Self.palette.count]
            // The band: upper step line forward, lower step line back.
            var upper: [String] = [], lower: [String] = []
            for (k, p) in s.points.enumerated() {
                let next = k + 1 < s.points.count ? s.points[k + 1].t : p.t
                upper += ["\(x(p.t)),\(y(p.high))", "\(x(next)),\(y(p.high))"]
                lower += ["\(x(p.t)),\(y(p.low))", "\(x(next)),\(y(p.low))"]
            }
            out += "<polygon points=\"\((upper + lower.reversed()).joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.13\" stroke=\"none\"/>"
            var line: [String] = []
            for (k, p) in s.points.enumerated() {
                let next = k + 1 < s.points.count ? s.points[k + 1].t : p.t
                line += ["\(x(p.t)),\(y(p.f))", "\(x(next)),\(y(p.f))"]
            }
            let dash = Self.dashes[i % Self.dashes.count]
            out += "<polyline points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            if !s.secondary.isEmpty {
                var thin: [String] = []
                for (k, p) in s.secondary.enumerated() {
                    let next = k + 1 < s.secondary.count ? s.secondary[k + 1].t : p.t
                    thin += ["\(x(p.t)),\(y(p.f))", "\(x(next)),\(y(p.f))"]
                }
                out += "<polyline points=\"\(thin.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1\" stroke-opacity=\"0.7\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            }
            let ly = top + 14 + Double(i) * 18
            out += "<line x1=\"\(fmt(width - right + 12))\" x2=\"\(fmt(width - right + 36))\" y1=\"\(fmt(ly))\" y2=\"\(fmt(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            out += "<text x=\"\(fmt(width - right + 42))\" y=\"\(fmt(ly))\" font-size=\"11\" dominant-baseline=\"middle\">\(HTML.escape(String(s.label.prefix(28))))</text>"
        }
        if series.contains(where: { !$0.secondary.isEmpty }) {
            let ly = top + 14 + Double(series.count) * 18
            out += "<text x=\"\(fmt(width - right + 12))\" y=\"\(fmt(ly))\" font-size=\"11\" fill=\"#555\" dominant-baseline=\"middle\">\(HTML.escape(secondaryLabel))</text>"
        }
        return out + "</svg>"
    }

    /// The numbers at risk under the chart at evenly spaced published days.
    public func atRiskTable() -> String {
        let days = Set(series.flatMap { $0.points.map(\.t) }).sorted()
        guard !days.isEmpty else { return "" }
        let step = max(1, Int((Double(days.count) / 9).rounded(.up)))
        let shown = stride(from: 0, to: days.count, by: step).map { days[$0] }
        let rows = series.map { s in [HTML.escape(s.label)] + shown.map { s.atRisk[$0] ?? "" } }
        return "<p class=\"lead\">Numbers at risk</p>" + HTML.table(header: ["day"] + shown.map(String.init), rows: rows)
    }

    package static func ticks(_ maxT: Int) -> [Int] {
        let step = [30, 91, 182, 365, 730, 1461].first { maxT / $0 <= 7 } ?? 1461
        return Array(stride(from: 0, through: maxT, by: step))
    }

    package func fmt(_ v: Double) -> String { Cell.fixed(v, 1) }
    package init(title: String, series: [CurveSeries]) {
        self.title = title
        self.series = series
    }
}
