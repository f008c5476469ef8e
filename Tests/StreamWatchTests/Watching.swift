import Foundation
import Logging
import StreamTestSupport
@testable import StreamWatch
@testable import StreamState
@testable import StreamHTTP

/// Watching tuned for tests: stalls and reconnects in about a second.
let fastTuning: MonitorTuning = {
    var t = MonitorTuning()
    t.stallBytesPerSecond = 1000
    t.stallWindow = .seconds(1)
    t.reconnectInitial = .milliseconds(100)
    t.reconnectMaximum = .milliseconds(400)
    t.probeTimeout = .seconds(3)
    t.bitrateWindow = .seconds(1)
    t.upAfterSeconds = 1
    return t
}()

/// A supervisor and store watching `stations`, torn down after `body`: the supervisor runs
/// as a child task, is stopped and awaited, then the engine shuts down.
func withSupervisor(_ stations: [StationSpec], tuning: MonitorTuning = fastTuning,
                    _ body: @escaping (Supervisor, StateStore) async throws -> Void) async throws {
    let engine = try CurlEngine()
    defer { engine.shutdown() }
    let store = StateStore(stations: stations, live: stations.first?.id, previous: nil)
    let supervisor = Supervisor(engine: engine, store: store, tuning: tuning, logger: Logger(label: "test"))
    try await withThrowingDiscardingTaskGroup { group in
        group.addTask { await supervisor.run(stations) }
        defer { supervisor.stop() }
        try await body(supervisor, store)
    }
}

/// The condition was not met in time; shows the last state seen.
struct WaitTimedOut: Error, CustomStringConvertible {
    let what: String
    let last: String
    var description: String { "timed out waiting for \(what); last state: \(last)" }
}

/// Polls the store until `condition` holds for station `id`, or fails after `timeout`.
@discardableResult
func waitFor(_ store: StateStore, station id: String, _ what: String, timeout: Duration = .seconds(10),
             _ condition: (StationState) -> Bool) async throws -> StationState {
    let deadline = ContinuousClock.now + timeout
    var last: StationState?
    while ContinuousClock.now < deadline {
        last = await store.current.station(id)
        if let last, condition(last) { return last }
        try await Task.sleep(for: .milliseconds(25))
    }
    let json = last.flatMap { try? StateDocument.makeEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "none"
    throw WaitTimedOut(what: what, last: json)
}

/// A one-stream station.
func streamStation(_ url: String, mode: StreamMode = .follow, format: StreamFormat = .auto,
                   probeInterval: Duration = .seconds(60)) -> StationSpec {
    StationSpec(id: "test-fm", name: "Test FM", timeZone: TimeZone(identifier: "America/New_York")!,
                streams: [StreamSpec(id: "main", url: url, mode: mode, format: format, probeInterval: probeInterval)])
}
