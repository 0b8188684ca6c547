// swift-tools-version:6.0
// Outflow: a nightly batch pipeline that follows group participants to their first
// individual youth-care decision. No package dependencies: the toolchain and the
// system libsqlite3 only.
import PackageDescription

let package = Package(
    name: "Outflow",
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "OutflowKit",
            dependencies: ["CSQLite"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "outflow",
            dependencies: ["OutflowKit"]
        ),
        .testTarget(
            name: "OutflowKitTests",
            dependencies: ["OutflowKit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
