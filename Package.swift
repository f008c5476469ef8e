// swift-tools-version:6.0
import PackageDescription

// Dependencies come from the machine's offline mirror (see README, "Building").
// - swift-argument-parser: the `streamd` command line and its subcommands.
// - swift-log: structured logging (a journald-aware handler lives in StreamDaemon).
// - swift-nio: the loopback test server (and, later, the Unix-socket API).
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
        .testTarget(
            name: "StreamCoreTests",
            dependencies: ["StreamCore", "StreamTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "StreamDaemonTests",
            dependencies: ["StreamTestSupport"]
        ),
    ]
)
