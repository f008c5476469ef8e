import Foundation
import StreamTestSupport
import Testing

/// `streamd check-config FILE` (and `streamd run` on a bad file), run as processes.
@Suite("streamd check-config", .timeLimit(.minutes(2)))
struct CheckConfigTests {
    /// Writes `text` to a fresh sandbox, runs `body` with the file's path, removes the sandbox.
    func withFile(_ text: String, _ body: (String) async throws -> Void) async throws {
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try await body(try sandbox.writeConfig(text))
    }

    static let good = """
        [daemon]
        live = "wvia-fm"

        [[station]]
        id = "wvia-fm"
        name = "WVIA-FM"
        tagline = "89.9 FM"
        timezone = "America/New_York"

          [[station.stream]]
          id = "main"
          url = "https://playerservices.streamtheworld.com/api/livestream-redirect/WVIAFM.mp3"
          mode = "follow"

          [[station.source]]
          kind = "triton"
          mount = "WVIAFM"
          interval = "15s"

          [[station.source]]
          kind = "composer"
          ucs = "5187f37be1c8c5a5e2a4c1d5"
          interval = "1m30s"

        """

    /// Four problems, on known lines: 2, 12, 17 and 20.
    static let bad = """
        [daemon]
        live = "wvia-am"

        [[station]]
        id = "wvia-fm"
        name = "WVIA-FM"
        timezone = "America/New_York"

          [[station.stream]]
          id = "main"
          url = "https://example.org/live.mp3"
          intervall = "15s"

          [[station.source]]
          kind = "triton"
          mount = "WVIAFM"
          interval = 15.5

        [[station]]
        id = "wvia-fm"
        name = "Duplicate"

          [[station.stream]]
          id = "main"
          url = "https://example.org/other.mp3"

        """

    @Test("a good file: exit 0 and a summary on stdout")
    func ok() async throws {
        try await withFile(Self.good) { path in
            let result = try await runStreamd(["check-config", path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(path): ok (1 station, 1 stream, 2 sources)",
                    "\(result.stdout)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }
    }

    @Test("a file with problems: exit 78, every problem as FILE:LINE: KEYPATH: message on stderr")
    func problems() async throws {
        try await withFile(Self.bad) { path in
            let result = try await runStreamd(["check-config", path])
            #expect(result.status == 78, "exit \(result.status)")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "four problems expected:\n\(result.stderr)")
            let form = /^(.+):(\d+): ([A-Za-z0-9_\[\]\.]+): (.+)$/
            for line in lines {
                let match = line.wholeMatch(of: form)
                #expect(match != nil, "not FILE:LINE: KEYPATH: message: \(line)")
                #expect(match.map { String($0.output.1) } == path, "the line names the file: \(line)")
            }
            let expected = [
                "\(path):2: daemon.live: ",
                "\(path):12: station[0].stream[0].intervall: ",
                "\(path):17: station[0].source[0].interval: ",
                "\(path):20: station[1].id: ",
            ]
            for prefix in expected {
                #expect(lines.contains { $0.hasPrefix(prefix) }, "missing \(prefix)… in:\n\(result.stderr)")
            }
            #expect(lines == lines.sorted { lineNumber($0) < lineNumber($1) }, "problems come in line order")
            #expect(result.stdout.isEmpty)
        }
    }

    func lineNumber(_ line: String) -> Int {
        line.firstMatch(of: /:(\d+):/).flatMap { Int($0.output.1) } ?? 0
    }

    @Test("a TOML syntax error: exit 78 with FILE:LINE:COLUMN")
    func syntax() async throws {
        try await withFile("[daemon]\nlive = \"wvia-fm\n\n[[station]]\n") { path in
            let result = try await runStreamd(["check-config", path])
            #expect(result.status == 78)
            #expect(result.stderr.hasPrefix("\(path):2:"), "\(result.stderr)")
            #expect(result.stderr.contains("TOML syntax error"), "\(result.stderr)")
        }
    }

    @Test("an unclosed quote reads 'unclosed string', not toml++'s control-character wording")
    func unclosedString() async throws {
        try await withFile("[daemon]\nlive = \"wvia-fm\n") { path in
            let result = try await runStreamd(["check-config", path])
            #expect(result.status == 78)
            #expect(result.stderr.contains("unclosed string"), "\(result.stderr)")
            #expect(!result.stderr.contains("control characters"), "\(result.stderr)")
            #expect(!result.stderr.contains("'\\n'"), "no escaped newline in the message: \(result.stderr)")
        }
    }

    @Test("a Spinitron token_file that does not exist: exit 78 naming it (run would refuse it too)")
    func missingTokenFile() async throws {
        let config = Self.good + """

              [[station.source]]
              kind = "spinitron"
              token_file = "/nonexistent/spinitron.key"
            """
        try await withFile(config) { path in
            let result = try await runStreamd(["check-config", path])
            #expect(result.status == 78, "exit \(result.status): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("/nonexistent/spinitron.key"), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "no 'ok' line: \(result.stdout)")
        }
    }

    @Test("a [publish.mqtt] password_file that does not exist: exit 78 naming it (run would refuse it too)")
    func missingMQTTPasswordFile() async throws {
        let config = Self.good + """

            [publish.mqtt]
            url = "mqtt://127.0.0.1"
            site = "check"
            username = "studio"
            password_file = "/nonexistent/mqtt.password"
            """
        try await withFile(config) { path in
            let result = try await runStreamd(["check-config", path])
            #expect(result.status == 78, "exit \(result.status): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("/nonexistent/mqtt.password"), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "no 'ok' line: \(result.stdout)")
        }
    }

    @Test("a missing file: exit 78 with one line naming it")
    func missing() async throws {
        let path = "/tmp/sde2e-does-not-exist-\(UUID().uuidString).toml"
        let result = try await runStreamd(["check-config", path])
        #expect(result.status == 78)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("\(path): "), "\(result.stderr)")
        #expect(result.stderr.contains("No such file"), "\(result.stderr)")
    }

    @Test("streamd run refuses an invalid file with the same lines and exit 78")
    func runRefuses() async throws {
        try await withFile(Self.bad) { path in
            let result = try await runStreamd(["run", "--config", path], timeout: .seconds(20))
            #expect(result.status == 78, "exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("\(path):12: station[0].stream[0].intervall: "), "\(result.stderr)")
        }
    }
}
