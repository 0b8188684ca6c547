// Runs the real `outflow` executable, built beside the test bundle, for end-to-end tests.

import Foundation

/// The built `outflow` executable.
package enum Binary {
    /// `OUTFLOW_BIN` names the binary to test (scripts/test points it at the release build);
    /// without it, the build beside the test bundle.
    package static var path: String {
        if let chosen = ProcessInfo.processInfo.environment["OUTFLOW_BIN"], !chosen.isEmpty { return chosen }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("outflow").path
    }

    /// The package root (for sample-data and pipelines).
    package static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    package struct Result {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// Runs outflow to completion.
    @discardableResult
    package static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, environment: environment)
        let out = process.standardOutput as! Pipe, err = process.standardError as! Pipe
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts outflow without waiting (for kill tests); output goes to pipes.
    package static func start(_ arguments: [String], environment: [String: String] = [:], quiet: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if quiet {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        } else {
            process.standardOutput = Pipe()
            process.standardError = Pipe()
        }
        try process.run()
        return process
    }
}
