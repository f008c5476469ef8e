import ArgumentParser
import StreamHTTP

/// `streamd`: the daemon and its client commands.
@main
struct Streamd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streamd",
        abstract: "Watches live radio streams and now-playing sources; serves the on-air state.",
        version: StreamdVersion.string,
        subcommands: [
            RunCommand.self, DemoCommand.self,
            NowCommand.self, NextCommand.self, StationsCommand.self, StatusCommand.self, WatchCommand.self,
            ProbeCommand.self, CheckConfigCommand.self, ScreenCommand.self,
        ]
    )

    /// The entry point: refuses `streamd help NAME` for a NAME that is no command (the parser's
    /// help command prints the general help and exits 0 for it), then parses and runs.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "help", let name = arguments.dropFirst().first,
           !configuration.subcommands.contains(where: { $0.configuration.commandName == name }) {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName }
            printError("streamd help: no command '\(name)'; the commands are \(names.joined(separator: ", "))")
            exit(withError: ExitStatus.usage)
        }
        await main(nil)
    }

    /// `streamd` alone: a command is required, so the help goes to standard error with the
    /// usage exit status (64).
    func run() async throws {
        printError(Self.helpMessage())
        throw ExitStatus.usage
    }
}
