import Foundation
import StreamTestSupport
import Testing

/// The state file the running daemon writes: its content, its schema, when it is rewritten.
@Suite("streamd run: the state file", .timeLimit(.minutes(2)))
struct StateFileE2ETests {
    /// mtime (ns), inode and size of a file.
    struct FileStamp: Equatable, CustomStringConvertible {
        var modified: Int
        var inode: UInt64
        var size: Int

        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
            inode = UInt64(info.st_ino)
            size = Int(info.st_size)
        }

        var description: String { "mtime \(modified) inode \(inode) size \(size)" }
    }

    @Test("written when the document changes, valid against the schema, its sequence equal to /v1/state's")
    func writtenAndValid() async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server)
            try await withDaemon(config: { LoopbackStation.config($0, [station]) }) { daemon in
                let sandbox = daemon.sandbox
                try await daemon.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
                #expect(FileManager.default.fileExists(atPath: sandbox.stateFilePath), "no state file at \(sandbox.stateFilePath)")
                let problems = try await StateSchema.problems(sandbox.stateFilePath)
                #expect(problems == nil, "the state file is not valid against docs/state.schema.json: \(problems ?? "")")

                // A title change reaches the file; once things settle the file's sequence is /v1/state's.
                station.setTitle("Max Richter - On the Nature of Daylight")
                try await daemon.waitForState("the new title") { $0.station(station.id)?.songTitle == "On the Nature of Daylight" }
                let (file, api) = try await settledPair(daemon)
                #expect(file.sequence == api.sequence, "file sequence \(file.sequence ?? -1), /v1/state \(api.sequence ?? -1)")
                #expect(file.station(station.id)?.songTitle == "On the Nature of Daylight")
                #expect(file.station(station.id)?.songArtist == "Max Richter")
                #expect(file["stale"] as? Bool == false)
                let again = try await StateSchema.problems(sandbox.stateFilePath)
                #expect(again == nil, "after a change: \(again ?? "")")

                // Elapsed and remaining time are not in the file.
                let text = try String(contentsOfFile: sandbox.stateFilePath, encoding: .utf8)
                #expect(!text.contains("\"elapsed\"") && !text.contains("\"remaining\""))
                // No temporary file is left next to it.
                let leftovers = sandbox.files().filter { $0 != "state.json" && $0.contains("state.json") }
                #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
            }
        }
    }

    /// Polls until the file and `/v1/state` agree on the sequence (or 5 s pass); both documents.
    func settledPair(_ daemon: DaemonProcess) async throws -> ([String: Any], [String: Any]) {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let api = try await daemon.state()
            let file = try daemon.sandbox.stateDocument() ?? [:]
            if file.sequence == api.sequence || ContinuousClock.now > deadline { return (file, api) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("not rewritten while nothing changes (long intervals, a steady title)")
    func notRewrittenWhileQuiet() async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server)
            try await withDaemon(config: { LoopbackStation.config($0, [station], interval: "60s") }) { daemon in
                let path = daemon.sandbox.stateFilePath
                try await daemon.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
                // Let the first seconds pass (bitrate measured after the connect burst, and so on).
                try await Task.sleep(for: .seconds(2))
                _ = try await settledPair(daemon)
                let before = try #require(FileStamp(path))
                let sequenceBefore = try daemon.sandbox.stateDocument()?.sequence
                let apiBefore = try await daemon.state().sequence
                try await Task.sleep(for: .seconds(4))
                let after = try #require(FileStamp(path))
                let sequenceAfter = try daemon.sandbox.stateDocument()?.sequence
                let apiAfter = try await daemon.state().sequence
                #expect(before == after, "the state file was rewritten while nothing changed: \(before) → \(after), sequence \(sequenceBefore ?? -1) → \(sequenceAfter ?? -1)")
                #expect(sequenceBefore == sequenceAfter)
                #expect(apiBefore == apiAfter, "/v1/state's sequence moved while nothing changed: \(apiBefore ?? -1) → \(apiAfter ?? -1)")
            }
        }
    }
}
