// swift-tools-version:6.0
import PackageDescription

/// Targets mirror the pipeline's route: the libpq wire layer at the bottom (`CLibPQ`, `LibPQ`),
/// the export stages above it (`CustomerExport`: extract → normalize → dedupe → load, plus state),
/// the CLI on top (`customer-export`), and the bundled API simulator (`CustomersSimulator`,
/// `customers-sim`) that tests, demos and benchmarks use as their source.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
/// What every stage may use: the shared vocabulary (records, counts, time, tables), the JSON
/// scanner, the concurrency primitives and database sessions, and the libraries under them.
let common: [Target.Dependency] = ["CustomerExportCommon", "LibPQ", logging]
/// The stages, which the rooms above them compose.
let stages: [Target.Dependency] = [
    "CustomerExportExtract", "CustomerExportNormalize", "CustomerExportDedupe", "CustomerExportLoad", "CustomerExportState",
]

/// Every target of the exporter. The CLI and the tests name them all, not only the umbrella that
/// re-exports them: the build then recompiles them when any of these modules changes (through the
/// umbrella alone, an incremental build kept stale code for a changed type, which crashed).
let exporter: [Target.Dependency] = ["CustomerExport"] + common + stages + [
    "CustomerExportConfiguration", "CustomerExportReporting", "CustomerExportRun", "CustomerExportAdministration", "CustomerExportVerify",
]

/// One stage or room of the exporter: `Sources/CustomerExport/<path>`, module `CustomerExport<name>`.
/// No unsafe flags, so other packages can depend on this one: the per-record call that crosses a
/// module with a closure (the normalizer walking a record with the JSON scanner) is `@inlinable`
/// and specialized inside Normalize; the other per-record calls across modules (the record
/// scope, the COPY encoder, the timestamp parser) are `@inlinable` or plain calls on concrete
/// types, never generic nor existential: without cross-module optimization a generic one runs
/// unspecialized (the timestamp parser's did, for 9% of a sparse backfill's CPU).
func exportTarget(_ name: String, _ path: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: "CustomerExport" + name, dependencies: dependencies, path: "Sources/CustomerExport/" + path, swiftSettings: strictSettings)
}

let package = Package(
    name: "customer-export",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "customer-export", targets: ["customer-export"]),
        .executable(name: "customers-sim", targets: ["customers-sim"]),
        .library(name: "CustomersSimulator", targets: ["CustomersSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // The C layer: libpq as installed by libpq-dev. Nothing but `LibPQ` imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The typed wrapper: the only Swift code that calls PQ* functions or sees an OpaquePointer.
        .target(
            name: "LibPQ",
            dependencies: ["CLibPQ"],
            swiftSettings: strictSettings
        ),
        // The export pipeline, one target per stage and room, so that the compiler keeps the flow
        // one-way: a stage that names a later stage's type does not build. Common is what every
        // stage shares; the stages (Extract, Normalize, Dedupe, Load, State) see only Common (Load
        // also State, whose checkpoints commit in its transactions); the
        // rooms above (Configuration, Reporting, Run, Administration, Verify) see everything below
        // them. Targets are split by concern, never by size. Types that cross a target are
        // `package`: the CLI and the tests are in this package, and the exporter promises no
        // Swift API to other packages (it is a command; LibPQ and the simulator are libraries).
        exportTarget("Common", "Common", ["LibPQ", logging]),
        exportTarget("Extract", "Extract", common + [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        exportTarget("Normalize", "Normalize", common),
        exportTarget("Dedupe", "Dedupe", common),
        exportTarget("Load", "Load", common + ["CustomerExportState"]),
        exportTarget("State", "State", common),
        exportTarget("Configuration", "Configuration", common + stages + [
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        exportTarget("Reporting", "Reporting", common + stages + ["CustomerExportConfiguration",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        exportTarget("Run", "Run", common + stages + ["CustomerExportConfiguration", "CustomerExportReporting"]),
        exportTarget("Administration", "Administration", common + stages + ["CustomerExportConfiguration", "CustomerExportReporting", "CustomerExportRun"]),
        exportTarget("Verify", "Verify", common + stages + ["CustomerExportConfiguration", "CustomerExportReporting", "CustomerExportRun",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // `import CustomerExport`: every target above, re-exported, for the CLI and the tests.
        .target(
            name: "CustomerExport",
            dependencies: common + stages + ["CustomerExportConfiguration", "CustomerExportReporting", "CustomerExportRun", "CustomerExportAdministration", "CustomerExportVerify"],
            path: "Sources/CustomerExport/Exports",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "customer-export",
            dependencies: exporter + [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // The bundled Customers API simulator; its library doubles as the tests' in-process server.
        .target(
            name: "CustomersSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "customers-sim",
            dependencies: [
                "CustomersSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LibPQTests",
            dependencies: ["LibPQ", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CustomersSimulatorTests",
            dependencies: [
                "CustomersSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The unit tier: no PostgreSQL, no simulator process, seconds after the build
        // (`scripts/test --unit`). The stages' pure logic, read by a newcomer first.
        .testTarget(
            name: "CustomerExportUnitTests",
            dependencies: exporter,
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CustomerExportTests",
            dependencies: exporter + ["CustomersSimulator", "TestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // Shared helpers for tests that need the scripts' PostgreSQL (connection string, fresh schemas).
        .target(
            name: "TestSupport",
            dependencies: ["LibPQ"],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
    ]
)
