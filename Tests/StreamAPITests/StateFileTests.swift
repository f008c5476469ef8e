import Foundation
import StreamTestSupport
import Testing
@testable import StreamState
@testable import StreamAPI

@Suite("The state file")
struct StateFileTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("streamd-state-\(UUID())/state.json").path
    }

    func document(_ sequence: UInt64) -> StateDocument {
        StateDocument(sequence: sequence, updatedAt: Date(timeIntervalSince1970: 1_800_000_000), live: "s", stations: [])
    }

    @Test("write then load round-trips; a missing file loads as nil; no temporary file is left")
    func roundTrip() throws {
        let path = temporaryPath()
        let file = StateFile(path: path)
        #expect(try file.load() == nil)
        try file.write(document(7))
        #expect(try file.load()?.sequence == 7)
        let directory = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["state.json"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"updatedAt\" : \"2027-01-15T08:00:00Z\""))
    }

    @Test("a corrupt file is a clear error naming the path")
    func corrupt() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("{\"schema\":1,".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StateFileError.self) { try StateFile(path: path).load() }
        do { _ = try StateFile(path: path).load() } catch { #expect(error.code == .invalid); #expect(error.description.contains(path)) }
    }

    @Test("the writer coalesces bursts and ends with the newest version on disk")
    func writer() async throws {
        let path = temporaryPath()
        let writer = StateFileWriter(file: StateFile(path: path), logger: .init(label: "test"))
        for sequence in 1...500 { writer.publish(document(UInt64(sequence)), changed: nil) }
        await writer.finish()
        #expect(try StateFile(path: path).load()?.sequence == 500)
    }
}
