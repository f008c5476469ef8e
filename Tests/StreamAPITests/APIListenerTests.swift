import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI
import StreamHTTP

@Suite("Socket API: listeners", .timeLimit(.minutes(2)))
struct APIListenerTests {
    @Test("the socket file is mode 0660 and removed at shutdown")
    func socketModeAndRemoval() async throws {
        let directory = try makeAPISocketDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        let server = try await APIServer.start(listeners: [.unix(path: path)], backend: TestBackend(), hub: EventHub(),
                                               logger: apiQuietLogger)
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)
        await server.shutdown()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a custom mode is applied")
    func customMode() async throws {
        let directory = try makeAPISocketDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        let server = try await APIServer.start(listeners: [.unix(path: path, mode: 0o600)], backend: TestBackend(),
                                               hub: EventHub(), logger: apiQuietLogger)
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        await server.shutdown()
    }

    @Test("a stale socket file left by a crash is replaced")
    func staleSocketReplaced() async throws {
        let directory = try makeAPISocketDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        let fd = try bindTestUnixSocket(path, listening: false)
        close(fd)   // the file stays, nobody answers: what a crash leaves
        #expect(FileManager.default.fileExists(atPath: path))
        let server = try await APIServer.start(listeners: [.unix(path: path)], backend: TestBackend(), hub: EventHub(),
                                               logger: apiQuietLogger)
        let engine = try CurlEngine()
        let response = try await engine.fetch(HTTPRequest(url: "http://streamd/v1/stations", unixSocketPath: path))
        #expect(response.status == 200)
        engine.shutdown()
        await server.shutdown()
    }

    @Test("a second server on a live socket is refused, naming the path; the first keeps serving")
    func liveSocketRefused() async throws {
        try await withAPIServer { api in
            let refusal = await apiStartFailure([.unix(path: api.socketPath)])
            #expect(refusal?.code == .daemonAlreadyRunning)
            #expect(refusal?.message.contains(api.socketPath) == true)
            let stillServing = try await api.request("/v1/stations")
            #expect(stillServing.status == 200)
        }
    }

    @Test("a path that is not a socket is left alone and refused")
    func notASocket() async throws {
        let directory = try makeAPISocketDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/file"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8)))
        await #expect(throws: APIServerError(code: .notASocket, message: "\(path) exists and is not a socket; streamd will not replace it")) {
            _ = try await APIServer.start(listeners: [.unix(path: path)], backend: TestBackend(), hub: EventHub(),
                                          logger: apiQuietLogger)
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep me".utf8))
    }

    @Test("a missing folder is created (mode 0755) and the socket bound in it")
    func missingDirectory() async throws {
        let folder = "/tmp/streamd-no-such-dir-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/run/s.sock"
        let server = try await APIServer.start(listeners: [.unix(path: path)], backend: TestBackend(), hub: EventHub(),
                                               logger: apiQuietLogger)
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK, "the socket is bound")
        #expect(stat(folder + "/run", &info) == 0 && info.st_mode & 0o777 == 0o755)
        await server.shutdown()
    }

    @Test("a folder that cannot be created: no-socket-folder naming it, with what to do")
    func uncreatableFolder() async throws {
        let file = "/tmp/streamd-plain-file-\(getpid())"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        defer { unlink(file) }
        let failure = await apiStartFailure([.unix(path: file + "/sub/s.sock")])
        #expect(failure?.code == .noSocketFolder)
        #expect(failure?.message.contains("cannot create the socket's folder \(file)/sub") == true, "\(String(describing: failure))")
        #expect(failure?.message.contains("[daemon] socket") == true)
    }

    @Test("TCP: the read-only routes and the screen on /; POST answers 403 with an error body")
    func tcpReadOnly() async throws {
        try await withAPIServer(extraListeners: [.tcp(host: "127.0.0.1", port: 0)]) { api in
            let port = try #require(api.server.tcpPorts.first)
            #expect(api.server.boundAddresses.contains("tcp:127.0.0.1:\(port)"))
            let state = try await api.engine.fetch(HTTPRequest(url: "http://127.0.0.1:\(port)/v1/state"))
            #expect(state.status == 200)
            let screen = try await api.engine.fetch(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(screen.status == 200)
            #expect(screen.headers["content-type"] == "text/html; charset=utf-8")
            for path in ["/v1/reload", "/v1/refresh"] {
                let post = try await Curl.run(["-X", "POST", "http://127.0.0.1:\(port)\(path)"])
                #expect(post.status == 403)
                #expect(post.body.contains(#""code":"forbidden""#))
                #expect(post.body.contains("Unix socket only"))
            }
            #expect(await api.backend.reloads == 0)
            #expect(await api.backend.refreshed.isEmpty)
        }
    }

    @Test("an inherited listening Unix socket (socket activation) serves every route")
    func inheritedSocket() async throws {
        let directory = try makeAPISocketDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/activated.sock"
        let fd = try bindTestUnixSocket(path, listening: true)
        let backend = TestBackend()
        let server = try await APIServer.start(listeners: [.inherited(fd: fd)], backend: backend, hub: EventHub(),
                                               logger: apiQuietLogger)
        let reload = try await Curl.run(["--unix-socket", path, "-X", "POST", "http://streamd/v1/reload"])
        #expect(reload.status == 200)
        #expect(await backend.reloads == 1)
        await server.shutdown()
    }
}

/// Binds a Unix socket at `path` with plain POSIX calls (a stand-in for systemd or a crashed
/// daemon); returns the descriptor.
func bindTestUnixSocket(_ path: String, listening: Bool) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket failed") }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind \(path): \(String(cString: strerror(errno)))") }
    if listening { listen(fd, 16) }
    return fd
}

/// The error a server start on `listeners` fails with; nil (and an issue) if it starts.
func apiStartFailure(_ listeners: [APIListener]) async -> APIServerError? {
    do throws(APIServerError) {
        let server = try await APIServer.start(listeners: listeners, backend: TestBackend(), hub: EventHub(),
                                               logger: apiQuietLogger)
        await server.shutdown()
        Issue.record("the server started on \(listeners)")
        return nil
    } catch {
        return error
    }
}
