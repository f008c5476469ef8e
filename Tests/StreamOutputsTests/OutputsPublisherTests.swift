import Foundation
import Logging
import NIOConcurrencyHelpers
import StreamState
import Testing
@testable import StreamOutputs

/// The outputs publisher with a clock the test turns: a change is sent only after its delay,
/// in order, an unchanged text not again, other stations' changes not at all; a file that
/// cannot be written is logged and the next change still goes.
@Suite("Outputs: sending, with a clock")
struct OutputsPublisherTests {
    /// A scheduler that keeps the work with its delay until the test runs it.
    final class ManualClock: Sendable {
        private let pending = NIOLockedValueBox<[(delay: Duration, work: @Sendable () -> Void)]>([])
        var scheduler: OutputsPublisher.Scheduler {
            { delay, _, work in self.pending.withLockedValue { $0.append((delay, work)) } }
        }
        var delays: [Duration] { pending.withLockedValue { $0.map(\.delay) } }
        /// Runs what is due, in order.
        func run() {
            let due = pending.withLockedValue { list in defer { list.removeAll() }; return list }
            for item in due { item.work() }
        }
    }

    private func document(_ stations: [StationState], sequence: UInt64) -> StateDocument {
        StateDocument(sequence: sequence, updatedAt: Date(), live: stations.first?.id, stations: stations)
    }

    private func other() -> StationState {
        var station = OutputTextTests.station(song: OutputTextTests.song("Other", artist: "Someone"))
        station.id = "wvia-hd2"
        return station
    }

    @Test("each new text goes after the output's delay, in order; a repeat and another station's change do not")
    func delayedAndDeduplicated() throws {
        let folder = NSTemporaryDirectory() + "streamd-outputs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/now.txt"
        let clock = ManualClock()
        let publisher = OutputsPublisher([OutputSpec(target: .file(path: path), station: "wvia-fm", template: "{artist} – {title}",
                                                     fallback: "{text}", delay: .seconds(4))],
                                         logger: Logger(label: "test"), schedule: clock.scheduler)
        let first = OutputTextTests.station(song: OutputTextTests.song("First", artist: "A"))
        let second = OutputTextTests.station(song: OutputTextTests.song("Second", artist: "B"))
        publisher.publish(document([first, other()], sequence: 1), changed: first)
        publisher.publish(document([first, other()], sequence: 2), changed: first)    // the same text: nothing new
        publisher.publish(document([first, other()], sequence: 3), changed: other())  // another station
        #expect(clock.delays == [.seconds(4)])
        #expect(!FileManager.default.fileExists(atPath: path), "nothing before the delay")
        publisher.publish(document([second, other()], sequence: 4), changed: second)
        #expect(clock.delays == [.seconds(4), .seconds(4)])
        clock.run()
        // Both ran in order: the file holds the last.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "B – Second\n")
        // A document-level change (a reload) sends what changed only.
        publisher.publish(document([second, other()], sequence: 5), changed: nil)
        #expect(clock.delays.isEmpty)
        let talk = OutputTextTests.station(song: nil)
        publisher.publish(document([talk, other()], sequence: 6), changed: nil)
        clock.run()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "Morning Edition\n")
    }

    @Test("a file that cannot be written: the next change is still tried, and written once it can be")
    func unwritable() throws {
        let folder = NSTemporaryDirectory() + "streamd-outputs-\(UUID().uuidString)"
        let path = folder + "/now.txt"   // the folder does not exist yet
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        let publisher = OutputsPublisher([OutputSpec(target: .file(path: path), station: "wvia-fm", template: "{title}",
                                                     fallback: "", delay: .zero)],
                                         logger: Logger(label: "test"), schedule: clock.scheduler)
        let first = OutputTextTests.station(song: OutputTextTests.song("First"))
        publisher.publish(document([first], sequence: 1), changed: first)
        clock.run()
        #expect(!FileManager.default.fileExists(atPath: path))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let talk = OutputTextTests.station(song: nil)
        publisher.publish(document([talk], sequence: 2), changed: talk)
        clock.run()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "", "an empty fallback: an empty file")
    }
}
