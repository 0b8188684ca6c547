// The stages of a run (ingest, link, cohort, measures, questionnaire, audit, publish), each
// timed and recorded in the manifest with its status and row count. A failing stage stops
// the run and is named in the error.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// Runs stages in order and keeps their records.
public struct StageRunner {
    public private(set) var records: [StageRecord] = []
    package let log: Log

    public init(log: Log) { self.log = log }

    /// Runs one stage; `body` returns its row count.
    @discardableResult
    public mutating func run<T>(_ name: String, rows: (T) -> Int, _ body: () throws -> T) throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        return try record(name, rows: rows, seconds: { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }, note: "", body)
    }
}

extension StageRunner {
    /// Waits for a stage that ran on a background thread and records it with the seconds it
    /// took there (it overlapped the stages recorded before it).
    @discardableResult
    package mutating func join<T>(_ name: String, _ work: Background<T>, rows: (T) -> Int) throws -> T {
        try record(name, rows: rows, seconds: { work.seconds }, note: " alongside the stages before it") { try work.wait() }
    }

    /// Records a stage's outcome: its rows, seconds and the peak memory so far, or its failure.
    private mutating func record<T>(_ name: String, rows: (T) -> Int, seconds: () -> Double, note: String,
                                    _ body: () throws -> T) throws -> T {
        do {
            let value = try body()
            let record = StageRecord(name: name, status: "ok", seconds: seconds(), rows: rows(value), peakMiB: Self.peakMiB())
            records.append(record)
            log.info(name, "done: \(record.rows) rows in \(String(format: "%.2f", record.seconds)) s\(note), peak \(record.peakMiB) MiB")
            return value
        } catch {
            records.append(StageRecord(name: name, status: "failed", seconds: seconds(), rows: 0, peakMiB: Self.peakMiB()))
            throw StageFailure(stage: name, underlying: error)
        }
    }

    /// Peak resident memory of the process in MiB, from /proc/self/status (0 where unavailable).
    package static func peakMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}

/// An error raised inside a stage, carrying the stage's name.
public struct StageFailure: Error, CustomStringConvertible {
    public let stage: String
    public let underlying: Error
    public var description: String { "stage \(stage): \(underlying)" }
}
