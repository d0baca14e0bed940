// swift-tools-version:6.0
import PackageDescription

/// Targets mirror the pipeline's route: the libpq wire layer at the bottom (`CLibPQ`, `LibPQ`),
/// the export stages above it (`CustomerExport`: extract → normalize → dedupe → load, plus state),
/// the CLI on top (`customer-export`), and the bundled API simulator (`CustomersSimulator`,
/// `customers-sim`) that tests, demos and benchmarks use as their source.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "customer-export",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "customer-export", targets: ["customer-export"]),
        .executable(name: "customers-sim", targets: ["customers-sim"]),
        .library(name: "CustomerExport", targets: ["CustomerExport"]),
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
        // The export pipeline: the stages (Common/, Extract/, Normalize/, Dedupe/, Load/, State/) and the
        // rooms above them (Configuration/, Reporting/, Run/, Administration/).
        .target(
            name: "CustomerExport",
            dependencies: [
                "LibPQ",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "customer-export",
            dependencies: [
                "CustomerExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
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
        .testTarget(
            name: "CustomerExportTests",
            dependencies: [
                "CustomerExport", "CustomersSimulator", "LibPQ", "TestSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
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
