import Foundation
import StreamTestSupport
import Testing
@testable import StreamConfig

@Suite("Configuration: valid files")
struct ConfigParseTests {
    @Test("the embedded default is WVIA-FM with its Triton mount")
    func embeddedDefault() throws {
        let config = StreamdConfiguration.embeddedDefault
        #expect(config.sourceFile == nil)
        #expect(config.daemon == DaemonConfig(live: "wvia-fm"))
        let station = try #require(config.stations.first)
        #expect(config.stations.count == 1)
        #expect(station.id == "wvia-fm")
        #expect(station.name == "WVIA-FM")
        #expect(station.tagline == "89.9 FM")
        #expect(station.timezone == "America/New_York")
        #expect(station.streams == [StreamConfig(
            id: "main", url: "https://playerservices.streamtheworld.com/api/livestream-redirect/WVIAFM.mp3", mode: .follow)])
        #expect(station.sources == [SourceConfig(settings: .triton(mount: "WVIAFM", count: 5), interval: .seconds(15))])
        // The text is the same the parser accepts from a file.
        let reparsed = try StreamdConfiguration.parse(StreamdConfiguration.embeddedDefaultTOML, file: "x.toml")
        #expect(reparsed.stations == config.stations)
    }

    @Test("the brief's example parses to its values, with defaults for the rest")
    func briefExample() throws {
        let toml = """
            [daemon]
            socket = "/run/streamd/streamd.sock"
            state_file = "/var/lib/streamd/state.json"
            live = "wvia-fm"

            [[station]]
            id = "wvia-fm"
            name = "WVIA-FM"
            timezone = "America/New_York"

              [[station.stream]]
              id = "main"
              url = "https://playerservices.streamtheworld.com/api/livestream-redirect/WVIAFM.mp3"
              mode = "follow"

              [[station.source]]
              kind = "triton"
              mount = "WVIAFM"
              interval = "15s"
            """
        let config = try StreamdConfiguration.parse(toml, file: "/etc/streamd/streamd.toml")
        #expect(config.sourceFile == "/etc/streamd/streamd.toml")
        #expect(config.daemon.socket == "/run/streamd/streamd.sock")
        #expect(config.daemon.socketMode == 0o660)
        #expect(config.daemon.stateFile == "/var/lib/streamd/state.json")
        #expect(config.daemon.live == "wvia-fm")
        #expect(config.daemon.logLevel == .info)
        #expect(config.daemon.listen == nil)
        #expect(config.stations == [StationConfig(
            id: "wvia-fm", name: "WVIA-FM", tagline: nil, timezone: "America/New_York",
            streams: [StreamConfig(id: "main", url: "https://playerservices.streamtheworld.com/api/livestream-redirect/WVIAFM.mp3",
                                   mode: .follow, interval: .seconds(60), format: .auto)],
            sources: [SourceConfig(settings: .triton(mount: "WVIAFM", count: 5), interval: .seconds(15), timeout: .seconds(10))])])
    }

    @Test("every daemon key, and live defaulting to the first station")
    func daemonKeys() throws {
        let config = try StreamdConfiguration.parse(minimalConfig(daemon: """
            socket = "/tmp/s.sock"
            socket_mode = "0600"
            state_file = "state.json"
            log_level = "debug"
            listen = "[::1]:8080"
            user_agent_suffix = "(ops@example.org)"
            """), file: "t.toml")
        #expect(config.daemon == DaemonConfig(socket: "/tmp/s.sock", socketMode: 0o600, stateFile: "state.json",
                                              live: "wvia-fm", logLevel: .debug,
                                              listen: ListenAddress(host: "::1", port: 8080),
                                              userAgentSuffix: "(ops@example.org)"))
        let octal = try StreamdConfiguration.parse(minimalConfig(daemon: "socket_mode = 0o640"), file: "t.toml")
        #expect(octal.daemon.socketMode == 0o640)
    }

    @Test("listen addresses", arguments: [
        ("127.0.0.1:8080", ListenAddress(host: "127.0.0.1", port: 8080)),
        ("[::1]:8080", ListenAddress(host: "::1", port: 8080)),
        (":8080", ListenAddress(host: nil, port: 8080)),
        ("localhost:9000", ListenAddress(host: "localhost", port: 9000)),
    ])
    func listen(text: String, expected: ListenAddress) throws {
        let config = try StreamdConfiguration.parse(minimalConfig(daemon: "listen = \"\(text)\""), file: "t.toml")
        #expect(config.daemon.listen == expected)
        #expect(config.daemon.listen?.description == text)
    }

    @Test("stream keys and a station charset")
    func streamKeys() throws {
        let config = try StreamdConfiguration.parse(minimalConfig(
            station: "tagline = \"89.9 FM\"\ncharset = \"latin1\"",
            stream: "mode = \"probe\"\ninterval = \"1m30s\"\nformat = \"hls\"\ncharset = \"windows-1252\""), file: "t.toml")
        let station = try #require(config.stations.first)
        #expect(station.timezone == "UTC")
        #expect(station.charset == .isoLatin1)
        #expect(station.streams == [StreamConfig(id: "main", url: "http://127.0.0.1:8000/live.mp3", mode: .probe,
                                                 interval: .seconds(90), format: .hls, charset: .windows1252)])
    }

    @Test("each source kind with its keys")
    func sourceKinds() throws {
        let toml = minimalConfig() + """

              [[station.source]]
              kind = "triton"
              mount = "WVIAFM"
              count = 3
              timeout = "500ms"
              [[station.source]]
              kind = "composer"
              ucs = "5187f5a5e1c8c2d5a9c6e7f3"
              interval = 30
              [[station.source]]
              kind = "cadence"
              uuid = "2a6f0e8c-0b1e-4d6a-9f1e-3c2b1a0d9e8f"
              [[station.source]]
              kind = "icecast"
              url = "http://127.0.0.1:8000"
              mount = "live.ogg"
              [[station.source]]
              kind = "shoutcast"
              url = "http://127.0.0.1:8001"
              sid = 2
              [[station.source]]
              kind = "azuracast"
              url = "https://radio.example.org"
              station = "wxyz"
              [[station.source]]
              kind = "spinitron"
              token = "abc123"
            """
        let sources = try #require(try StreamdConfiguration.parse(toml, file: "t.toml").stations.first).sources
        #expect(sources.map(\.kind) == SourceConfig.Kind.allCases)
        #expect(sources[0] == SourceConfig(settings: .triton(mount: "WVIAFM", count: 3), timeout: .milliseconds(500)))
        #expect(sources[1] == SourceConfig(settings: .composer(ucs: "5187f5a5e1c8c2d5a9c6e7f3", dayURL: nil), interval: .seconds(30)))
        #expect(sources[2].settings == .cadence(uuid: "2a6f0e8c-0b1e-4d6a-9f1e-3c2b1a0d9e8f", dayURL: nil))
        #expect(sources[3] == SourceConfig(settings: .icecast(mount: "/live.ogg"), url: "http://127.0.0.1:8000"))
        #expect(sources[4].settings == .shoutcast(sid: 2))
        #expect(sources[5].settings == .azuracast(station: "wxyz"))
        #expect(sources[6].settings == .spinitron(token: .inline(ConfigSecret("abc123"))))
    }

    @Test("a Spinitron token never shows when the configuration is printed")
    func tokenRedacted() throws {
        let config = try StreamdConfiguration.parse(minimalConfig(source: "kind = \"spinitron\"\n  token = \"s3cr3t-k3y\""),
                                                    file: "t.toml")
        let source = try #require(config.stations.first?.sources.first)
        guard case .spinitron(let token) = source.settings else {
            Issue.record("expected a spinitron source, got \(source)")
            return
        }
        #expect(try token.secret().value == "s3cr3t-k3y")
        var dumped = ""
        dump(config, to: &dumped)
        for text in ["\(config)", String(reflecting: config), dumped, "\(token)"] {
            #expect(!text.contains("s3cr3t"), "leaked in: \(text)")
        }
    }

    @Test("token_file is resolved against the configuration's directory and read when asked")
    func tokenFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "  key-from-file\n".write(to: directory.appendingPathComponent("spinitron.key"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("streamd.toml").path
        try minimalConfig(source: "kind = \"spinitron\"\n  token_file = \"spinitron.key\"")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let config = try StreamdConfiguration.load(path: file)
        let token = SpinitronToken.file(directory.appendingPathComponent("spinitron.key").path)
        #expect(config.stations.first?.sources.first?.settings == .spinitron(token: token))
        #expect(try token.secret().value == "key-from-file")
        #expect(throws: ConfigError.self) { try SpinitronToken.file(directory.appendingPathComponent("none").path).secret() }
    }

    @Test("the example in systemd/ parses, and so does its commented-out second station")
    func exampleFile() throws {
        let path = Fixture.packageRoot.appendingPathComponent("systemd/streamd.toml.example").path
        let config = try StreamdConfiguration.load(path: path)
        #expect(config.stations.map(\.id) == ["wvia-fm"])
        #expect(config.daemon.live == "wvia-fm")

        // Uncomment everything after the marker line: "# x" becomes "x", "# # note" stays a comment.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let marker = "# ---- a second station"
        let parts = text.components(separatedBy: marker)
        try #require(parts.count == 2, "the example should contain '\(marker)'")
        let uncommented = parts[1].split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map { line in
            line.hasPrefix("# ") ? String(line.dropFirst(2)) : line == "#" ? "" : String(line)
        }
        let full = try StreamdConfiguration.parse(parts[0] + "\n" + uncommented.joined(separator: "\n"), file: path)
        #expect(full.stations.count == 2)
        #expect(Set(full.stations[1].sources.map(\.kind)) == Set(SourceConfig.Kind.allCases))
    }
}
