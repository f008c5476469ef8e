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
        #expect(text.contains("\"updatedAt\":\"2027-01-15T08:00:00Z\""))
        #expect(text.firstIndex(of: "\n") == text.index(before: text.endIndex), "compact: one line, then a newline")
        try StateFile(path: path, pretty: true).write(document(8))
        let pretty = try String(contentsOfFile: path, encoding: .utf8)
        #expect(pretty.contains("\n  \"updatedAt\" : \"2027-01-15T08:00:00Z\""), "pretty on request: \(pretty)")
        #expect(try file.load()?.sequence == 8)
    }

    @Test("a corrupt file is a clear error naming the path")
    func corrupt() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("{\"schema\":1,".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StateFileError.self) { try StateFile(path: path).load() }
        do { _ = try StateFile(path: path).load() } catch { #expect(error.code == .invalid); #expect(error.description.contains(path)) }
    }

    @Test("a file that cannot be loaded says why, in one line", arguments: [
        ("", "the file is empty"),
        ("{\"schema\":1,\"seq", "not valid JSON"),
        ("hello", "not valid JSON"),
        ("{\"schema\":1}", "missing sequence"),
        ("{\"schema\":99,\"sequence\":5,\"updatedAt\":\"2026-12-04T00:00:00Z\",\"live\":null,\"stale\":false,\"stations\":[]}",
         "schema 99 is newer than this streamd reads (1)"),
    ])
    func unloadable(_ content: String, _ reason: String) throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try StateFile(path: path).load()
            Issue.record("loaded: \(content)")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("\n"), "one line: \(error)")
        }
    }

    @Test("a folder where the file should be is unreadable; set aside, the path is free for the next write")
    func folderSetAside() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let file = StateFile(path: path)
        #expect(throws: StateFileError.self) { try file.load() }
        let aside = try file.setAside(at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(aside == path + ".bad-20270115T080000Z")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: aside, isDirectory: &isDirectory) && isDirectory.boolValue)
        try file.write(document(3))
        #expect(try file.load()?.sequence == 3)
    }

    @Test("a symbolic link, to a state file or to nothing, is not followed: refused, set aside (the link, not its target)")
    func symlinkSetAside() throws {
        for dangling in [false, true] {
            let path = temporaryPath()
            let target = path + ".target"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            if !dangling { try StateFile(path: target).write(document(5)) }
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            let file = StateFile(path: path)
            #expect(throws: StateFileError.self) { try file.load() }
            do {
                _ = try file.load()
            } catch {
                #expect(error.message.contains("is a symbolic link (to \(target))"), "\(error)")
                #expect(error.code == .unreadable)
            }
            let aside = try file.setAside(at: Date(timeIntervalSince1970: 0))
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: aside)) == target, "the link itself moved aside")
            #expect(!FileManager.default.fileExists(atPath: path))
            if !dangling { #expect(try StateFile(path: target).load()?.sequence == 5, "the target untouched") }
            try file.write(document(6))
            #expect(try file.load()?.sequence == 6, "a file of its own now")
        }
    }

    @Test("the writer coalesces bursts and ends with the newest version on disk")
    func writer() async throws {
        let path = temporaryPath()
        let writer = StateFileWriter(file: StateFile(path: path), logger: .init(label: "test"))
        for sequence in 1...500 { writer.publish(document(UInt64(sequence)), changed: nil) }
        await writer.finish()
        #expect(try StateFile(path: path).load()?.sequence == 500)
    }

    @Test("with an interval the writer writes at most once per interval, yet finish() writes the newest at once")
    func writerInterval() async throws {
        let path = temporaryPath()
        let writer = StateFileWriter(file: StateFile(path: path), interval: .seconds(30), logger: .init(label: "test"))
        writer.publish(document(1), changed: nil)
        try await eventually("the first version on disk") { writer.writtenSequence == 1 }
        for sequence in 2...50 { writer.publish(document(UInt64(sequence)), changed: nil) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(writer.writtenSequence == 1, "held for the interval")
        #expect(try StateFile(path: path).load()?.sequence == 1)
        let asked = ContinuousClock.now
        await writer.finish()
        #expect(ContinuousClock.now - asked < .seconds(10), "finish does not wait out the 30 s interval")
        #expect(try StateFile(path: path).load()?.sequence == 50)
    }
}
