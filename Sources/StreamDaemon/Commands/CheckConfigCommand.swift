import ArgumentParser
import StreamConfig

/// `streamd check-config FILE`: validate a configuration. Prints
/// `FILE: ok (N stations, M streams, K sources)` and exits 0; otherwise prints every problem
/// to standard error, one per line (`FILE:LINE: KEYPATH: message`), and exits 78.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file.",
        discussion: """
            Prints "FILE: ok (...)" and exits 0, or prints every problem to standard error as \
            FILE:LINE: KEYPATH: message and exits 78. Key paths count from 0: station[0].source[1].kind.
            """)

    @Argument(help: "The TOML file.") var file: String

    func run() async throws {
        let configuration: StreamdConfiguration
        do {
            configuration = try StreamdConfiguration.load(path: file)
            // What `run` reads at start besides the file itself: Spinitron token files, the
            // MQTT password file, the outputs' secrets (files or environment variables).
            _ = try configuration.stationSpecs()
            _ = try configuration.mqtt?.password()
            try configuration.readOutputSecrets()
        } catch {
            for line in error.lines { printError(line) }
            throw ExitStatus.config
        }
        let stations = configuration.stations
        let streams = stations.reduce(0) { $0 + $1.streams.count }
        let sources = stations.reduce(0) { $0 + $1.sources.count }
        print("\(file): ok (\(count(stations.count, "station")), \(count(streams, "stream")), \(count(sources, "source")))")
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
