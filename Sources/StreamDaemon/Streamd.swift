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
}
