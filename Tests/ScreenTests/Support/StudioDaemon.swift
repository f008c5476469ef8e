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
    let directory: URL
    let socket: String
    let config: URL
    /// The TCP listener's port, when asked for one.
    let port: Int?
    private let lock = NSLock()
    private var process: Process?
    private var runs = 0
    private let schedule: Schedule

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
    static func start(listen: Bool = false, title: String) async throws -> StudioDaemon {
        let binary = StreamdProcess.binary.path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw StreamdProcess.Missing(path: binary) }
        let server = try await LoopbackServer.start()
        let port = listen ? try await LoopbackServer.closedPort() : nil
        let studio: StudioDaemon
        do {
            studio = try StudioDaemon(server: server, port: port)
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

    private init(server: LoopbackServer, port: Int?) throws {
        self.server = server
        self.port = port
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("streamd-screen-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.socket = directory.appendingPathComponent("streamd.sock").path
        self.config = directory.appendingPathComponent("streamd.toml")
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
            socket = "\(socket)"
            state_file = "\(directory.appendingPathComponent("state.json").path)"
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
        try toml.write(to: config, atomically: true, encoding: .utf8)
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
        let process = Process()
        process.executableURL = StreamdProcess.binary
        process.arguments = ["run", "--config", config.path]
        runs += 1
        let log = directory.appendingPathComponent("streamd-\(runs).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        lock.withLock { self.process = process }
        try await eventually("streamd to answer on \(socket)", timeout: .seconds(20), detail: { self.log }) { () -> Bool? in
            if !process.isRunning {
                throw HarnessError("streamd exited with status \(process.terminationStatus) at start:\n\(self.log)")
            }
            return await UnixSocketHTTP.get(socket, "/v1/health", timeout: 2).status > 0 ? true : nil
        }
    }

    /// SIGTERM, then SIGKILL after 10 s; waits for the exit off the concurrency pool.
    func stopDaemon() async {
        guard let process = lock.withLock({ () -> Process? in defer { self.process = nil }; return self.process }) else { return }
        _ = try? await onOwnThread("stop streamd") {
            if process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// Stops the daemon and the loopback station; removes the directory.
    func stop() async {
        await stopDaemon()
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The daemon's latest log (for failure messages).
    var log: String {
        let file = directory.appendingPathComponent("streamd-\(runs).log")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return String(text.suffix(3000))
    }

    /// `GET /v1/now` until its body satisfies `condition`.
    func waitForNow(_ what: String, timeout: Duration = .seconds(20), _ condition: @escaping (String) -> Bool) async throws {
        var last = ""
        try await eventually("GET /v1/now to show \(what)", timeout: timeout, detail: { "\(last)\n\(self.log)" }) { () -> Bool? in
            let answer = await UnixSocketHTTP.get(socket, "/v1/now", timeout: 2)
            last = answer.body
            return answer.status == 200 && condition(answer.body) ? true : nil
        }
    }

    /// Runs `body` with a started studio and stops everything afterwards, also on failure.
    static func with<T: Sendable>(listen: Bool = false, title: String, _ body: (StudioDaemon) async throws -> T) async throws -> T {
        let studio = try await start(listen: listen, title: title)
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
