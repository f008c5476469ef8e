// swift-tools-version:6.0
import PackageDescription

// Dependencies come from the machine's offline mirror (see README, "Building").
// - swift-argument-parser: the `streamd` command line and its subcommands.
// - swift-log: structured logging (a journald-aware handler lives in StreamDaemon).
// - swift-nio: the Unix-socket HTTP API and SSE (NIOHTTP1), and the loopback test server.
// - TOMLKit: reading the TOML configuration (with key paths for errors).
// - swift-metrics + swift-prometheus: the counters behind GET /metrics.
let package = Package(
    name: "streamd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "streamd", targets: ["StreamDaemon"]),
        .library(name: "StreamCore", targets: ["StreamCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "StreamCore",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "StreamDaemon",
            dependencies: [
                "StreamCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StreamTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Tests/StreamTestSupport"
        ),
        .executableTarget(
            name: "streamd-bench",
            dependencies: ["StreamCore", "StreamTestSupport"],
            path: "Benchmarks/EngineBench"
        ),
        .testTarget(
            name: "StreamCoreTests",
            dependencies: ["StreamCore", "StreamTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "StreamDaemonTests",
            dependencies: ["StreamTestSupport"]
        ),
        .testTarget(
            name: "IcecastTests",
            dependencies: ["StreamTestSupport"]
        ),
        .testTarget(
            name: "ScreenTests",
            dependencies: ["StreamCore", "StreamTestSupport"]
        ),
    ]
)
