// swift-tools-version:6.0
import PackageDescription

// Dependencies come from the machine's offline mirror (see README, "Building").
// - swift-argument-parser: the `streamd` command line and its subcommands.
// - swift-log: structured logging (a journald-aware handler lives in StreamDaemon).
// - swift-nio: the Unix-socket HTTP API and SSE (NIOHTTP1), the demo station and the
//   loopback test server.
// - TOMLKit: reading the TOML configuration (with key paths for errors).
// - swift-metrics + swift-prometheus: the counters behind GET /metrics (libraries count through
//   swift-metrics; the daemon bootstraps it with the Prometheus registry).
// - libmosquitto (Debian, through CMosquitto): the MQTT client for [publish.mqtt]; the
//   broker side of the tests is Debian's mosquitto.
// - swift-service-lifecycle: runs the daemon (and `screen`, `watch`) as a ServiceGroup:
//   ordered graceful shutdown on SIGTERM/SIGINT with a deadline, UnixSignals for SIGHUP.
//
// The targets are the rooms of the daemon; each may use only the rooms below it (README,
// "Architecture"; scripts/check-architecture.sh fails the build of the tests otherwise):
//
//   StreamDaemon (the `streamd` executable: command line)
//     StreamService   the running daemon: its services, systemd
//       StreamAPI     the socket API, SSE, metrics, the state file writer
//       StreamWatch   watchers: streams, sources, probe, the supervisor
//       StreamMQTT    publishing the state to an MQTT broker (CMosquitto)
//       StreamOutputs the outputs: the now-playing text sent on (files, RDS, DLS, UDP, HTTP)
//         StreamHTTP  the libcurl engine (CCurl)
//       StreamConfig  the TOML configuration → station specs
//         StreamState the state document, station specs, observations, merge, store
//           StreamFormats  pure parsers: bytes in, values out (Foundation only)
//     StreamClient    the client side: daemon client, SSE feed, screens
//     StreamDemo      the simulated station of `streamd demo`
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
// Locks: NIOConcurrencyHelpers (pthread mutexes, which ThreadSanitizer understands; the
// standard library's Synchronization.Mutex is invisible to TSan on Linux, every use of it a
// false report). A small module of swift-nio with no event loops in it.
let locks: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let lifecycle: [Target.Dependency] = [
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "UnixSignals", package: "swift-service-lifecycle"),
]

let package = Package(
    name: "streamd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "streamd", targets: ["StreamDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // HeapModule: the deadlines of WakeupTimers (already in the graph through swift-async-algorithms).
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Tests only: the test kit launches processes (streamd, Icecast, ffmpeg, curl,
        // Chromium, tmux) with swift-subprocess.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL's libcrypto (Debian's libssl-dev): HMAC-SHA256 for the outputs' signed
        // webhooks (libcurl links it already; swift-crypto would build BoringSSL for one call).
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libmpg123 (Debian's libmpg123-dev): decoding followed MP3 streams for their audio
        // levels (dead-air detection, issue 19).
        .systemLibrary(
            name: "CMpg123",
            pkgConfig: "libmpg123",
            providers: [.apt(["libmpg123-dev"])]
        ),
        // FAAD2 (Debian's libfaad-dev, no pkg-config file): decoding followed AAC streams (ADTS:
        // LC, HE-AAC) for their audio levels.
        .systemLibrary(name: "CFaad", providers: [.apt(["libfaad-dev"])]),
        // libogg, libvorbis and libopus (Debian's libogg-dev, libvorbis-dev, libopus-dev):
        // decoding followed Ogg Vorbis and Ogg Opus streams for their audio levels. One module
        // for the three (an Ogg stream needs the container and one of the codecs); no pkgConfig,
        // as a system library takes one name and the headers are under /usr/include.
        .systemLibrary(name: "COggAudio", providers: [.apt(["libogg-dev", "libvorbis-dev", "libopus-dev"])]),
        // glibc's malloc.h (malloc_trim), for the daemon's heap trim.
        .systemLibrary(name: "CMalloc"),
        // libmosquitto, the MQTT client library of the Mosquitto project (Debian's
        // libmosquitto-dev), for publishing the state to a broker ([publish.mqtt]).
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .target(name: "StreamFormats"),
        .target(name: "StreamAudio", dependencies: ["CMpg123", "CFaad", "COggAudio"]),
        .target(name: "StreamHTTP", dependencies: ["CCurl", locks,
                                                   .product(name: "HeapModule", package: "swift-collections")]),
        .target(name: "StreamState", dependencies: ["StreamFormats", locks,
                                                    .product(name: "HeapModule", package: "swift-collections")]),
        .target(
            name: "StreamConfig",
            dependencies: ["StreamState", "StreamFormats", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "StreamWatch",
            dependencies: ["StreamHTTP", "StreamState", "StreamFormats", "StreamAudio", logging, locks,
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "HeapModule", package: "swift-collections")]
        ),
        .target(
            name: "StreamAPI",
            dependencies: ["StreamState", "StreamFormats", logging, locks] + nio + [
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "StreamMQTT",
            dependencies: ["CMosquitto", "StreamState", logging, locks, .product(name: "Metrics", package: "swift-metrics")]
        ),
        .target(name: "StreamOutputs", dependencies: ["CCrypto", "StreamHTTP", "StreamState", logging, locks] + nio),
        .target(name: "StreamClient", dependencies: ["StreamHTTP", "StreamMQTT", "StreamState", "StreamFormats", locks]),
        .target(name: "StreamDemo", dependencies: ["StreamFormats", locks] + nio),
        .target(
            name: "StreamService",
            dependencies: ["CMalloc", "StreamHTTP", "StreamState", "StreamConfig", "StreamWatch", "StreamAPI", "StreamMQTT",
                           "StreamOutputs",
                           "StreamFormats", logging, locks,
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus")] + lifecycle
        ),
        .executableTarget(
            name: "StreamDaemon",
            dependencies: [
                "StreamService", "StreamClient", "StreamDemo", "StreamConfig", "StreamWatch", "StreamAPI", "StreamMQTT",
                "StreamState", "StreamFormats", "StreamHTTP", logging, locks,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + lifecycle
        ),
        .target(
            name: "StreamTestSupport",
            dependencies: ["StreamFormats", locks] + nio + [
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Tests/StreamTestSupport"
        ),
        .executableTarget(
            name: "streamd-bench",
            dependencies: ["StreamHTTP", "StreamFormats", "StreamTestSupport"],
            path: "Benchmarks/EngineBench"
        ),
        .executableTarget(
            name: "streamd-levels-bench",
            dependencies: ["StreamAudio"],
            path: "Benchmarks/LevelsBench"
        ),
        .testTarget(name: "StreamFormatsTests", dependencies: ["StreamFormats", "StreamTestSupport"]),
        .testTarget(name: "StreamHTTPTests", dependencies: ["StreamHTTP", "StreamTestSupport"]),
        .testTarget(name: "StreamStateTests", dependencies: ["StreamState", "StreamTestSupport", locks]),
        .testTarget(name: "StreamConfigTests", dependencies: ["StreamConfig", "StreamTestSupport", "CMalloc"]),
        .testTarget(name: "StreamWatchTests", dependencies: ["StreamWatch", "StreamTestSupport", logging, locks]),
        .testTarget(name: "StreamAPITests", dependencies: ["StreamAPI", "StreamHTTP", "StreamClient", "StreamTestSupport", logging] + nio + [
            .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "StreamMQTTTests", dependencies: ["StreamMQTT", "StreamState", "StreamTestSupport"]),
        .testTarget(name: "StreamAudioTests", dependencies: ["StreamAudio", "StreamTestSupport"]),
        .testTarget(name: "StreamOutputsTests", dependencies: ["StreamOutputs", "StreamState", "StreamTestSupport", logging]),
        .testTarget(name: "StreamDemoTests", dependencies: ["StreamDemo", "StreamConfig", "StreamHTTP", "StreamTestSupport"]),
        .testTarget(name: "StreamDaemonTests", dependencies: ["StreamTestSupport"]),
        .testTarget(name: "IcecastTests", dependencies: ["StreamTestSupport"]),
        .testTarget(name: "MQTTBrokerTests", dependencies: ["StreamTestSupport"]),
        .testTarget(name: "ScreenTests", dependencies: ["StreamClient", "StreamAPI", "StreamState", "StreamTestSupport"]),
    ]
)
