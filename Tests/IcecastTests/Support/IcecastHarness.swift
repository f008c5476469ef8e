import Foundation
import StreamTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A real Icecast2 server (Debian `icecast2`, 2.4.4) on 127.0.0.1, fed by real ffmpeg source
/// clients, with titles changed through the admin API: what most stations run, on loopback.
///
/// - The configuration is generated in a temporary directory: a free port bound to
///   127.0.0.1, random passwords, up to 16 sources. Mounts need no configuration (Icecast
///   accepts any mount a source connects to) except the UTF-8 ones (`utf8Mounts`, default
///   `/utf8.mp3`), which get `<charset>UTF-8</charset>`; every other mount keeps Icecast's
///   default, ISO-8859-1, where titles sent with `charset=UTF-8` go out as Latin-1 with
///   `&#NNNN;` for characters outside Latin-1.
/// - Icecast refuses to run as root: as root the configuration has `<changeowner>` to user
///   `icecast2`, group `icecast` (created by the package) and the log directory belongs to them.
/// - Sources are `ffmpeg -re -f lavfi -i sine=...`: MP3 (libmp3lame, 128 kbit/s) or Ogg
///   Vorbis (libvorbis), chosen by the mount's extension, sent in real time.
/// - `shutdown()` stops every source and the server and removes the directory; `with(...)`
///   does it also when the body throws. A missing `icecast2` or `ffmpeg` is an error that
///   says what to install (the test fails; it is never skipped).
final class IcecastHarness: @unchecked Sendable {
    enum SourceFormat: String, Sendable {
        case mp3, ogg, aac
    }

    /// One entry of `status-json.xsl`'s `icestats.source`.
    struct Mount: Sendable, Equatable {
        var path: String
        var title: String?
        var artist: String?
        var serverType: String?
    }

    let port: Int
    let directory: URL
    let adminPassword: String
    let sourcePassword: String
    let utf8Mounts: [String]
    let icecastBinary: String
    let ffmpegBinary: String

    private let lock = NSLock()
    private var server: ChildProcess?
    private var sources: [String: ChildProcess] = [:]

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The listen URL of `mount`.
    func url(_ mount: String) -> String { baseURL + mount }

    // MARK: Tools

    static let installHint = "install the Debian packages icecast2 and ffmpeg (`apt-get install icecast2 ffmpeg`; `make test` does it through scripts/install-deps.sh)"


    // MARK: Life cycle

    /// Prepares a server (configuration and directories) without starting it.
    static func prepare(utf8Mounts: [String] = ["/utf8.mp3"]) throws -> IcecastHarness {
        let icecast = try requireTool("icecast2", package: "icecast2")
        let ffmpeg = try requireTool("ffmpeg", package: "ffmpeg")
        var template = Array("/tmp/streamd-icecast.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed: errno \(errno)")
        }
        let directory = URL(fileURLWithPath: String(cString: made))
        let harness = IcecastHarness(port: try LoopbackTCP.freePort(), directory: directory, utf8Mounts: utf8Mounts,
                                     icecastBinary: icecast, ffmpegBinary: ffmpeg)
        do {
            try harness.writeConfiguration()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return harness
    }

    /// Prepares, launches and waits until `status-json.xsl` is valid JSON.
    static func start(utf8Mounts: [String] = ["/utf8.mp3"]) async throws -> IcecastHarness {
        let harness = try prepare(utf8Mounts: utf8Mounts)
        do {
            try await harness.launch()
            try await harness.waitUntilReady()
            return harness
        } catch {
            await harness.shutdown()
            throw error
        }
    }

    /// Runs `body` with a started server and shuts it down afterwards, also when `body` throws.
    static func with<T: Sendable>(utf8Mounts: [String] = ["/utf8.mp3"],
                                  _ body: (IcecastHarness) async throws -> T) async throws -> T {
        let harness = try await start(utf8Mounts: utf8Mounts)
        do {
            let result = try await body(harness)
            await harness.shutdown()
            return result
        } catch {
            await harness.shutdown()
            throw error
        }
    }

    private init(port: Int, directory: URL, utf8Mounts: [String], icecastBinary: String, ffmpegBinary: String) {
        self.port = port
        self.directory = directory
        self.utf8Mounts = utf8Mounts
        self.icecastBinary = icecastBinary
        self.ffmpegBinary = ffmpegBinary
        self.adminPassword = "admin-" + UUID().uuidString.prefix(8).lowercased()
        self.sourcePassword = "source-" + UUID().uuidString.prefix(8).lowercased()
    }

    private var logDirectory: URL { directory.appendingPathComponent("log") }
    private var configURL: URL { directory.appendingPathComponent("icecast.xml") }

    private func writeConfiguration() throws {
        let fm = FileManager.default
        try fm.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        // The server drops to icecast2:icecast: it must reach the log directory and write there.
        guard chmod(directory.path, 0o755) == 0, chmod(logDirectory.path, 0o777) == 0 else {
            throw TestFailure("chmod \(directory.path) failed: errno \(errno)")
        }
        var security = "<chroot>0</chroot>"
        if geteuid() == 0 {
            guard let user = getpwnam("icecast2"), let group = getgrnam("icecast") else {
                throw TestFailure("user icecast2 / group icecast missing (they come with the icecast2 package): \(Self.installHint)")
            }
            guard chown(logDirectory.path, user.pointee.pw_uid, group.pointee.gr_gid) == 0 else {
                throw TestFailure("chown \(logDirectory.path) to icecast2:icecast failed: errno \(errno)")
            }
            security += "<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
        }
        let mounts = utf8Mounts.map {
            "  <mount type=\"normal\"><mount-name>\(xml($0))</mount-name><charset>UTF-8</charset></mount>\n"
        }.joined()
        let config = """
            <icecast>
              <location>loopback</location>
              <admin>tests@localhost</admin>
              <hostname>127.0.0.1</hostname>
              <limits>
                <clients>200</clients>
                <sources>16</sources>
                <queue-size>524288</queue-size>
                <client-timeout>30</client-timeout>
                <header-timeout>15</header-timeout>
                <source-timeout>10</source-timeout>
                <burst-on-connect>1</burst-on-connect>
                <burst-size>65535</burst-size>
              </limits>
              <authentication>
                <source-password>\(sourcePassword)</source-password>
                <relay-password>\(sourcePassword)</relay-password>
                <admin-user>admin</admin-user>
                <admin-password>\(adminPassword)</admin-password>
              </authentication>
              <listen-socket>
                <port>\(port)</port>
                <bind-address>127.0.0.1</bind-address>
              </listen-socket>
            \(mounts)  <fileserve>1</fileserve>
              <paths>
                <basedir>/usr/share/icecast2</basedir>
                <logdir>\(xml(logDirectory.path))</logdir>
                <webroot>/usr/share/icecast2/web</webroot>
                <adminroot>/usr/share/icecast2/admin</adminroot>
              </paths>
              <logging>
                <accesslog>access.log</accesslog>
                <errorlog>error.log</errorlog>
                <loglevel>3</loglevel>
              </logging>
              <security>\(security)</security>
            </icecast>

            """
        try config.write(to: configURL, atomically: true, encoding: .utf8)
    }

    private func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// Starts the server process (it answers about 0.3 s later; its status JSON is invalid for
    /// the first moments). The port stays the same across launches.
    func launch() async throws {
        let process = try await ChildProcess.start(icecastBinary, ["-c", configURL.path], name: "icecast2")
        lock.withLock { server = process }
    }

    /// Whether the server process runs.
    var isRunning: Bool { lock.withLock { server }?.isRunning ?? false }

    /// Waits until `status-json.xsl` answers with valid JSON.
    func waitUntilReady(timeout: Duration = .seconds(15)) async throws {
        var last = "no answer"
        _ = try await eventually("Icecast on port \(port) to serve valid status JSON", timeout: timeout,
                                 detail: { last + "\n" + self.diagnostics() }) { () -> Bool? in
            if let server = lock.withLock({ self.server }), let status = server.exitStatus {
                throw TestFailure("icecast2 exited with status \(status) at start:\n\(diagnostics())")
            }
            guard let response = try? await rawStatus() else { return nil }
            last = "HTTP \(response.status): \(response.text.prefix(200))"
            return (try? Self.parseMounts(response.body)) != nil ? true : nil
        }
    }

    /// Stops the server (sources first), keeping the directory for another `launch()`.
    func stopServer() async {
        for mount in lock.withLock({ Array(sources.keys) }) { await stopSourceProcess(mount) }
        if let server = lock.withLock({ () -> ChildProcess? in defer { self.server = nil }; return self.server }) {
            await server.stop()
        }
    }

    /// Stops every source and the server and removes the directory.
    func shutdown() async {
        await stopServer()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's output and error log, for failure messages.
    func diagnostics() -> String {
        let out = lock.withLock { server }?.output(lastBytes: 1500) ?? ""
        let errorLog = (try? String(contentsOf: logDirectory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        return "icecast2 output: \(out.isEmpty ? "(none)" : out)\nerror.log (end): \(errorLog.suffix(1500))"
    }

    // MARK: Status

    /// `GET /status-json.xsl`, as it comes (possibly invalid JSON right after start).
    func rawStatus() async throws -> LoopbackTCP.Response {
        let port = self.port
        return try await onOwnThread("icecast status") { try LoopbackTCP.get(port: port, path: "/status-json.xsl", timeout: 3) }
    }

    /// The mounts `status-json.xsl` lists (`source` absent, an object, or an array).
    func mounts() async throws -> [Mount] {
        let response = try await rawStatus()
        guard response.status == 200 else { throw TestFailure("status-json.xsl answered HTTP \(response.status)") }
        return try Self.parseMounts(response.body)
    }

    /// Parses a status-json.xsl body; throws when it is not valid JSON with `icestats`.
    static func parseMounts(_ body: [UInt8]) throws -> [Mount] {
        guard let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let stats = json["icestats"] as? [String: Any] else {
            throw TestFailure("status-json.xsl has no icestats object")
        }
        let entries: [[String: Any]]
        switch stats["source"] {
        case let one as [String: Any]: entries = [one]
        case let many as [[String: Any]]: entries = many
        default: entries = []
        }
        return entries.map { entry in
            let listen = entry["listenurl"] as? String ?? ""
            let path = URLComponents(string: listen)?.path ?? listen
            return Mount(path: path, title: entry["title"] as? String, artist: entry["artist"] as? String,
                         serverType: entry["server_type"] as? String)
        }
    }

    /// Waits until `status-json.xsl` lists every mount in `present` and none in `absent`.
    @discardableResult
    func waitForMounts(present: Set<String> = [], absent: Set<String> = [], timeout: Duration = .seconds(15)) async throws -> [Mount] {
        var seen: [Mount] = []
        return try await eventually("status-json.xsl to list \(present.sorted()) and not \(absent.sorted())",
                                    timeout: timeout, every: .milliseconds(100),
                                    detail: { "\(seen.map(\.path))" }) { () -> [Mount]? in
            guard let mounts = try? await self.mounts() else { return nil }
            seen = mounts
            let paths = Set(mounts.map(\.path))
            return present.isSubset(of: paths) && paths.isDisjoint(with: absent) ? mounts : nil
        }
    }

    // MARK: Sources

    /// Starts an ffmpeg source client on `mount` (MP3 unless the mount ends in `.ogg`) and
    /// waits until the mount is listed. `frequency` is the tone, in Hz; `input` replaces the
    /// tone with another lavfi source (e.g. an `aevalsrc` expression).
    func startSource(_ mount: String, format: SourceFormat? = nil, frequency: Int = 440, input: String? = nil) async throws {
        let format = format ?? (mount.hasSuffix(".ogg") ? .ogg : .mp3)
        let codec: [String] = switch format {
        case .mp3: ["-c:a", "libmp3lame", "-b:a", "128k", "-content_type", "audio/mpeg", "-f", "mp3"]
        // A fixed 128 kbit/s: with libvorbis's own choice, a pure sine came out near the stall
        // limit (streamd saw under 2000 bytes/s over 8 s) and the test flapped to stalled.
        case .ogg: ["-c:a", "libvorbis", "-b:a", "128k", "-content_type", "application/ogg", "-f", "ogg"]
        // AAC-LC in ADTS frames, as SHOUTcast-era encoders send it.
        case .aac: ["-c:a", "aac", "-b:a", "128k", "-content_type", "audio/aac", "-f", "adts"]
        }
        let arguments = ["-nostdin", "-hide_banner", "-loglevel", "warning", "-re",
                         "-f", "lavfi", "-i", input ?? "sine=frequency=\(frequency):sample_rate=44100"]
            + codec + ["icecast://source:\(sourcePassword)@127.0.0.1:\(port)\(mount)"]
        await stopSourceProcess(mount)
        let name = "ffmpeg" + mount.replacingOccurrences(of: "/", with: "-")
        let process = try await ChildProcess.start(ffmpegBinary, arguments, name: name)
        lock.withLock { sources[mount] = process }
        do {
            try await eventually("the \(format.rawValue) source on \(mount) to be listed", timeout: .seconds(15),
                                 every: .milliseconds(100), detail: { "ffmpeg: \(process.output(lastBytes: 800))" }) { () -> Bool? in
                if let status = process.exitStatus {
                    throw TestFailure("ffmpeg for \(mount) exited with status \(status): \(process.output(lastBytes: 1500))")
                }
                guard let mounts = try? await self.mounts() else { return nil }
                return mounts.contains { $0.path == mount } ? true : nil
            }
        } catch {
            await stopSourceProcess(mount)
            throw error
        }
    }

    /// Stops the source client on `mount` (the listeners get EOF) and waits until Icecast
    /// no longer lists the mount.
    func stopSource(_ mount: String) async throws {
        await stopSourceProcess(mount)
        try await waitForMounts(absent: [mount])
    }

    /// Stops every source client.
    func stopAllSources() async throws {
        let mounts = lock.withLock { Array(sources.keys) }
        for mount in mounts { await stopSourceProcess(mount) }
        try await waitForMounts(absent: Set(mounts))
    }

    private func stopSourceProcess(_ mount: String) async {
        if let process = lock.withLock({ sources.removeValue(forKey: mount) }) { await process.stop() }
    }

    // MARK: Admin

    /// Sets the title of `mount` through `/admin/metadata?mode=updinfo&song=...` (basic auth).
    /// `charset` adds `&charset=...`: with `UTF-8` on a default (ISO-8859-1) mount the title
    /// goes out as Latin-1 with `&#NNNN;` entities. Without it the bytes are stored as sent
    /// (raw UTF-8 here), which is how a UTF-8 mount is fed.
    func setTitle(_ song: String, mount: String, charset: String? = nil) async throws {
        var path = "/admin/metadata?mode=updinfo&mount=\(Self.percentEncode(mount))&song=\(Self.percentEncode(song))"
        if let charset { path += "&charset=\(Self.percentEncode(charset))" }
        let auth = "Basic " + Data("admin:\(adminPassword)".utf8).base64EncodedString()
        let port = self.port
        let query = path
        let response = try await onOwnThread("icecast admin") {
            try LoopbackTCP.get(port: port, path: query, headers: [("Authorization", auth)], timeout: 5)
        }
        guard response.status == 200, response.text.contains("<return>1</return>") else {
            throw TestFailure("admin metadata update of \(mount) to \(song.debugDescription) failed: HTTP \(response.status) \(response.text)")
        }
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8 bytes).
    static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }
}

/// One Icecast shared by the tests of a suite that each use mounts of their own: the first
/// lease starts it, the last one stops it (tests run in parallel, so they overlap).
actor SharedIcecast {
    static let titles = SharedIcecast()

    private var harness: IcecastHarness?
    private var starting: Task<IcecastHarness, any Error>?
    private var leases = 0

    /// Runs `body` with the shared server; the server stops when the last lease ends.
    func with<T: Sendable>(_ body: @Sendable (IcecastHarness) async throws -> T) async throws -> T {
        let harness = try await acquire()
        do {
            let result = try await body(harness)
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async throws -> IcecastHarness {
        leases += 1
        if let harness { return harness }
        let task = starting ?? Task { try await IcecastHarness.start() }
        starting = task
        do {
            let started = try await task.value
            harness = started
            return started
        } catch {
            leases -= 1
            starting = nil
            throw error
        }
    }

    private func release() async {
        leases -= 1
        guard leases == 0, let current = harness else { return }
        harness = nil
        starting = nil
        await current.shutdown()
    }
}
