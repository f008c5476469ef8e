import Foundation

/// A real MQTT broker for the tests: Debian's `mosquitto` on a loopback port of its own, with
/// no persistence (a restart forgets every retained message, as a broker replaced would), and
/// optionally with passwords or a TLS listener signed by a test CA made here with `openssl`.
/// Messages are read with Debian's `mosquitto_sub`, a client that is not streamd's.
public final class MosquittoBroker: Sendable {
    /// How the broker is set up.
    public struct Options: Sendable {
        /// User name → password; none: anonymous clients are allowed.
        public var users: [String: String] = [:]
        /// A TLS listener (certificate for 127.0.0.1, signed by ``MosquittoBroker/caFile``).
        public var tls = false
        /// Log every packet (`log_type all`): client ids, keepalives, user names, QoS.
        public var verbose = false

        /// Plain, anonymous, quiet unless told.
        public init(users: [String: String] = [:], tls: Bool = false, verbose: Bool = false) {
            self.users = users
            self.tls = tls
            self.verbose = verbose
        }
    }

    /// One message as `mosquitto_sub` printed it.
    public struct Message: Sendable, CustomStringConvertible {
        /// The topic.
        public var topic: String
        /// Whether the broker delivered it as a retained message (a late subscriber's copy).
        public var retained: Bool
        /// The payload as text.
        public var payload: String

        /// The payload parsed as a JSON object.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
        }

        /// `topic (retained) payload`.
        public var description: String { "\(topic)\(retained ? " (retained)" : "") \(payload.prefix(200))" }
    }

    /// The broker's port on 127.0.0.1.
    public let port: Int
    /// Its folder: configuration, passwords, certificates, log.
    public let directory: String
    /// The options it was started with.
    public let options: Options
    private let process = Locked<ChildProcess?>(nil)

    /// `mqtt://127.0.0.1:PORT` (or `mqtts://`).
    public var url: String { "\(options.tls ? "mqtts" : "mqtt")://127.0.0.1:\(port)" }
    /// The test CA's certificate (TLS only).
    public var caFile: String { directory + "/ca.crt" }

    private init(port: Int, directory: String, options: Options) {
        self.port = port
        self.directory = directory
        self.options = options
    }

    /// Starts a broker and waits until it accepts connections.
    public static func start(_ options: Options = Options()) async throws -> MosquittoBroker {
        _ = try tool("mosquitto", in: ["/usr/sbin", "/usr/bin"])
        let directory = NSTemporaryDirectory() + "streamd-mosquitto-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let broker = MosquittoBroker(port: try LoopbackPort.free(), directory: directory, options: options)
        try await broker.writeConfiguration()
        try await broker.resume()
        return broker
    }

    /// Starts the broker again on the same port (after ``stop()``).
    public func resume() async throws {
        let executable = try Self.tool("mosquitto", in: ["/usr/sbin", "/usr/bin"])
        let child = try await ChildProcess.start(executable, ["-c", directory + "/mosquitto.conf"], name: "mosquitto")
        process.withLock { $0 = child }
        try await eventually("mosquitto listening on 127.0.0.1:\(port)", timeout: .seconds(10),
                             detail: { child.output(lastBytes: 800) }) {
            if let status = child.exitStatus {
                throw TestFailure("mosquitto exited \(status): \(child.output(lastBytes: 1500))")
            }
            return LoopbackPort.isListening(port)
        }
    }

    /// What the broker logged so far (every packet with ``Options/verbose``).
    public var log: String { process.withLock { $0 }?.output(lastBytes: 1 << 20) ?? "" }

    /// Stops the broker (SIGTERM); its retained messages are gone with it.
    public func stop() async {
        guard let child = process.withLock({ state -> ChildProcess? in defer { state = nil }; return state }) else { return }
        _ = await child.stop(grace: .seconds(5))
        child.removeOutput()
    }

    /// Stops the broker and removes its folder.
    public func cleanup() async {
        await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Subscribes to `topic` with `mosquitto_sub` and returns the first `count` messages,
    /// retained ones first; fails when fewer arrive within `timeout` seconds.
    public func messages(_ topic: String, count: Int, timeout: Int = 10, user: (String, String)? = nil) async throws -> [Message] {
        let subscriber = try subscribe(topic, count: count, timeout: timeout, user: user)
        return try await subscriber.messages()
    }

    /// Starts `mosquitto_sub` on `topic` now, to collect the first `count` messages (read them
    /// with ``Subscriber/messages()``).
    public func subscribe(_ topic: String, count: Int, timeout: Int = 10, user: (String, String)? = nil) throws -> Subscriber {
        var arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", topic, "-C", String(count), "-W", String(timeout),
                         "-q", "1", "-F", "%t\t%r\t%p"]
        if options.tls { arguments += ["--cafile", caFile] }
        if let (name, password) = user { arguments += ["-u", name, "-P", password] }
        return try Subscriber(executable: try Self.tool("mosquitto_sub", in: ["/usr/bin"]), arguments: arguments,
                              description: "mosquitto_sub -t \(topic) -C \(count) on \(url)")
    }

    /// A `mosquitto_sub` that runs while the test goes on.
    public final class Subscriber: Sendable {
        private let task: Task<ToolResult, any Error>
        private let description: String

        init(executable: String, arguments: [String], description: String) throws {
            self.description = description
            task = Task { try await runTool(executable, arguments, timeout: .seconds(60)) }
        }

        /// Waits for it to end and returns what it printed; fails when it timed out or failed.
        public func messages() async throws -> [Message] {
            let result = try await task.value
            guard result.status == 0 else {
                throw TestFailure("\(description) ended \(result.status) (27: too few messages in time): \(result.stderr)\n\(result.stdout)")
            }
            return result.stdout.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { return nil }
                return Message(topic: String(parts[0]), retained: parts[1] == "1", payload: String(parts[2]))
            }
        }
    }

    // MARK: Set-up

    private func writeConfiguration() async throws {
        var conf = "listener \(port) 127.0.0.1\npersistence false\nlog_dest stderr\nuser root\n"
        if options.verbose { conf += "log_type all\n" }
        if options.users.isEmpty {
            conf += "allow_anonymous true\n"
        } else {
            let file = directory + "/passwords"
            let passwd = try Self.tool("mosquitto_passwd", in: ["/usr/bin"])
            for (index, (name, password)) in options.users.sorted(by: { $0.key < $1.key }).enumerated() {
                let result = try await runTool(passwd, (index == 0 ? ["-c"] : []) + ["-b", file, name, password])
                guard result.status == 0 else { throw TestFailure("mosquitto_passwd failed: \(result.stderr)") }
            }
            conf += "allow_anonymous false\npassword_file \(file)\n"
        }
        if options.tls {
            try await makeCertificates()
            conf += "cafile \(caFile)\ncertfile \(directory)/server.crt\nkeyfile \(directory)/server.key\n"
        }
        try conf.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
    }

    /// A test CA and a certificate for 127.0.0.1 signed by it.
    private func makeCertificates() async throws {
        let openssl = try Self.tool("openssl", in: ["/usr/bin"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/ca.key", "-out", caFile,
             "-days", "2", "-subj", "/CN=streamd test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/server.key", "-out", "\(directory)/server.csr",
             "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "\(directory)/server.csr", "-CA", caFile, "-CAkey", "\(directory)/ca.key",
             "-CAcreateserial", "-out", "\(directory)/server.crt", "-days", "2", "-extfile", "\(directory)/san.ext"],
        ] {
            let result = try await runTool(openssl, arguments)
            guard result.status == 0 else { throw TestFailure("openssl \(arguments[0]) failed: \(result.stderr)") }
        }
    }

    /// The path of a test tool, or a failure that says how to install it.
    static func tool(_ name: String, in folders: [String]) throws -> String {
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw TestFailure("\(name) is not installed: run scripts/install-deps.sh test (Debian's mosquitto, mosquitto-clients and openssl)")
    }
}
