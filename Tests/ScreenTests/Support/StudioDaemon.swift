import Foundation
import StreamTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A studio for the screen tests: a loopback "Studio FM" (an endless ICY stream whose title
/// the test sets, and an NPR Composer `now` answer with the program on the air and the one up
/// next), a second station whose stream is missing (off the air), and the real
/// `streamd run --config FILE` watching them, which the test can stop and start again.
final class StudioDaemon: @unchecked Sendable {
    /// The program Composer reports: name, hosts, start and end (whole minutes, UTC).
    struct Program: Sendable {
        var name: String
        var hosts: [String]
        var start: Date
        var end: Date
    }

    let server: LoopbackServer
    let sandbox: DaemonSandbox
    var socket: String { sandbox.socketPath }
    /// The TCP listener's port, when asked for one.
    let port: Int?
    private let daemon = Locked<DaemonProcess?>(nil)
    private let schedule: Schedule
    /// The configuration written at start.
    private let config: String

    /// What Composer reports, shared with the route (which runs on the server's threads).
    final class Schedule: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (now: Program, next: Program)
        init(_ value: (now: Program, next: Program)) { self.value = value }
        var current: (now: Program, next: Program) {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    static let streamPath = "/live.mp3"

    /// Starts the loopback station and the daemon; waits until the daemon shows the song.
    static func start(listen: Bool = false, title: String, extra: String = "") async throws -> StudioDaemon {
        _ = try StreamdProcess.requireBinary()
        let server = try await LoopbackServer.start()
        let port = listen ? try await LoopbackServer.closedPort() : nil
        let studio: StudioDaemon
        do {
            studio = try StudioDaemon(server: server, port: port, extra: extra)
        } catch {
            await server.shutdown()
            throw error
        }
        server.setTitle(title, for: streamPath)
        do {
            try await studio.startDaemon()
            try await studio.waitForNow("the song \(title)") { $0.contains(title.replacingOccurrences(of: " - ", with: " – ")) }
        } catch {
            await studio.stop()
            throw error
        }
        return studio
    }

    /// `extra`: more TOML at the end of the configuration (e.g. a `[publish.mqtt]` table).
    private init(server: LoopbackServer, port: Int?, extra: String) throws {
        self.server = server
        self.port = port
        let sandbox = try DaemonSandbox()
        self.sandbox = sandbox
        // A one-hour program that started 20 minutes ago (whole minutes, as Composer gives them).
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        let start = Date(timeIntervalSince1970: minute - 20 * 60)
        let now = Program(name: "Morning Drive", hosts: ["Ada Lovelace"], start: start, end: start.addingTimeInterval(3600))
        let next = Program(name: "Midday Classics", hosts: ["Clara Weiss"], start: now.end, end: now.end.addingTimeInterval(7200))
        self.schedule = Schedule((now, next))
        server.route(Self.streamPath, .icyStream(metaint: 4000, bytesPerSecond: 16000, extraHeaders: [("icy-name", "Studio FM")]))
        server.route("/hd2.mp3", .status(404, "no such mount"))
        server.route("/composer/day", .status(404, "no schedule"))
        let schedule = self.schedule
        server.route("/composer/now") { _ in
            let (now, next) = schedule.current
            return .ok(Self.composerNow(now, next: next), contentType: "application/json")
        }
        let listenLine = port.map { "listen = \"127.0.0.1:\($0)\"" } ?? ""
        let toml = """
            [daemon]
            socket = "\(sandbox.socketPath)"
            state_file = "\(sandbox.stateFilePath)"
            live = "studio-fm"
            log_level = "info"
            \(listenLine)

            [[station]]
            id = "studio-fm"
            name = "Studio FM"
            tagline = "88.1 FM"
            timezone = "UTC"

              [[station.stream]]
              id = "main"
              url = "\(server.url(Self.streamPath))"
              mode = "follow"

              [[station.source]]
              kind = "composer"
              url = "\(server.url("/composer/now"))"
              interval = "1s"

            [[station]]
            id = "studio-hd2"
            name = "Studio HD2"
            timezone = "UTC"

              [[station.stream]]
              id = "main"
              url = "\(server.url("/hd2.mp3"))"
              mode = "follow"
            """
        config = toml + "\n" + extra
        try sandbox.writeConfig(config)
    }

    /// Points Studio FM's stream at a mount that answers 404 and reloads the daemon
    /// (`POST /v1/reload`), as an engineer repointing it would: the stream goes down.
    func takeStreamDown() async throws {
        try sandbox.writeConfig(config.replacingOccurrences(of: server.url(Self.streamPath), with: server.url("/gone.mp3")))
        let answer = try await SocketHTTP.request(socket, "POST", "/v1/reload", timeout: 10)
        guard answer.status == 200 else { throw TestFailure("POST /v1/reload answered \(answer.status): \(answer.text)") }
    }

    /// Composer's `/now` answer: `onNow` with "HH:mm" times (UTC, the station's zone) and
    /// one `nextUp` entry.
    static func composerNow(_ now: Program, next: Program) -> String {
        func clock(_ date: Date) -> String {
            let seconds = Int(date.timeIntervalSince1970) % 86_400
            return String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60)
        }
        func full(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            return formatter.string(from: date)
        }
        func hosts(_ p: Program) -> String { p.hosts.map { "{\"name\":\"\($0)\"}" }.joined(separator: ",") }
        return """
            {"onNow":{"program":{"name":"\(now.name)","hosts":[\(hosts(now))]},"start_time":"\(clock(now.start))","end_time":"\(clock(now.end))"},
             "nextUp":[{"program":{"name":"\(next.name)","hosts":[\(hosts(next))]},"start_time":"\(clock(next.start))","end_time":"\(clock(next.end))","fullstart":"\(full(next.start))","fullend":"\(full(next.end))"}]}
            """
    }

    /// The program on the air and the one up next, as Composer reports them.
    var programs: (now: Program, next: Program) { schedule.current }

    /// Changes what Composer reports (the daemon polls every second).
    func setPrograms(now: Program, next: Program) {
        schedule.current = (now, next)
    }

    /// Sets the ICY title from the stream's next metadata block on.
    func setTitle(_ title: String) {
        server.setTitle(title, for: Self.streamPath)
    }

    /// Starts `streamd run` and waits until its socket answers.
    func startDaemon() async throws {
        let process = try await DaemonProcess.start(sandbox)
        daemon.withLock { $0 = process }
    }

    /// SIGTERM, then SIGKILL after 10 s.
    func stopDaemon() async {
        guard let process = daemon.withLock({ d -> DaemonProcess? in defer { d = nil }; return d }) else { return }
        _ = await process.stop(timeout: .seconds(10))
    }

    /// Stops the daemon and the loopback station; removes the directory.
    func stop() async {
        await stopDaemon()
        await server.shutdown()
        sandbox.cleanup()
    }

    /// The daemon's latest log (for failure messages).
    var log: String {
        daemon.value?.output(lastBytes: 3000) ?? ""
    }

    /// `GET /v1/now` until its body satisfies `condition`.
    func waitForNow(_ what: String, timeout: Duration = .seconds(20), _ condition: @escaping (String) -> Bool) async throws {
        var last = ""
        try await eventually("GET /v1/now to show \(what)", timeout: timeout, detail: { "\(last)\n\(self.log)" }) { () -> Bool? in
            guard let answer = try? await SocketHTTP.request(socket, "GET", "/v1/now", timeout: 2) else { return nil }
            last = answer.text
            return answer.status == 200 && condition(answer.text) ? true : nil
        }
    }

    /// Runs `body` with a started studio and stops everything afterwards, also on failure.
    static func with<T: Sendable>(listen: Bool = false, title: String, extra: String = "",
                                  _ body: (StudioDaemon) async throws -> T) async throws -> T {
        let studio = try await start(listen: listen, title: title, extra: extra)
        do {
            let result = try await body(studio)
            await studio.stop()
            return result
        } catch {
            await studio.stop()
            throw error
        }
    }
}
