import Testing
@testable import StreamConfig

/// `[[output]]`: every key, the defaults, and each mistake refused at its key.
@Suite("Configuration: [[output]]")
struct OutputConfigTests {
    private func withOutputs(_ tables: String) -> String {
        minimalConfig() + "\n" + tables + "\n"
    }

    @Test("every key, and the defaults")
    func everyKey() throws {
        let configuration = try ConfigParser.parse(withOutputs("""
            [[output]]
            kind = "file"
            station = "wvia-fm"
            path = "now.txt"
            template = "{artist} / {title}"
            fallback = ""
            delay = "2.5s"

            [[output]]
            kind = "file"
            station = "wvia-fm"
            path = "/var/lib/streamd/now.txt"
            """), file: "/etc/streamd/streamd.toml", sourceFile: "/etc/streamd/streamd.toml")
        #expect(configuration.outputs == [
            OutputConfig(kind: .file, station: "wvia-fm", path: "/etc/streamd/now.txt", template: "{artist} / {title}",
                         fallback: "", delay: .milliseconds(2500)),
            OutputConfig(kind: .file, station: "wvia-fm", path: "/var/lib/streamd/now.txt",
                         template: "{artist} – {title}", fallback: "{text}", delay: .zero),
        ])
        #expect(try StreamdConfiguration.parse(minimalConfig(), file: "t.toml").outputs.isEmpty)
    }

    @Test("mistakes, each refused at its key", arguments: [
        ("kind = \"rds\"\nstation = \"wvia-fm\"\npath = \"x\"", "output[0].kind", "expected file, got \"rds\""),
        ("kind = \"file\"\npath = \"x\"", "output[0].station", "missing required key 'station' (the id of the station whose now-playing it sends)"),
        ("kind = \"file\"\nstation = \"wvia-hd\"\npath = \"x\"", "output[0].station", "no station has id 'wvia-hd' (stations: wvia-fm) (did you mean 'wvia-fm'?)"),
        ("kind = \"file\"\nstation = \"wvia-fm\"", "output[0].path", "missing required key 'path' (the file the text goes to)"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\ntemplate = \"{artist} – {song}\"", "output[0].template",
         "unknown placeholder {song} (placeholders: {artist}, {title}, {album}, {composer}, {program}, {station}, {text})"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\nfallback = \"{program\"", "output[0].fallback",
         "a '{' without its '}' (placeholders: {artist}, {title}, {album}, {composer}, {program}, {station}, {text})"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\ndelay = \"soon\"", "output[0].delay",
         "expected a duration like \"15s\", \"2m\", \"500ms\" or \"1m30s\", got \"soon\""),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\nmax_length = 64", "output[0].max_length", "unknown key 'max_length'"),
    ])
    func mistakes(lines: String, keyPath: String, message: String) throws {
        let problem = try #require(configProblem(withOutputs("[[output]]\n" + lines)))
        #expect(problem.keyPath == keyPath)
        #expect(problem.message == message)
    }

    @Test("two outputs writing one file: refused at the second")
    func samePath() throws {
        let table = "[[output]]\nkind = \"file\"\nstation = \"wvia-fm\"\npath = \"/tmp/now.txt\"\n"
        let problem = try #require(configProblem(withOutputs(table + "\n" + table)))
        #expect(problem.keyPath == "output[1].path")
        #expect(problem.message == "output[0] writes '/tmp/now.txt' already")
    }
}
