import Foundation
import StreamTestSupport
import Testing

/// What an operator sees off the happy path: the command line's usage errors, a socket folder
/// that does not exist or may not be made, a state file that cannot be written, and the log of
/// inputs that keep failing. Every message says what is wrong and what to do, in words, never
/// a library's internals.
@Suite("streamd for the operator: usage, socket folder, state file, failure logs", .timeLimit(.minutes(2)))
struct OperatorErrorsTests {
    @Test("streamd alone prints the help and exits 64; help for a command that does not exist exits 64; --log-level verbose is refused")
    func usage() async throws {
        let bare = try await runStreamd([])
        #expect(bare.status == 64, "exit \(bare.status)")
        #expect(bare.stderr.contains("SUBCOMMANDS"), "the help: \(bare.stderr)")
        let frob = try await runStreamd(["help", "frob"])
        #expect(frob.status == 64, "exit \(frob.status): \(frob.stdout)")
        #expect(frob.stderr.contains("frob"), "\(frob.stderr)")
        let helpNow = try await runStreamd(["help", "now"])
        #expect(helpNow.status == 0)
        let verbose = try await runStreamd(["run", "--log-level", "verbose"])
        #expect(verbose.status == 64, "exit \(verbose.status): \(verbose.stderr)")
        #expect(verbose.stderr.contains("verbose") && verbose.stderr.contains("warning"), "names the levels: \(verbose.stderr)")
    }

    @Test("the socket's folder is created when it is missing")
    func socketFolderCreated() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        let socket = sandbox.directory + "/run/streamd/streamd.sock"
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live"), socket: socket))
        let daemon = try await DaemonProcess.start(sandbox, socket: socket)
        let health = try await daemon.get("/v1/health")
        #expect([200, 503].contains(health.status))
        _ = await daemon.stop()
        await server.shutdown()
    }

    @Test("a socket folder the user may not create: exit 1 and what to do, no library internals")
    func socketFolderRefused() async throws {
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        chmod(sandbox.directory, 0o755)
        let socket = "/run/streamd-test-\(UUID().uuidString.prefix(8))/streamd.sock"
        let path = try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: "http://127.0.0.1:9/live", socket: socket,
                                                       stateFile: "/tmp/streamd-test-nobody.json"))
        chmod(path, 0o644)
        // As nobody (uid 65534), who may not create folders in /run.
        let result = try await runTool("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                            try StreamdProcess.binaryForAnyUser(), "run", "--config", path],
                                       timeout: .seconds(20))
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("cannot create the socket's folder"), "\(result.stderr)")
        #expect(result.stderr.contains("Run streamd as root") && result.stderr.contains("[daemon] socket"), "a hint: \(result.stderr)")
        for innards in ["bind(descriptor", "(errno", "IOError", "ptr:"] {
            #expect(!result.stderr.contains(innards), "library internals (\(innards)) in: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: (socket as NSString).deletingLastPathComponent))
    }

    @Test("the open-file limit is raised to the hard limit at start, with a warning when even that is short of max_connections")
    func openFileLimit() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        for (limit, expected) in [("256:4096", "open files: limit raised from 256 to 4096"),
                                  ("300:300", "open files: the limit is 300, and max_connections = 1024")] {
            let sandbox = try DaemonSandbox()
            defer { sandbox.cleanup() }
            try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live")))
            let daemon = try await DaemonProcess.start(sandbox, launcher: [try requireTool("prlimit", package: "util-linux"),
                                                                           "--nofile=\(limit)", "--"])
            #expect(await daemon.waitForLog(expected), "\(limit): \(daemon.stderr)")
            _ = await daemon.stop()
        }
        await server.shutdown()
    }

    @Test("a state file that cannot be loaded is kept aside with one clear line, and the daemon starts clean")
    func badStateFileKeptAside() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live")))
        try "{\"schema\":1,\"sequ".write(toFile: sandbox.stateFilePath, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(sandbox)
        #expect(await daemon.waitForLog("kept aside as"), "\(daemon.stderr)")
        let line = daemon.stderr.split(separator: "\n").first { $0.contains("kept aside as") }.map(String.init) ?? ""
        #expect(line.contains("WARNING") && line.contains("not valid JSON"), "\(line)")
        let aside = try #require(sandbox.files().first { $0.hasPrefix("state.json.bad-") }, "\(sandbox.files())")
        #expect(try String(contentsOfFile: sandbox.directory + "/" + aside, encoding: .utf8) == "{\"schema\":1,\"sequ", "the bad file is kept as it was")
        try await eventually("a fresh state file") { (try? sandbox.stateDocument()) != nil }
        _ = await daemon.stop()
        await server.shutdown()
    }

    @Test("a final state that could not be written is said so, never 'written'")
    func finalStateUnwritten() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        let folder = sandbox.directory + "/state"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live"), stateFile: folder + "/state.json"))
        let daemon = try await DaemonProcess.start(sandbox)
        try await eventually("the first state file") { FileManager.default.fileExists(atPath: folder + "/state.json") }
        // The folder becomes a plain file: every later write fails (ENOTDIR), even as root.
        try FileManager.default.removeItem(atPath: folder)
        try "not a folder".write(toFile: folder, atomically: false, encoding: .utf8)
        server.setTitle("Changed - Title", for: "/live")
        try await Task.sleep(for: .seconds(2))
        let (status, _) = await daemon.stop()
        #expect(status == 0)
        #expect(daemon.stderr.contains("could not be written"), "\(daemon.stderr.suffix(1500))")
        #expect(!daemon.stderr.contains(") written to"), "claims the final state was written:\n\(daemon.stderr.suffix(1500))")
        await server.shutdown()
    }

    @Test("a stream that keeps ending is logged at warning once, repeats collapsed, backoffs readable")
    func failureLogs() async throws {
        let server = try await LoopbackServer.start()
        var short = LoopbackRoute.icyStream(metaint: 1000)
        short.closeAfterBodyBytes = 3000   // ends after a moment, every time
        server.route("/live", short)
        server.route("/np", .status(503, "overloaded"))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live"), extra: """

              [[station.source]]
              kind = "triton"
              url = "\(server.url("/np"))"
              interval = "1s"
            """))
        let daemon = try await DaemonProcess.start(sandbox)
        try await Task.sleep(for: .seconds(8))   // several reconnections and polls
        server.route("/np", .ok("<nowplaying-info-list/>", contentType: "text/xml"))
        try await eventually("the source's recovery", timeout: .seconds(15), detail: { daemon.stderr }) {
            daemon.stderr.contains("source test-fm/triton works again")
        }
        _ = await daemon.stop()
        await server.shutdown()
        let lines = daemon.stderr.split(separator: "\n")
        let streamFailures = lines.filter { $0.contains("stream test-fm/main failed") }
        #expect(streamFailures.count == 1, "one line for the outage, not one a reconnection:\n\(daemon.stderr)")
        #expect(streamFailures.first?.contains("WARNING") == true, "an outage is a warning: \(streamFailures)")
        #expect(streamFailures.first?.contains("eof") == true, "it says the server ended the stream: \(streamFailures)")
        let sourceFailures = lines.filter { $0.contains("source test-fm/triton failed") }
        #expect(sourceFailures.count == 1, "\(daemon.stderr)")
        #expect(lines.contains { $0.contains("NOTICE") && $0.contains("source test-fm/triton works again after") })
        for line in lines where line.contains("next try in") {
            #expect(line.firstMatch(of: /next try in \d+(\.\d)? (ms|s|min)/) != nil, "a readable backoff: \(line)")
            #expect(line.firstMatch(of: /\d\.\d{3,}/) == nil, "no raw float: \(line)")
        }
    }
}
