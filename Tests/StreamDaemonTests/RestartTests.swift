import Foundation
import StreamTestSupport
import Testing

/// Stopping and starting the daemon: SIGTERM, restart with the state restored, `kill -9`
/// during heavy change, a second daemon on a live socket, a stale socket file.
@Suite("streamd run: stop, restart, kill -9", .timeLimit(.minutes(2)))
struct RestartTests {
    /// Runs `body` with a loopback station and a sandbox holding its configuration; stops
    /// every daemon in `daemons` and removes the sandbox afterwards, whatever happens.
    func withSandbox(interval: String = LoopbackStation.interval, metaint: Int = 1000,
                     _ body: (DaemonSandbox, LoopbackStation, DaemonList) async throws -> Void) async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server, metaint: metaint)
            let sandbox = try DaemonSandbox()
            defer { sandbox.cleanup() }
            try sandbox.writeConfig(LoopbackStation.config(sandbox, [station], interval: interval))
            let daemons = DaemonList()
            do {
                try await body(sandbox, station, daemons)
                await daemons.terminateAll()
            } catch {
                await daemons.terminateAll()
                throw error
            }
        }
    }

    /// Every daemon a test started, for cleanup.
    final class DaemonList: Sendable {
        private let list = Locked<[DaemonProcess]>([])

        func start(_ sandbox: DaemonSandbox, arguments: [String] = [], waitReady: Bool = true) async throws -> DaemonProcess {
            let daemon = try await DaemonProcess.start(sandbox, arguments: arguments, waitReady: waitReady)
            list.withLock { $0.append(daemon) }
            return daemon
        }

        func terminateAll() async {
            for daemon in list.value { await daemon.terminate() }
        }
    }

    @Test("SIGTERM: exit 0 within 5 s, socket removed, final state written; the restart serves it stale with a higher sequence, then fresh")
    func stopAndRestart() async throws {
        try await withSandbox { sandbox, station, daemons in
            let first = try await daemons.start(sandbox)
            let settled = try await first.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
            let lastSeen = try #require(settled.sequence)

            let (status, took) = await first.stop()
            #expect(status == 0, "SIGTERM: exit status \(status.map(String.init) ?? "none (still running after 5 s)"); stderr:\n\(first.stderr.suffix(2000))")
            #expect(took < .seconds(5))
            #expect(!FileManager.default.fileExists(atPath: sandbox.socketPath), "the socket file is still there after a clean stop")
            let final = try #require(try sandbox.stateDocument(), "no state file after the stop")
            let finalSequence = try #require(final.sequence)
            #expect(finalSequence >= lastSeen, "the final state (sequence \(finalSequence)) is older than what /v1/state served (\(lastSeen))")
            #expect(final.station(station.id)?.songTitle == "Kerala")
            let problems = try await StateSchema.problems(sandbox.stateFilePath)
            #expect(problems == nil, "final state file: \(problems ?? "")")

            // Nothing answers for 3 s at the next start, and the title has moved on meanwhile.
            try station.answerAfter(.seconds(3))
            station.setTitle("Olafur Arnalds - Saman")
            let second = try await daemons.start(sandbox)
            let restored = try await second.get("/v1/state")
            #expect(restored.status == 200)
            let document = try restored.object()
            #expect(document["stale"] as? Bool == true, "the first document after a restart is the loaded one, marked stale")
            #expect(document.station(station.id)?.songTitle == "Kerala", "the old song is served until the watchers report")
            let restoredSequence = try #require(document.sequence)
            #expect(restoredSequence > finalSequence, "sequence must keep growing across restarts: \(finalSequence) then \(restoredSequence)")
            #expect(restored.headers["etag"] == "\"\(restoredSequence)\"")
            let now = try await second.get("/v1/now")
            #expect(try now.object()["stale"] as? Bool == true)
            let restoredProblems = try await StateSchema.problems(bytes: restored.body)
            #expect(restoredProblems == nil, "the stale document: \(restoredProblems ?? "")")

            // Then fresh: the new title, not stale, the sequence still growing.
            let fresh = try await second.waitForState("fresh values after the restart", timeout: .seconds(15)) {
                $0["stale"] as? Bool == false && $0.station(station.id)?.songTitle == "Saman"
            }
            #expect((fresh.sequence ?? 0) > restoredSequence)
            let (again, _) = await second.stop()
            #expect(again == 0)
        }
    }

    /// Rounds of start, heavy change, kill -9. A kill lands inside a state file write only now
    /// and then, so there are enough rounds to catch one most of the time.
    static let killRounds = 20

    @Test("kill -9 in a loop during heavy change never leaves a partial or invalid file; the sequence never goes back")
    func killLoop() async throws {
        try await withSandbox(metaint: 200) { sandbox, station, daemons in
            let changer = TitleChanger(station, every: .milliseconds(50))
            let copies = try DaemonSandbox()
            defer { copies.cleanup() }
            var sequences: [Int] = []
            var failure: String?
            var strayProblem: String?
            /// Temporary files seen after the previous kill, with their modification times.
            var strays: [String: Int] = [:]
            for round in 1...Self.killRounds {
                let daemon = try await daemons.start(sandbox)
                // Let it take in changes for a moment, then kill it mid-flight: at a random
                // moment in odd rounds, in even rounds the instant a file other than the state
                // file is written in its directory (inside a state file write).
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...400)))
                if round % 2 == 0 {
                    let trap = try WriteTrap(directory: sandbox.directory, pid: daemon.pid,
                                             ignoring: ["state.json", "streamd.toml", "streamd.sock"])
                    if await daemon.waitForExit(timeout: .seconds(1)) == nil { daemon.kill9() }
                    trap.cancel()
                } else {
                    daemon.kill9()
                }
                let status = await daemon.waitForExit(timeout: .seconds(5))
                #expect(status == 128 + SIGKILL, "round \(round): exit \(status.map(String.init) ?? "none")")

                guard let data = FileManager.default.contents(atPath: sandbox.stateFilePath) else {
                    failure = "round \(round): no state file after kill -9"
                    break
                }
                guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let sequence = document.sequence else {
                    failure = "round \(round): the state file is not a complete JSON document after kill -9: \(String(decoding: data.suffix(200), as: UTF8.self))"
                    break
                }
                try data.write(to: URL(fileURLWithPath: copies.directory + "/round-\(round).json"))
                if let last = sequences.last, sequence < last {
                    failure = "round \(round): the sequence went back from \(last) to \(sequence)"
                    break
                }
                let wrote = sequence > (sequences.last ?? -1)
                sequences.append(sequence)

                // Stray temporary files (a kill inside a write leaves one): never more than one,
                // and one left by an earlier kill must not sit untouched while later daemons
                // write (it would pile up with every crash).
                let now = Dictionary(uniqueKeysWithValues: sandbox.files()
                    .filter { !["state.json", "streamd.toml", "streamd.sock"].contains($0) }
                    .map { ($0, StateFileE2ETests.FileStamp(sandbox.directory + "/" + $0)?.modified ?? 0) })
                if strayProblem == nil {
                    if now.count > 1 {
                        strayProblem = "round \(round): \(now.count) temporary files accumulated next to the state file: \(now.keys.sorted())"
                    } else if wrote, let (name, stamp) = strays.first, now[name] == stamp {
                        strayProblem = "round \(round): the temporary file \(name) left by an earlier kill -9 is never cleaned up or reused, so one more piles up with every crash"
                    }
                }
                strays = now
                // kill -9 left the socket file behind: the next start must replace it.
                #expect(FileManager.default.fileExists(atPath: sandbox.socketPath))
            }
            await changer.stop()
            if let failure { Issue.record(Comment(rawValue: failure)) }
            if let strayProblem { Issue.record(Comment(rawValue: strayProblem)) }
            if failure == nil { #expect(sequences.count == Self.killRounds) }
            #expect((sequences.last ?? 0) > (sequences.first ?? 0), "the daemon wrote nothing across the rounds: \(sequences)")
            #expect(changer.titles > 20)
            // Every kept file validates against the schema (one validator run for all).
            let files = copies.files().sorted().map { copies.directory + "/" + $0 }
            #expect(files.count == sequences.count)
            if !files.isEmpty {
                let result = try await runTool("/usr/bin/env", ["python3", Fixture.path("scripts/validate-state.py"),
                                                                Fixture.path("docs/state.schema.json")] + files)
                if result.stderr.contains("jsonschema") {
                    throw TestFailure("the schema check needs python3 with 'jsonschema' (apt-get install python3-jsonschema; make test installs it): \(result.stderr)")
                }
                #expect(result.status == 0, "a state file left by kill -9 is not valid against the schema:\n\(result.stdout)\(result.stderr)")
            }
            // And the daemon starts fine on what the last kill left.
            let last = try await daemons.start(sandbox)
            let document = try await last.state()
            #expect((document.sequence ?? 0) > (sequences.last ?? 0))
        }
    }

    @Test("a second daemon on a live socket refuses to start with a clear message; the first keeps serving")
    func secondDaemonRefused() async throws {
        try await withSandbox(interval: "60s") { sandbox, station, daemons in
            let first = try await daemons.start(sandbox)
            try await first.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
            let other = try DaemonSandbox()
            defer { other.cleanup() }
            // Same socket, its own state file.
            let second = try await daemons.start(sandbox, arguments: ["--state-file", other.stateFilePath], waitReady: false)
            let status = await second.waitForExit(timeout: .seconds(10))
            #expect(status != nil && status != 0, "the second daemon must exit non-zero, got \(status.map(String.init) ?? "still running")")
            #expect(second.stderr.contains("already answers"), "no clear message: \(second.stderr)")
            #expect(second.stderr.contains(sandbox.socketPath), "the message names the socket: \(second.stderr)")
            #expect(second.stderr.split(separator: "\n").count < 10, "a short message, not a crash dump: \(second.stderr)")
            // The first one is untouched.
            #expect(FileManager.default.fileExists(atPath: sandbox.socketPath))
            let health = try await first.get("/v1/health")
            #expect(health.status == 200)
            #expect(first.isRunning)
        }
    }

    @Test("a second daemon refused on a live socket leaves the running daemon's state file alone")
    func secondDaemonKeepsStateFile() async throws {
        try await withSandbox(interval: "60s") { sandbox, station, daemons in
            let first = try await daemons.start(sandbox)
            try await first.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
            try await Task.sleep(for: .seconds(1))
            let api = try await first.state()
            let before = try #require(try sandbox.stateDocument())
            #expect(before.sequence == api.sequence)
            // Same configuration: same socket, same state file.
            let second = try await daemons.start(sandbox, waitReady: false)
            let status = await second.waitForExit(timeout: .seconds(10))
            #expect(status != nil && status != 0)
            let after = try #require(try sandbox.stateDocument())
            let stillServed = try await first.state()
            #expect(after["stale"] as? Bool == false,
                    "the refused daemon overwrote the running daemon's state file with its stale copy (sequence \(after.sequence ?? -1))")
            #expect(after.sequence == stillServed.sequence,
                    "the state file (sequence \(after.sequence ?? -1)) no longer matches the running daemon (\(stillServed.sequence ?? -1))")
        }
    }

    @Test("a stale socket file left by kill -9 is replaced at the next start")
    func staleSocketReplaced() async throws {
        try await withSandbox { sandbox, station, daemons in
            let first = try await daemons.start(sandbox)
            try await first.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
            first.kill9()
            _ = await first.waitForExit(timeout: .seconds(5))
            #expect(FileManager.default.fileExists(atPath: sandbox.socketPath), "kill -9 leaves the socket file")
            let second = try await daemons.start(sandbox)
            let health = try await second.get("/v1/health")
            #expect([200, 503].contains(health.status))
            try await second.waitForState("the station to settle again") { $0.station(station.id)?.settled == true }
            let (status, _) = await second.stop()
            #expect(status == 0)
            #expect(!FileManager.default.fileExists(atPath: sandbox.socketPath))
        }
    }

    @Test("a path that is not a socket is never deleted: the daemon refuses to start")
    func notASocket() async throws {
        try await withSandbox { sandbox, _, daemons in
            try "precious".write(toFile: sandbox.socketPath, atomically: true, encoding: .utf8)
            let daemon = try await daemons.start(sandbox, waitReady: false)
            let status = await daemon.waitForExit(timeout: .seconds(10))
            #expect(status != nil && status != 0)
            #expect(try String(contentsOfFile: sandbox.socketPath, encoding: .utf8) == "precious")
            #expect(daemon.stderr.contains("not a socket") || daemon.stderr.contains("not-a-socket"), "\(daemon.stderr)")
        }
    }
}

/// Kills a process with SIGKILL the moment a file other than `ignoring` is created or written
/// in `directory` (inotify, on a thread of its own): a kill inside a state file write.
final class WriteTrap: Sendable {
    private let stopped = Locked(false)

    init(directory: String, pid: Int32, ignoring: Set<String>) throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw TestFailure("inotify_init1: \(String(cString: strerror(errno)))") }
        guard inotify_add_watch(fd, directory, UInt32(IN_CREATE | IN_MODIFY)) >= 0 else {
            close(fd)
            throw TestFailure("inotify_add_watch \(directory): \(String(cString: strerror(errno)))")
        }
        let stopped = self.stopped
        Thread {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stopped.value {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 50) > 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { continue }
                var offset = 0
                while offset + 16 <= n {
                    // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[]; }
                    let length = buffer[(offset + 12)..<(offset + 16)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                    let nameBytes = buffer[(offset + 16)..<min(n, offset + 16 + Int(length))].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    if !name.isEmpty, !ignoring.contains(name) {
                        kill(pid, SIGKILL)
                        return
                    }
                    offset += 16 + Int(length)
                }
            }
        }.start()
    }

    func cancel() { stopped.withLock { $0 = true } }
}
