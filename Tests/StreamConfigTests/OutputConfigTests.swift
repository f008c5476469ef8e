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

    @Test("every kind with its keys; secrets as where to read them, never the secret")
    func everyKind() throws {
        let configuration = try ConfigParser.parse(withOutputs("""
            [[output]]
            kind = "dls"
            station = "wvia-fm"
            path = "dls.txt"
            min_hold = "10s"
            rate_limit = 6
            max_length = 100
            charset = "ascii"

            [[output]]
            kind = "rds"
            station = "wvia-fm"
            target = "192.0.2.10:5000"
            dialect = "inovonics"

            [[output]]
            kind = "udp"
            station = "wvia-fm"
            target = "[::1]:3310"
            repeat = "0s"

            [[output]]
            kind = "icecast"
            station = "wvia-fm"
            url = "http://icecast.example:8000/relay"
            user = "admin"
            password_file = "icecast.pass"

            [[output]]
            kind = "webhook"
            station = "wvia-fm"
            url = "https://hooks.example/now"
            secret_env = "STREAMD_HOOK_KEY"

            [[output]]
            kind = "tunein"
            station = "wvia-fm"
            partner_id = "p123"
            partner_key_file = "/etc/streamd/tunein.key"
            station_id = "s12345"
            """), file: "/etc/streamd/streamd.toml", sourceFile: "/etc/streamd/streamd.toml")
        #expect(configuration.outputs == [
            OutputConfig(kind: .dls, station: "wvia-fm", path: "/etc/streamd/dls.txt", minHold: .seconds(10), rateLimit: 6,
                         maxLength: 100, charset: .ascii),
            OutputConfig(kind: .rds, station: "wvia-fm", target: ListenAddress(host: "192.0.2.10", port: 5000), dialect: .inovonics),
            OutputConfig(kind: .udp, station: "wvia-fm", target: ListenAddress(host: "::1", port: 3310), repeatEvery: .zero),
            OutputConfig(kind: .icecast, station: "wvia-fm", url: "http://icecast.example:8000/relay", user: "admin",
                         password: .file("/etc/streamd/icecast.pass")),
            OutputConfig(kind: .webhook, station: "wvia-fm", url: "https://hooks.example/now", secret: .environment("STREAMD_HOOK_KEY")),
            OutputConfig(kind: .tunein, station: "wvia-fm", url: OutputConfig.tuneinURL, partnerID: "p123",
                         partnerKey: .file("/etc/streamd/tunein.key"), stationID: "s12345"),
        ])
    }

    @Test("a secret from the environment: read at start; unset is an error naming the variable")
    func secretFromEnvironment() throws {
        #expect(try OutputConfig.SecretSource.environment("KEY").read(what: "webhook secret", environment: ["KEY": " k1 \n"]).value == "k1")
        let error = try #require(throws: ConfigError.self) {
            try OutputConfig.SecretSource.environment("KEY").read(what: "webhook secret", environment: [:])
        }
        #expect(error.problems.first?.message == "the webhook secret variable is unset or empty")
        #expect(error.problems.first?.keyPath == "KEY")
    }

    @Test("mistakes, each refused at its key", arguments: [
        ("kind = \"rdss\"\nstation = \"wvia-fm\"\npath = \"x\"", "output[0].kind",
         "expected file, dls, rds, udp, icecast, webhook or tunein, got \"rdss\" (did you mean 'rds'?)"),
        ("kind = \"file\"\npath = \"x\"", "output[0].station", "missing required key 'station' (the id of the station whose now-playing it sends)"),
        ("kind = \"file\"\nstation = \"wvia-hd\"\npath = \"x\"", "output[0].station", "no station has id 'wvia-hd' (stations: wvia-fm) (did you mean 'wvia-fm'?)"),
        ("kind = \"file\"\nstation = \"wvia-fm\"", "output[0].path", "missing required key 'path' (the file the text goes to)"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\ntemplate = \"{artist} – {song}\"", "output[0].template",
         "unknown placeholder {song} (placeholders: {artist}, {title}, {album}, {composer}, {program}, {station}, {text})"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\nfallback = \"{program\"", "output[0].fallback",
         "a '{' without its '}' (placeholders: {artist}, {title}, {album}, {composer}, {program}, {station}, {text})"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\ndelay = \"soon\"", "output[0].delay",
         "expected a duration like \"15s\", \"2m\", \"500ms\" or \"1m30s\", got \"soon\""),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\ntarget = \"h:1\"", "output[0].target",
         "'target' is a key of kind rds or udp, not of kind file"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\nmax_length = 4", "output[0].max_length", "must be between 8 and 4096, got 4"),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\nrate_limit = \"fast\"", "output[0].rate_limit", "expected an integer, got \"fast\""),
        ("kind = \"file\"\nstation = \"wvia-fm\"\npath = \"x\"\ncharset = \"latin1\"", "output[0].charset",
         "expected utf-8, ascii or ebu-latin, got \"latin1\""),
        ("kind = \"udp\"\nstation = \"wvia-fm\"\ntarget = \"screen\"", "output[0].target",
         "expected HOST:PORT like \"192.0.2.10:3310\" or \"[::1]:3310\", got \"screen\""),
        ("kind = \"udp\"\nstation = \"wvia-fm\"\ntarget = \":3310\"", "output[0].target",
         "expected HOST:PORT like \"192.0.2.10:3310\" or \"[::1]:3310\", got \":3310\""),
        ("kind = \"rds\"\nstation = \"wvia-fm\"", "output[0].target", "missing required key 'target' (the encoder's HOST:PORT)"),
        ("kind = \"rds\"\nstation = \"wvia-fm\"\ntarget = \"h:1\"\ndialect = \"p232\"", "output[0].dialect",
         "expected pira, inovonics or nautel, got \"p232\""),
        ("kind = \"icecast\"\nstation = \"wvia-fm\"\nurl = \"http://h:8000/live\"", "output[0].password_file",
         "missing (a file holding the password; or password_env, an environment variable; never the password itself)"),
        ("kind = \"icecast\"\nstation = \"wvia-fm\"\nurl = \"http://h:8000/live\"\npassword = \"hackme\"", "output[0].password",
         "a secret is never written in the configuration: put it in a file (password_file) or an environment variable (password_env)"),
        ("kind = \"icecast\"\nstation = \"wvia-fm\"\nurl = \"http://h:8000/\"\npassword_env = \"P\"", "output[0].url",
         "names no mount: expected the mount's URL, e.g. \"http://icecast.example:8000/live\""),
        ("kind = \"webhook\"\nstation = \"wvia-fm\"\nurl = \"https://h/x\"\nsecret_file = \"a\"\nsecret_env = \"B\"", "output[0].secret_env",
         "give secret_file or secret_env, not both"),
        ("kind = \"webhook\"\nstation = \"wvia-fm\"\nurl = \"ftp://h/x\"", "output[0].url", "unsupported URL scheme 'ftp' in \"ftp://h/x\" (expected http or https)"),
        ("kind = \"tunein\"\nstation = \"wvia-fm\"\npartner_id = \"p\"\npartner_key_env = \"K\"", "output[0].station_id",
         "missing required key 'station_id' (TuneIn's station id, e.g. \"s12345\")"),
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
