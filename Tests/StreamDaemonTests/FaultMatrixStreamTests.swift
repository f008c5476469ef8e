import Foundation
import StreamTestSupport
import Testing

/// The fault matrix for streams (issue 16, item 2; docs/reliability.md, "Fault matrix"): one
/// daemon for ICY, one for HLS, one station per fault beside an untouched control station.
/// Streams have no timeout key: a server that never answers fails after the 8 s low-speed
/// window (ICY) or the 10 s playlist limit (HLS), so those cases take that long.
@Suite("streamd run: the fault matrix, streams", .timeLimit(.minutes(4)))
struct FaultMatrixStreamTests {
    @Test("every fault of a stream kind: the state says why, recovers within the backoff bound; the control never changes",
          arguments: StreamKindRig.all)
    func streamFaults(_ rig: StreamKindRig) async throws {
        try await FaultMatrixGate.withSlot { try await withLoopback { server in
            let refusedPort = try await LoopbackServer.closedPort()
            let cases = rig.cases(server: server, refusedPort: refusedPort)
            let install = rig.installer()
            install(server, [FaultMatrixRun.controlID] + cases.map(\.id))
            try await withDaemon(config: { rig.config($0, server: server, cases: cases) }) { daemon in
                // A stream's title counts while it is up or stalled; down or degraded, it is withdrawn.
                let run = FaultMatrixRun(kind: rig.kind, subject: .stream, server: server, cases: cases, install: install,
                                         refusedPort: refusedPort, value: Self.value,
                                         keptWhile: { $0 == "stalled" ? true : ($0 == "down" || $0 == "degraded") ? false : nil })
                _ = try await run.run(daemon)
            }
        } }
    }

    /// What a stream gives the station: its song.
    @Sendable static func value(_ station: [String: Any]) -> String? {
        let parts = [station.songArtist, station.songTitle].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " | ")
    }
}
