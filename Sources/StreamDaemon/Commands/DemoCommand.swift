import ArgumentParser
import Foundation
import ServiceLifecycle
import StreamConfig
import StreamDemo
import StreamService

/// `streamd demo`: the daemon watching a built-in simulated station on 127.0.0.1.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the daemon against a built-in simulated station (no network needed).")

    @Option(help: "Seconds between song changes.") var songLength: Double = 20
    @Option(help: "Minutes per program in the simulated schedule.") var programLength: Double = 10
    @Option(help: "Directory for the socket and state file (default: a per-user folder in /tmp).") var directory: String?

    func run() async throws {
        let folder: DemoFolder
        do {
            folder = try DemoFolder.claim(directory ?? ClientSocket.demoDirectory)
        } catch {
            printError("streamd demo: \(error)")
            throw ExitStatus.failure
        }
        let (socket, stateFile, configFile) = (folder.socket, folder.stateFile, folder.configFile)
        let station = try await DemoStation.start(songLength: .milliseconds(Int(songLength * 1000)),
                                                  programLength: .milliseconds(Int(programLength * 60_000)))
        // The demo's studio display: what the udp output sends, printed as it changes.
        let display = try await DemoDisplay.start { line, text in
            print("  display  \(line.padding(toLength: 4, withPad: " ", startingAt: 0)) \(text)")
            FileHandleOutput.flush()
        }
        let nowPlaying = folder.nowPlayingFile
        try station.configurationTOML(socket: socket, stateFile: stateFile, nowPlayingFile: nowPlaying, displayPort: display.port)
            .write(toFile: configFile, atomically: true, encoding: .utf8)
        let configuration: StreamdConfiguration
        do {
            configuration = try StreamdConfiguration.load(path: configFile)
        } catch {
            for line in error.lines { printError(line) }
            throw ExitStatus.config
        }
        let logger = DaemonLogging.makeLogger(level: .notice)
        let daemon: StreamdDaemon
        do {
            daemon = try await StreamdDaemon.prepare(configuration: configuration, configPath: configFile, logger: logger)
        } catch {
            await station.shutdown()
            await display.shutdown()
            printError("streamd demo: cannot start: \(error)")
            throw ExitStatus.failure
        }
        let bin = CommandLine.arguments.first ?? "streamd"
        print("""
            streamd demo: watching "Demo FM", a simulated station on http://127.0.0.1:\(station.port)
              stream      \(station.url("/live.mp3")) (ICY, a new song every \(Int(songLength)) s, ads and IDs between)
              sources     Triton XML every 5 s, NPR Composer now/day every 10 s
              socket      \(socket)
              state file  \(stateFile)
              config      \(configFile)
              outputs     file \(nowPlaying), and UDP to the demo's studio display
                          on 127.0.0.1:\(display.port) (its lines below), 8 s behind the stream as
                          listeners hear it

            In another terminal:
              \(bin) now          what is on, with elapsed / remaining
              \(bin) watch        every change as it happens
              \(bin) status       streams, sources and outputs
              cat \(nowPlaying)
              \(bin) screen       the full-screen studio display
              curl --unix-socket \(socket) http://streamd/v1/now

            Ctrl-C stops the demo.
            """)
        FileHandleOutput.flush()
        try await daemon.run(before: [DemoStationService(station: station, display: display)])
        withExtendedLifetime(folder) {}
    }
}

/// The simulated station as a service of the demo's group: first to start, last to stop (after
/// the daemon stopped watching it).
struct DemoStationService: Service {
    let station: DemoStation
    let display: DemoDisplay

    func run() async {
        try? await gracefulShutdown()
        await station.shutdown()
        await display.shutdown()
    }
}
