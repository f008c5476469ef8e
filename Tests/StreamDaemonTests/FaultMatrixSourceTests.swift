import Foundation
import StreamTestSupport
import Testing

/// The fault matrix for the now-playing sources (issue 16, item 2; docs/reliability.md, "Fault
/// matrix"): one daemon per kind, one station per fault beside an untouched control station.
/// Sources poll every second with a 1 s time limit, so "an answer after 30 s" is a timeout
/// after 1 s rather than a 30 s wait.
@Suite("streamd run: the fault matrix, now-playing sources", .timeLimit(.minutes(4)))
struct FaultMatrixSourceTests {
    @Test("every fault of a source kind: the state says why, keeps then drops the value, recovers within the backoff bound; the control never changes",
          arguments: SourceKindRig.all)
    func sourceFaults(_ rig: SourceKindRig) async throws {
        try await FaultMatrixGate.withSlot { try await withLoopback { server in
            let refusedPort = try await LoopbackServer.closedPort()
            let cases = try rig.cases(server: server, refusedPort: refusedPort)
            let install = try rig.installer()
            install(server, [FaultMatrixRun.controlID] + cases.map(\.id))
            server.route("/quiet", SourceKindRig.quietStream)
            try await withDaemon(config: { rig.config($0, server: server, cases: cases) }) { daemon in
                let run = FaultMatrixRun(kind: rig.kind, subject: .source, server: server, cases: cases, install: install,
                                         refusedPort: refusedPort, value: Self.value, keptWhile: { $0 == "error" ? true : nil })
                _ = try await run.run(daemon)
            }
        } }
    }

    /// What a source gives the station: its song and its program.
    @Sendable static func value(_ station: [String: Any]) -> String? {
        let parts = [station.songArtist, station.songTitle, station.programName].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " | ")
    }
}
