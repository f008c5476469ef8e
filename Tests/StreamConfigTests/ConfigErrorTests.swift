import Testing
@testable import StreamConfig

@Suite("Configuration: problems name the key path and line")
struct ConfigErrorTests {
    // minimalConfig's lines: 1 [daemon], 2 daemon keys, 4 [[station]], 5 id, 6 name,
    // 7 station keys, 9 [[station.stream]], 10 id, 11 url, 12 stream keys, 14 [[station.source]], 15 source keys.

    @Test("unknown keys at every level, with a suggestion")
    func unknownKeys() throws {
        let root = try #require(configProblem("stations = 1\n" + minimalConfig()))
        #expect(root == ConfigProblem(keyPath: "stations", line: 1, message: "unknown key 'stations' (did you mean 'station'?)"))
        let daemon = try #require(configProblem(minimalConfig(daemon: "sockett = \"/x\"")))
        #expect(daemon == ConfigProblem(keyPath: "daemon.sockett", line: 2, message: "unknown key 'sockett' (did you mean 'socket'?)"))
        let station = try #require(configProblem(minimalConfig(station: "tz = \"UTC\"")))
        #expect(station == ConfigProblem(keyPath: "station[0].tz", line: 7, message: "unknown key 'tz'"))
        let stream = try #require(configProblem(minimalConfig(stream: "intervall = \"15s\"")))
        #expect(stream == ConfigProblem(keyPath: "station[0].stream[0].intervall", line: 12,
                                        message: "unknown key 'intervall' (did you mean 'interval'?)"))
        let source = try #require(configProblem(minimalConfig(source: "kind = \"triton\"\n  mount = \"M\"\n  cont = 3")))
        #expect(source == ConfigProblem(keyPath: "station[0].source[0].cont", line: 17,
                                        message: "unknown key 'cont' (did you mean 'count'?)"))
    }

    @Test("a key of another source kind says so")
    func keyOfAnotherKind() throws {
        let problem = try #require(configProblem(minimalConfig(source: "kind = \"composer\"\n  ucs = \"abc\"\n  mount = \"M\"")))
        #expect(problem.keyPath == "station[0].source[0].mount")
        #expect(problem.line == 17)
        #expect(problem.message == "'mount' does not apply to kind 'composer' (its own keys: ucs, day_url)")
    }

    @Test("wrong types")
    func wrongTypes() throws {
        let name = try #require(configProblem(minimalConfig().replacingOccurrences(of: "name = \"WVIA-FM\"", with: "name = 42")))
        #expect(name == ConfigProblem(keyPath: "station[0].name", line: 6, message: "expected a string, got 42"))
        let count = try #require(configProblem(minimalConfig(source: "kind = \"triton\"\n  mount = \"M\"\n  count = \"5\"")))
        #expect(count == ConfigProblem(keyPath: "station[0].source[0].count", line: 17, message: "expected an integer, got \"5\""))
        let table = try #require(configProblem("daemon = 3\n" + minimalConfig().replacingOccurrences(of: "[daemon]", with: "")))
        #expect(table.keyPath == "daemon")
        #expect(table.line == 1)
        #expect(table.message == "expected a table ([daemon]), got 3")
        let single = try #require(configProblem(minimalConfig().replacingOccurrences(of: "[[station.stream]]", with: "[station.stream]")))
        #expect(single.keyPath == "station[0].stream")
        #expect(single.line == 9)
        #expect(single.message.contains("write [[...]] instead of [...]"))
    }

    @Test("bad durations", arguments: [
        ("15.5", "15.5"), ("\"15\"", "\"15\""), ("\"15 s\"", "\"15 s\""), ("\"1s1m\"", "\"1s1m\""), ("\"fast\"", "\"fast\""),
        ("-5", "-5"), ("true", "true"),
    ])
    func badDuration(value: String, shown: String) throws {
        let problem = try #require(configProblem(minimalConfig(source: "kind = \"triton\"\n  mount = \"M\"\n  interval = \(value)")))
        #expect(problem.keyPath == "station[0].source[0].interval")
        #expect(problem.line == 17)
        #expect(problem.message == "expected a duration like \"15s\", \"2m\", \"500ms\" or \"1m30s\", got \(shown)")
    }

    @Test("a source interval under one second")
    func shortInterval() throws {
        let problem = try #require(configProblem(minimalConfig(source: "kind = \"triton\"\n  mount = \"M\"\n  interval = \"500ms\"")))
        #expect(problem == ConfigProblem(keyPath: "station[0].source[0].interval", line: 17,
                                         message: "must be at least 1s, got \"500ms\""))
    }

    @Test("bad enumeration values")
    func badEnums() throws {
        let mode = try #require(configProblem(minimalConfig(stream: "mode = \"folow\"")))
        #expect(mode == ConfigProblem(keyPath: "station[0].stream[0].mode", line: 12,
                                      message: "expected follow or probe, got \"folow\" (did you mean 'follow'?)"))
        let kind = try #require(configProblem(minimalConfig(source: "kind = \"tritn\"\n  mount = \"M\"")))
        #expect(kind.keyPath == "station[0].source[0].kind")
        #expect(kind.line == 15)
        #expect(kind.message.hasSuffix("got \"tritn\" (did you mean 'triton'?)"))
        let level = try #require(configProblem(minimalConfig(daemon: "log_level = \"verbose\"")))
        #expect(level.keyPath == "daemon.log_level")
        #expect(level.message == "expected trace, debug, info, notice, warning, error or critical, got \"verbose\"")
        let charset = try #require(configProblem(minimalConfig(station: "charset = \"koi8-r\"")))
        #expect(charset == ConfigProblem(keyPath: "station[0].charset", line: 7,
                                         message: "expected utf-8, iso-8859-1 or windows-1252, got \"koi8-r\""))
    }

    @Test("a bad time zone")
    func badTimezone() throws {
        let problem = try #require(configProblem(minimalConfig(station: "timezone = \"America/NewYork\"")))
        #expect(problem == ConfigProblem(keyPath: "station[0].timezone", line: 7,
                                         message: "unknown time zone \"America/NewYork\" (did you mean 'America/New_York'?)"))
        let far = try #require(configProblem(minimalConfig(station: "timezone = \"Eastern\"")))
        #expect(far.message == "unknown time zone \"Eastern\" (expected an IANA name like 'America/New_York')")
    }

    @Test("bad URLs")
    func badURLs() throws {
        let scheme = try #require(configProblem(minimalConfig().replacingOccurrences(of: "http://127.0.0.1:8000/live.mp3", with: "rtsp://h/x")))
        #expect(scheme == ConfigProblem(keyPath: "station[0].stream[0].url", line: 11,
                                        message: "unsupported URL scheme 'rtsp' in \"rtsp://h/x\" (expected http, https or file)"))
        let noHost = try #require(configProblem(minimalConfig(source: "kind = \"icecast\"\n  url = \"http:///status\"")))
        #expect(noHost.keyPath == "station[0].source[0].url")
        #expect(noHost.message == "URL has no host: \"http:///status\"")
        let composer = try #require(configProblem(minimalConfig(source: "kind = \"composer\"\n  url = \"http://127.0.0.1:9/widget/x/current\"")))
        #expect(composer.keyPath == "station[0].source[0].url")
        #expect(composer.message.contains("set day_url"))
    }

    @Test("missing required keys point at their table")
    func missingKeys() throws {
        let id = try #require(configProblem(minimalConfig().replacingOccurrences(of: "id = \"wvia-fm\"", with: "")))
        #expect(id == ConfigProblem(keyPath: "station[0].id", line: 4, message: "missing required key 'id'"))
        let url = try #require(configProblem(minimalConfig().replacingOccurrences(of: "url = \"http://127.0.0.1:8000/live.mp3\"", with: "")))
        #expect(url == ConfigProblem(keyPath: "station[0].stream[0].url", line: 9, message: "missing required key 'url'"))
        let kind = try #require(configProblem(minimalConfig(source: "mount = \"M\"")))
        #expect(kind == ConfigProblem(keyPath: "station[0].source[0].kind", line: 14, message: "missing required key 'kind'"))
        let mount = try #require(configProblem(minimalConfig(source: "kind = \"triton\"")))
        #expect(mount.keyPath == "station[0].source[0].mount")
        #expect(mount.line == 14)
        #expect(mount.message.hasPrefix("missing required key 'mount'"))
        let icecast = try #require(configProblem(minimalConfig(source: "kind = \"icecast\"")))
        #expect(icecast.keyPath == "station[0].source[0].url")
        let stream = try #require(configProblem("[[station]]\nid = \"a\"\nname = \"A\"\n"))
        #expect(stream == ConfigProblem(keyPath: "station[0].stream", line: 1, message: "a station needs at least one [[station.stream]]"))
        let none = try #require(configProblem("[daemon]\nlive = \"a\"\n"))
        #expect(none == ConfigProblem(keyPath: "station", line: nil, message: "no stations: add a [[station]] table"))
        let empty = try #require(configProblem("station = []\n"))
        #expect(empty == ConfigProblem(keyPath: "station", line: 1, message: "no stations: add a [[station]] table"))
    }

    @Test("duplicate station and stream ids name the first")
    func duplicates() throws {
        let station = """
            [[station]]
            id = "wvia-fm"
            name = "A"
            stream = [{ id = "main", url = "http://a/" }]

            [[station]]
            id = "wvia-fm"
            name = "B"
            stream = [{ id = "main", url = "http://b/" }, { id = "main", url = "http://c/" }]
            """
        let problems = configProblems(station)
        #expect(problems == [
            ConfigProblem(keyPath: "station[1].id", line: 7, message: "duplicate station id 'wvia-fm' (first at station[0])"),
            ConfigProblem(keyPath: "station[1].stream[1].id", line: 9, message: "duplicate stream id 'main' (first at station[1].stream[0])"),
        ])
    }

    @Test("live must name a station")
    func liveUnknown() throws {
        let problem = try #require(configProblem(minimalConfig(daemon: "live = \"wvia-am\"")))
        #expect(problem == ConfigProblem(keyPath: "daemon.live", line: 2,
                                         message: "no station has id 'wvia-am' (stations: wvia-fm) (did you mean 'wvia-fm'?)"))
    }

    @Test("token and token_file are exclusive, and one is required")
    func spinitronToken() throws {
        let both = try #require(configProblem(minimalConfig(source: "kind = \"spinitron\"\n  token = \"k\"\n  token_file = \"/k\"")))
        #expect(both == ConfigProblem(keyPath: "station[0].source[0].token_file", line: 17, message: "set token or token_file, not both"))
        let neither = try #require(configProblem(minimalConfig(source: "kind = \"spinitron\"")))
        #expect(neither.keyPath == "station[0].source[0].token")
        #expect(neither.line == 14)
    }

    @Test("bad daemon values")
    func daemonValues() throws {
        let mode = try #require(configProblem(minimalConfig(daemon: "socket_mode = 660")))
        #expect(mode.keyPath == "daemon.socket_mode")
        #expect(mode.message.hasPrefix("expected permission bits as an octal string"))
        let listen = try #require(configProblem(minimalConfig(daemon: "listen = \"127.0.0.1\"")))
        #expect(listen.keyPath == "daemon.listen")
        let port = try #require(configProblem(minimalConfig(daemon: "listen = \"[::1]:70000\"")))
        #expect(port.keyPath == "daemon.listen")
        let socket = try #require(configProblem(minimalConfig(daemon: "socket = \"/\(String(repeating: "s", count: 120))\"")))
        #expect(socket.keyPath == "daemon.socket")
    }

    @Test("a TOML syntax error is one problem with line and column")
    func syntaxError() throws {
        let problem = try #require(configProblem("[daemon]\nlive = \"wvia-fm\"\nsocket = \n"))
        #expect(problem.keyPath == "")
        #expect(problem.line == 3)
        #expect(problem.column != nil)
        #expect(problem.message.hasPrefix("TOML syntax error: "))
        let error = ConfigError(file: "/etc/streamd/streamd.toml", problems: [problem])
        #expect(error.description.hasPrefix("/etc/streamd/streamd.toml:3:\(problem.column ?? 0): TOML syntax error: "))
    }

    @Test("every problem is reported, in line order, one per line")
    func severalProblems() throws {
        let toml = """
            [daemon]
            live = "nowhere"
            log_level = "loud"

            [[station]]
            id = "WVIA"
            name = "WVIA-FM"
            timezone = "Mars/Olympus"

              [[station.stream]]
              id = "main"
              url = "gopher://x/"
              mode = "follow"

              [[station.source]]
              kind = "triton"
              interval = "soon"
            """
        do {
            _ = try StreamdConfiguration.parse(toml, file: "/etc/streamd/streamd.toml")
            Issue.record("expected the configuration to be refused")
        } catch {
            #expect(error.problems.map(\.keyPath) == [
                "daemon.live", "daemon.log_level", "station[0].id", "station[0].timezone", "station[0].stream[0].url",
                "station[0].source[0].mount", "station[0].source[0].interval",
            ])
            #expect(error.problems.map(\.line) == [2, 3, 6, 8, 12, 15, 17])
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 7)
            #expect(lines.first == "/etc/streamd/streamd.toml:2: daemon.live: no station has id 'nowhere' (stations: WVIA)")
        }
    }

    @Test("lines are found past multi-line strings and arrays, and with CRLF line ends")
    func lineScanning() throws {
        let multiline = minimalConfig(station: "tagline = \"\"\"\n[[station]]\nbogus = [\n\"\"\"\nx = [1,\n 2]\ncharset = 5")
        let problems = configProblems(multiline)
        #expect(problems.map(\.keyPath) == ["station[0].x", "station[0].charset"])
        #expect(problems.map(\.line) == [11, 13])
        let crlf = try #require(configProblem(minimalConfig(stream: "mode = \"x\"").replacingOccurrences(of: "\n", with: "\r\n")))
        #expect(crlf.keyPath == "station[0].stream[0].mode")
        #expect(crlf.line == 12)
    }

    @Test("unreadable files are one problem saying why")
    func unreadable() throws {
        do {
            _ = try StreamdConfiguration.load(path: "/nonexistent/streamd.toml")
            Issue.record("expected a missing file to be refused")
        } catch {
            #expect(error.description == "/nonexistent/streamd.toml: cannot open: No such file or directory")
        }
        #expect(throws: ConfigError.self) { try StreamdConfiguration.load(path: "/") }
    }

    @Test("a problem whose line is unknown says so")
    func lineUnknown() {
        let error = ConfigError(file: "f.toml", problems: [ConfigProblem(keyPath: "station", message: "no stations")])
        #expect(error.description == "f.toml: station: no stations (line unknown)")
    }
}
