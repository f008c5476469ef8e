import Foundation
import StreamTestSupport
import Testing

/// The faults of the fault matrix (issue 16, item 2), each what one broken server does.
enum Fault: String, CaseIterable, Sendable {
    case refused
    case dns
    case tls
    case slow = "answer-after-30s"
    case silence = "headers-then-silence"
    case cut = "body-cut"
    case error500 = "http-500"
    case garbage
    case huge = "huge-body"
    case redirectLoop = "redirect-loop"
    case formatChange = "format-change"

    /// A fault in the URL itself (port, name, scheme): present from the daemon's start, with no
    /// good answer before it.
    var fromStart: Bool { self == .refused || self == .dns || self == .tls }
}

/// One row of a matrix: a station whose one watched subject (its source or its stream) meets
/// `fault`, beside the other rows and the control station on the same daemon.
struct FaultCase: Sendable {
    /// The fault.
    let fault: Fault
    /// The URL the station's subject is configured with.
    let url: String
    /// Routes installed when the fault starts (none for a fault in the URL).
    let faultRoutes: [(String, LoopbackRoute)]
    /// The statuses the state may show for the fault, and the `error.kind`s.
    let status: Set<String>
    /// The error kinds accepted.
    let kinds: Set<String>
    /// The longest recovery allowed once the server is good again, from the station as the
    /// state showed it then (nil: recovery is not possible here).
    let recoveryBound: (@Sendable ([String: Any]) -> Duration)?

    /// The station id: the fault's name.
    var id: String { fault.rawValue }
}

/// What a matrix watches in each station: its first source or its first stream.
enum FaultSubject: Sendable {
    case source
    case stream

    func entry(_ station: [String: Any]) -> [String: Any]? {
        (station[self == .source ? "sources" : "streams"] as? [[String: Any]])?.first
    }

    func status(_ station: [String: Any]) -> String? { entry(station)?["status"] as? String }

    func errorKind(_ station: [String: Any]) -> String? { (entry(station)?["error"] as? [String: Any])?["kind"] as? String }

    func healthy(_ station: [String: Any]) -> Bool { status(station) == (self == .source ? "ok" : "up") }
}

/// What the state showed for one row, for the table in docs/reliability.md.
struct FaultRow: Sendable, CustomStringConvertible {
    var kind: String
    var fault: Fault
    var status = "?"
    var reason = "?"
    var kept = "?"
    var stale = "-"
    var detected: Duration?
    var recovered: Duration?
    var bound: Duration?

    var description: String {
        func s(_ d: Duration?) -> String { d.map { String(format: "%.1f s", $0.seconds) } ?? "-" }
        return "| \(kind) | \(fault.rawValue) | \(status) | \(reason) | \(kept) | \(stale) | \(s(detected)) | \(s(recovered)) (bound \(s(bound))) |"
    }
}

extension Duration {
    /// Seconds as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Runs one matrix on one daemon: the good answers, then every fault at once, then every
/// server good again; meanwhile the control station is watched for any change and for slow
/// answers. Returns the rows.
struct FaultMatrixRun {
    let kind: String
    let subject: FaultSubject
    let server: LoopbackServer
    let cases: [FaultCase]
    /// Installs the routes that make the stations named good, on a server.
    let install: @Sendable (LoopbackServer, [String]) -> Void
    /// For `refused`: the port that refuses until recovery.
    let refusedPort: Int?
    /// The text of the value the subject gives the station (song or program), or nil.
    let value: @Sendable ([String: Any]) -> String?
    /// Whether the subject's value should still show while it is failing (`status` given);
    /// nil: not asserted for that status.
    let keptWhile: @Sendable (String) -> Bool?

    static let controlID = "control"

    /// The `[daemon]` table of a matrix daemon (the control station is the live one).
    static func daemonTable(_ sandbox: DaemonSandbox) -> String {
        """
        [daemon]
        socket = "\(sandbox.socketPath)"
        state_file = "\(sandbox.stateFilePath)"
        live = "\(controlID)"

        """
    }

    /// A station's table, up to its stream.
    static func stationTable(_ id: String) -> String {
        """

        [[station]]
        id = "\(id)"
        name = "\(id)"
        timezone = "UTC"

        """
    }

    /// The stream of a station watched for its source: a quiet stream, probed hourly.
    static func quietProbeStream(_ server: LoopbackServer) -> String {
        """
          [[station.stream]]
          id = "main"
          url = "\(server.url("/quiet"))"
          mode = "probe"
          interval = "1h"

        """
    }

    /// Every stream of a station object is up and every source ok.
    static func allUp(_ station: [String: Any]) -> Bool {
        ((station["streams"] as? [[String: Any]]) ?? []).allSatisfy { $0["status"] as? String == "up" }
            && ((station["sources"] as? [[String: Any]]) ?? []).allSatisfy { $0["status"] as? String == "ok" }
    }

    func run(_ daemon: DaemonProcess) async throws -> [FaultRow] {
        var rows = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, FaultRow(kind: kind, fault: $0.fault)) })
        // 1. Good answers: the control and every case with a good phase settle.
        let settled = try await daemon.waitForState("every station to settle", timeout: .seconds(20)) { doc in
            cases.allSatisfy { c in
                guard let station = doc.station(c.id) else { return false }
                return c.fault.fromStart ? subject.errorKind(station) != nil : subject.healthy(station) && value(station) != nil
            } && doc.station(Self.controlID).map { subject.healthy($0) && value($0) != nil && Self.allUp($0) } == true
        }
        let goodValues = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, settled.station($0.id).flatMap(value)) })
        let baselineRSS = daemon.peakResidentKiB ?? 0
        let watcher = ControlWatcher(daemon: daemon, subject: subject, baseline: try #require(settled.station(Self.controlID)))

        // 2. Every fault at once.
        let faultStart = ContinuousClock.now
        for c in cases { for (path, route) in c.faultRoutes { server.route(path, route) } }
        // A case shows its fault once the daemon asked the faulty route (counted after the
        // switch: the end of a good connection that the switch cut is not the fault).
        let asked = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.faultRoutes.first.map { server.requests(to: $0.0).count } ?? 0) })
        func reached(_ c: FaultCase) -> Bool {
            guard let path = c.faultRoutes.first?.0 else { return true }
            return server.requests(to: path).count > asked[c.id] ?? 0
        }
        try await eventually("every fault to show", timeout: .seconds(30), every: .milliseconds(200), detail: { rowsText(rows) }) {
            let doc = try await daemon.state()
            var all = true
            for c in cases {
                guard let station = doc.station(c.id) else { all = false; continue }
                let status = subject.status(station) ?? "?"
                let reason = subject.errorKind(station) ?? "none"
                if rows[c.id]?.detected == nil, c.status.contains(status), c.kinds.contains(reason), reached(c) {
                    rows[c.id]?.detected = c.fault.fromStart ? nil : ContinuousClock.now - faultStart
                    rows[c.id]?.status = status
                    rows[c.id]?.reason = reason
                    let now = value(station)
                    let good = goodValues[c.id] ?? nil
                    rows[c.id]?.kept = c.fault.fromStart ? "none (never answered)"
                        : now == nil ? "withdrawn" : now == good ? "kept" : "changed: \(now ?? "")"
                    if !c.fault.fromStart, let kept = keptWhile(status) {
                        #expect((now != nil && now == good) == kept,
                                "\(kind)/\(c.id): while \(status) the value is \(now ?? "nil"), before it was \(good ?? "nil")")
                    }
                }
                if rows[c.id]?.detected == nil && !c.fault.fromStart { all = false }
                if c.fault.fromStart && rows[c.id]?.status == "?" { all = false }
                // Sources go stale after 3 intervals without a good answer.
                if subject == .source, status == "stale", rows[c.id]?.stale == "-" {
                    let now = value(station)
                    rows[c.id]?.stale = "stale, value " + (now == nil ? "withdrawn" : "kept")
                }
                if subject == .source, rows[c.id]?.stale == "-" { all = false }
            }
            return all
        }
        let peakRSS = daemon.peakResidentKiB ?? 0
        #expect(peakRSS - baselineRSS < 64 * 1024, "\(kind): the daemon's peak memory grew by \((peakRSS - baselineRSS) / 1024) MiB during the faults (the huge body must not be buffered)")

        // 3. Every server good again (a fresh server on the refusing port).
        var portServer: LoopbackServer?
        if let refusedPort {
            let fresh = try await LoopbackServer.start(port: refusedPort)
            install(fresh, cases.map(\.id))
            portServer = fresh
        }
        defer { if let portServer { Task { await portServer.shutdown() } } }
        let before = try await daemon.state()
        let recoveryStart = ContinuousClock.now
        install(server, cases.map(\.id))  // not the control's: a new route would end its connection
        let recoverable = cases.filter { $0.recoveryBound != nil }
        for c in recoverable { rows[c.id]?.bound = c.recoveryBound?(before.station(c.id) ?? [:]) }
        try await eventually("every case to recover", timeout: .seconds(45), every: .milliseconds(200), detail: { rowsText(rows) }) {
            let doc = try await daemon.state()
            var all = true
            for c in recoverable {
                guard let station = doc.station(c.id) else { all = false; continue }
                if rows[c.id]?.recovered == nil, subject.healthy(station), value(station) != nil {
                    rows[c.id]?.recovered = ContinuousClock.now - recoveryStart
                }
                if rows[c.id]?.recovered == nil { all = false }
            }
            return all
        }
        for c in recoverable {
            if let took = rows[c.id]?.recovered, let bound = rows[c.id]?.bound {
                #expect(took <= bound, "\(kind)/\(c.id): recovered after \(took), the backoff bound is \(bound)")
            }
        }
        // Cases that cannot recover here are still failing, as they should.
        let end = try await daemon.state()
        for c in cases where c.recoveryBound == nil {
            let status = end.station(c.id).flatMap(subject.status) ?? "?"
            #expect(!subject.healthy(end.station(c.id) ?? [:]), "\(kind)/\(c.id): \(status) with its fault still in place")
        }
        let control = await watcher.stop()
        #expect(control.changes.isEmpty, "\(kind): the control station changed: \(control.changes.prefix(3))")
        #expect(control.slowest < .seconds(2), "\(kind): /v1/state took \(control.slowest) at its slowest during the faults")
        #expect(control.polls > 20, "\(kind): the control was checked \(control.polls) times")
        if subject == .stream, kind == "icy" {
            // The control's server sends 128 kbit/s: the daemon still reads it at about that rate.
            #expect((control.bitrates?.lowerBound ?? 0) >= 64, "\(kind): the control's measured bitrate was \(String(describing: control.bitrates)) kbit/s")
        }
        #expect(daemon.isRunning, "\(kind): the daemon exited")
        let result = cases.compactMap { rows[$0.id] }
        print("fault matrix \(kind): control polled \(control.polls) times, slowest /v1/state \(control.slowest), bitrate \(control.bitrates.map { "\($0)" } ?? "-") kbit/s, peak RSS \(peakRSS / 1024) MiB (\(baselineRSS / 1024) MiB before the faults)")
        for row in result { print(row) }
        return result
    }

    private func rowsText(_ rows: [String: FaultRow]) -> String {
        cases.compactMap { rows[$0.id]?.description }.joined(separator: "\n")
    }
}

/// Polls `/v1/state` every 200 ms in the background, timing each answer and comparing the
/// control station with how it was when the faults began. Aside: the times that move on every
/// poll (`checkedAt`, `okAt`, `seenAt`), and the `bitrate` measured over a 10 s window, which
/// moves by itself (and `changedAt` with it); the bitrates seen are kept instead.
final class ControlWatcher: Sendable {
    struct Result: Sendable {
        var polls = 0
        var slowest: Duration = .zero
        var changes: [String] = []
        /// The lowest and highest measured bitrate of the control's first stream, kbit/s.
        var bitrates: ClosedRange<Int>?
    }

    private let result = Locked(Result())
    private let task: Task<Void, Never>

    init(daemon: DaemonProcess, subject: FaultSubject, baseline: [String: Any]) {
        let expected = JSONText.compact(Self.normalized(baseline))
        let result = self.result
        task = Task {
            while !Task.isCancelled {
                let started = ContinuousClock.now
                do {
                    let doc = try await daemon.state()
                    let took = ContinuousClock.now - started
                    let station = doc.station(FaultMatrixRun.controlID) ?? [:]
                    let now = JSONText.compact(Self.normalized(station))
                    let bitrate = ((station["streams"] as? [[String: Any]])?.first?["bitrate"] as? NSNumber)?.intValue
                    result.withLock {
                        if let bitrate {
                            $0.bitrates = $0.bitrates.map { min($0.lowerBound, bitrate)...max($0.upperBound, bitrate) } ?? bitrate...bitrate
                        }
                        $0.polls += 1
                        $0.slowest = max($0.slowest, took)
                        if now != expected, $0.changes.count < 5 { $0.changes.append("expected \(expected)\n   got \(now)") }
                    }
                } catch {
                    result.withLock { $0.changes.append("no answer: \(error)") }
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Stops polling; what it saw.
    func stop() async -> Result {
        task.cancel()
        await task.value
        return result.value
    }

    static func normalized(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, inner) in object where !["checkedAt", "okAt", "seenAt", "bitrate", "changedAt"].contains(key) {
                out[key] = normalized(inner)
            }
            return out
        }
        if let array = value as? [Any] { return array.map(normalized) }
        return value
    }
}

/// Lets at most two fault-matrix daemons run at once. Ten at once (each matrix, each source kind)
/// loaded the 2-core machine enough to slow the loopback servers that every test in the process
/// shares, and other suites' streams fell under their rate limits; two at a time keep the matrix
/// near a minute and a half.
actor FaultMatrixGate {
    private static let shared = FaultMatrixGate(slots: 2)
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private init(slots: Int) { free = slots }

    private func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` when a slot is free.
    static func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        await shared.acquire()
        do {
            let result = try await body()
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }
}
