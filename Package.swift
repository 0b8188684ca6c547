// swift-tools-version:6.0
// Outflow: a nightly batch pipeline that follows group participants to their first
// individual youth-care decision. No package dependencies: the toolchain and the
// system libsqlite3 only. Library targets by layer, dependencies pointing one way
// (docs/architecture.md): Core at the bottom; Storage the only home of SQL; Analysis
// sees plain values, never the database; Pipeline the only place that wires storage to
// analysis; the executable only parses arguments.
import PackageDescription

let package = Package(
    name: "Outflow",
    products: [
        .executable(name: "outflow", targets: ["outflow"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "OutflowCore"),
        .target(name: "OutflowCSV", dependencies: ["OutflowCore"]),
        .target(name: "OutflowStorage", dependencies: ["OutflowCore", "CSQLite"]),
        .target(name: "OutflowIngest", dependencies: ["OutflowCore", "OutflowCSV", "OutflowStorage"]),
        .target(name: "OutflowAnalysis", dependencies: ["OutflowCore"]),
        .target(name: "OutflowPublish", dependencies: ["OutflowCore", "OutflowCSV", "OutflowAnalysis"]),
        .target(name: "OutflowPipeline",
                dependencies: ["OutflowCore", "OutflowCSV", "OutflowStorage", "OutflowIngest", "OutflowAnalysis", "OutflowPublish"]),
        .target(name: "OutflowSynthetic", dependencies: ["OutflowCore", "OutflowCSV"]),
        .executableTarget(name: "outflow", dependencies: ["OutflowPipeline", "OutflowSynthetic"]),
        .target(name: "OutflowTestSupport",
                dependencies: ["OutflowCore", "OutflowCSV", "OutflowStorage", "OutflowIngest", "OutflowAnalysis", "OutflowPublish", "OutflowPipeline"],
                path: "Tests/OutflowTestSupport"),
        .testTarget(name: "OutflowCoreTests", dependencies: ["OutflowCore", "OutflowTestSupport"]),
        .testTarget(name: "OutflowCSVTests", dependencies: ["OutflowCore", "OutflowCSV", "OutflowTestSupport"]),
        .testTarget(name: "OutflowStorageTests", dependencies: ["OutflowCore", "OutflowStorage", "OutflowTestSupport"]),
        .testTarget(name: "OutflowIngestTests",
                    dependencies: ["OutflowCore", "OutflowCSV", "OutflowIngest", "OutflowStorage", "OutflowSynthetic", "OutflowTestSupport"]),
        .testTarget(name: "OutflowAnalysisTests", dependencies: ["OutflowCore", "OutflowAnalysis", "OutflowSynthetic", "OutflowTestSupport"]),
        .testTarget(name: "OutflowPublishTests", dependencies: ["OutflowCore", "OutflowCSV", "OutflowPublish", "OutflowAnalysis", "OutflowTestSupport"]),
        .testTarget(name: "OutflowPipelineTests",
                    dependencies: ["OutflowCore", "OutflowCSV", "OutflowPipeline", "OutflowIngest", "OutflowStorage", "OutflowAnalysis", "OutflowPublish", "OutflowSynthetic", "OutflowTestSupport"]),
        .testTarget(name: "OutflowSyntheticTests",
                    dependencies: ["OutflowCore", "OutflowCSV", "OutflowStorage", "OutflowIngest", "OutflowPipeline", "OutflowSynthetic", "OutflowTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
