import ArgumentParser

// Commands of the brief that later issues build. Each says so and exits 64.

/// `streamd run`: the daemon (issue #4).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon.")
    @Option(help: "Configuration file (default /etc/streamd/streamd.toml, else the built-in WVIA-FM).")
    var config: String?
    func run() async throws { try notBuiltYet("run", issue: 4) }
}

/// `streamd demo`: the daemon with a simulated station (issue #4).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Run the daemon against a built-in simulated station.")
    func run() async throws { try notBuiltYet("demo", issue: 4) }
}

/// Options shared by the client commands.
struct ClientOptions: ParsableArguments {
    @Option(help: "Station id (default: the live station).") var station: String?
    @Flag(help: "Print JSON instead of text.") var json = false
    @Option(help: "The daemon's socket.") var socket: String = "/run/streamd/streamd.sock"
}

/// `streamd now` (issue #4).
struct NowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "now", abstract: "What is on now.")
    @OptionGroup var options: ClientOptions
    func run() async throws { try notBuiltYet("now", issue: 4) }
}

/// `streamd next` (issue #4).
struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next", abstract: "What comes next.")
    @OptionGroup var options: ClientOptions
    func run() async throws { try notBuiltYet("next", issue: 4) }
}

/// `streamd stations` (issue #4).
struct StationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stations", abstract: "The stations and whether they are on the air.")
    @OptionGroup var options: ClientOptions
    func run() async throws { try notBuiltYet("stations", issue: 4) }
}

/// `streamd status` (issue #4).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Streams and sources, up or failing.")
    @OptionGroup var options: ClientOptions
    func run() async throws { try notBuiltYet("status", issue: 4) }
}

/// `streamd watch` (issue #4).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Follow changes as they happen.")
    @Flag(help: "Print JSON events.") var json = false
    @Option(help: "The daemon's socket.") var socket: String = "/run/streamd/streamd.sock"
    func run() async throws { try notBuiltYet("watch", issue: 4) }
}
