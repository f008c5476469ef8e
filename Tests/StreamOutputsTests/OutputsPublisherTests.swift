import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import StreamState
import Testing
@testable import StreamOutputs

/// A clock the test turns: scheduled work runs when the test advances past its time, in
/// time order (work scheduled meanwhile too).
final class ManualOutputClock: OutputClock, Sendable {
    private struct Item { var due: Duration; var order: Int; var work: @Sendable () -> Void }
    private let state = NIOLockedValueBox<(now: Duration, order: Int, items: [Item])>((.zero, 0, []))

    var now: Duration { state.withLockedValue { $0.now } }

    func schedule(after delay: Duration, on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) {
        state.withLockedValue { state in
            state.order += 1
            state.items.append(Item(due: state.now + max(delay, .zero), order: state.order, work: work))
        }
    }

    /// The delays of what waits, from now (not counting the statuses' coalescing flushes).
    var waiting: [Duration] {
        state.withLockedValue { state in state.items.map { $0.due - state.now } }.filter { $0 != OutputsPublisher.statusCoalescing }
    }

    /// Moves time on by `duration`, running what falls due on the way.
    func advance(by duration: Duration = .zero) {
        let target = now + duration
        while let item = state.withLockedValue({ state -> Item? in
            guard let next = state.items.filter({ $0.due <= target }).min(by: { ($0.due, $0.order) < ($1.due, $1.order) }) else { return nil }
            state.items.removeAll { $0.order == next.order }
            state.now = max(state.now, next.due)
            return next
        }) {
            item.work()
        }
        state.withLockedValue { $0.now = target }
    }
}

/// A sink that records what it is given, at what time, and fails while told to.
final class RecordingSink: OutputSink, Sendable {
    private let clock: ManualOutputClock
    private let state = NIOLockedValueBox<(sent: [(at: Duration, text: String)], failures: Int)>(([], 0))
    init(clock: ManualOutputClock) { self.clock = clock }

    /// The next `count` sends fail.
    func fail(_ count: Int) { state.withLockedValue { $0.failures = count } }
    var texts: [String] { state.withLockedValue { $0.sent.map(\.text) } }
    var times: [Duration] { state.withLockedValue { $0.sent.map(\.at) } }
    let attempts = NIOLockedValueBox(0)

    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void) {
        attempts.withLockedValue { $0 += 1 }
        let failed = state.withLockedValue { state -> Bool in
            guard state.failures == 0 else { state.failures -= 1; return true }
            state.sent.append((clock.now, message.text))
            return false
        }
        completion(failed ? OutputFailure(kind: "connect", message: "the receiver is down") : nil)
    }
}

/// The outputs publisher and its lanes with a clock the test turns: the delay, the order,
/// repeats not sent, the minimum hold, the rate limit, retries after a failure with the latest
/// text (nothing twice), the repeat of a UDP display, and the statuses the document shows.
@Suite("Outputs: sending, with a clock")
struct OutputsPublisherTests {
    private func document(_ stations: [StationState], sequence: UInt64) -> StateDocument {
        StateDocument(sequence: sequence, updatedAt: Date(), live: stations.first?.id, stations: stations)
    }

    private func other() -> StationState {
        var station = OutputTextTests.station(song: OutputTextTests.song("Other", artist: "Someone"))
        station.id = "wvia-hd2"
        return station
    }

    private func song(_ title: String, _ artist: String = "A") -> StationState {
        OutputTextTests.station(song: OutputTextTests.song(title, artist: artist))
    }

    private func spec(_ target: OutputSpec.Target = .file(path: "/dev/null"), template: String = "{title}", fallback: String = "{text}",
                      delay: Duration = .zero, minHold: Duration = .zero, perMinute: Int? = nil,
                      repeatEvery: Duration = .zero) -> OutputSpec {
        OutputSpec(target: target, station: "wvia-fm", template: template, fallback: fallback, delay: delay, minHold: minHold,
                   perMinute: perMinute, repeatEvery: repeatEvery)
    }

    /// A publisher of one output into a recording sink, and its statuses as reported.
    private func rig(_ spec: OutputSpec) -> (OutputsPublisher, RecordingSink, ManualOutputClock, NIOLockedValueBox<[OutputStatus]>) {
        let clock = ManualOutputClock()
        let sink = RecordingSink(clock: clock)
        let publisher = OutputsPublisher([spec], sinks: [sink], clock: clock, logger: Logger(label: "test"))
        let statuses = NIOLockedValueBox<[OutputStatus]>([])
        publisher.onStatus { _, list in statuses.withLockedValue { $0.append(list[0]) } }
        return (publisher, sink, clock, statuses)
    }

    @Test("each new text goes after the output's delay, in order; a repeat and another station's change do not")
    func delayedAndDeduplicated() throws {
        let folder = NSTemporaryDirectory() + "streamd-outputs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/now.txt"
        let clock = ManualOutputClock()
        let output = spec(.file(path: path), template: "{artist} – {title}", delay: .seconds(4))
        let publisher = OutputsPublisher([output], sinks: [FileSink(path: path)], clock: clock, logger: Logger(label: "test"))
        let first = song("First", "A"), second = song("Second", "B")
        publisher.publish(document([first, other()], sequence: 1), changed: first)
        publisher.publish(document([first, other()], sequence: 2), changed: first)    // the same text: nothing new
        publisher.publish(document([first, other()], sequence: 3), changed: other())  // another station
        #expect(clock.waiting == [.seconds(4)])
        clock.advance(by: .seconds(3))
        #expect(!FileManager.default.fileExists(atPath: path), "nothing before the delay")
        publisher.publish(document([second, other()], sequence: 4), changed: second)
        clock.advance(by: .seconds(1))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "A – First\n", "the first at its 4 s")
        clock.advance(by: .seconds(3))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "B – Second\n", "the second at its own 4 s")
        // A document-level change (a reload) sends what changed only.
        publisher.publish(document([second, other()], sequence: 5), changed: nil)
        #expect(clock.waiting.isEmpty)
        let talk = OutputTextTests.station(song: nil)
        publisher.publish(document([talk, other()], sequence: 6), changed: nil)
        clock.advance(by: .seconds(4))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "Morning Edition\n")
        #expect(publisher.statuses[0].lastText == "Morning Edition" && publisher.statuses[0].status == .ok)
    }

    @Test("a file that cannot be written: the status says why, and the text is written once it can be")
    func unwritable() throws {
        let folder = NSTemporaryDirectory() + "streamd-outputs-\(UUID().uuidString)"
        let path = folder + "/now.txt"   // the folder does not exist yet
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualOutputClock()
        let publisher = OutputsPublisher([spec(.file(path: path), fallback: "")], sinks: [FileSink(path: path)], clock: clock,
                                         logger: Logger(label: "test"))
        let first = song("First")
        publisher.publish(document([first], sequence: 1), changed: first)
        clock.advance()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(publisher.statuses[0].status == .error)
        #expect(publisher.statuses[0].error?.message.contains("cannot write \(path)") == true)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        clock.advance(by: .seconds(1))   // the retry
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "First\n")
        let talk = OutputTextTests.station(song: nil)
        publisher.publish(document([talk], sequence: 2), changed: talk)
        clock.advance()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "", "an empty fallback: an empty file")
    }

    @Test("minimum hold: a text stays its time; of the texts that came meanwhile only the latest goes, when the hold ends")
    func minimumHold() {
        let (publisher, sink, clock, _) = rig(spec(minHold: .seconds(10)))
        for (second, title) in ["One", "Two", "Three"].enumerated() {
            let station = song(title)
            publisher.publish(document([station], sequence: UInt64(second + 1)), changed: station)
            clock.advance(by: .seconds(1))
        }
        #expect(sink.texts == ["One"])
        #expect(publisher.statuses[0].pending == 1, "Three waits (Two was replaced)")
        clock.advance(by: .seconds(6))
        #expect(sink.texts == ["One"], "not before 10 s")
        clock.advance(by: .seconds(1))
        #expect(sink.texts == ["One", "Three"])
        #expect(sink.times == [.zero, .seconds(10)])
        #expect(publisher.statuses[0].pending == 0)
    }

    @Test("rate limit: at most N sends in any minute; the next waits for the minute to pass")
    func rateLimit() {
        let (publisher, sink, clock, _) = rig(spec(perMinute: 2))
        for (second, title) in ["One", "Two", "Three"].enumerated() {
            let station = song(title)
            publisher.publish(document([station], sequence: UInt64(second + 1)), changed: station)
            clock.advance(by: .seconds(1))
        }
        #expect(sink.texts == ["One", "Two"])
        clock.advance(by: .seconds(56))
        #expect(sink.texts == ["One", "Two"])
        clock.advance(by: .seconds(1))
        #expect(sink.texts == ["One", "Two", "Three"])
        #expect(sink.times == [.zero, .seconds(1), .seconds(60)])
    }

    @Test("a receiver down: retried 1 s, 2 s, 4 s ...; the latest text arrives when it is back, nothing twice")
    func downAndBack() {
        let (publisher, sink, clock, statuses) = rig(spec())
        sink.fail(3)
        let one = song("One")
        publisher.publish(document([one], sequence: 1), changed: one)
        clock.advance()
        #expect(publisher.statuses[0].status == .error)
        #expect(publisher.statuses[0].error?.message == "the receiver is down")
        clock.advance(by: .seconds(1))   // second attempt fails; next in 2 s
        let two = song("Two")
        publisher.publish(document([two], sequence: 2), changed: two)
        clock.advance(by: .seconds(1))
        #expect(sink.attempts.withLockedValue { $0 } == 2, "a new text does not jump the backoff")
        clock.advance(by: .seconds(1))   // third attempt fails; next in 4 s
        clock.advance(by: .seconds(4))
        #expect(sink.texts == ["Two"], "the latest, once; One never (it was replaced)")
        #expect(publisher.statuses[0].status == .ok && publisher.statuses[0].error == nil && publisher.statuses[0].pending == 0)
        clock.advance(by: .seconds(120))
        #expect(sink.texts == ["Two"], "nothing twice")
        let reported = statuses.withLockedValue { $0 }
        #expect(reported.contains { $0.status == .error } && reported.last?.status == .ok)
    }

    @Test("back to the text the receiver shows before the change went out: nothing sent")
    func backToDeliveredBeforeSending() {
        let (publisher, sink, clock, _) = rig(spec(minHold: .seconds(10)))
        let one = song("One"), two = song("Two")
        publisher.publish(document([one], sequence: 1), changed: one)
        clock.advance(by: .seconds(1))
        publisher.publish(document([two], sequence: 2), changed: two)   // held
        clock.advance(by: .seconds(1))
        publisher.publish(document([one], sequence: 3), changed: one)   // back before Two went
        clock.advance(by: .seconds(30))
        #expect(sink.texts == ["One"])
        #expect(publisher.statuses[0].pending == 0)
    }

    @Test("a change while the last is in flight: both arrive, in order")
    func backToDelivered() {
        let (publisher, sink, clock, _) = rig(spec(delay: .seconds(5)))
        let one = song("One"), two = song("Two")
        publisher.publish(document([one], sequence: 1), changed: one)
        clock.advance(by: .seconds(5))
        publisher.publish(document([two], sequence: 2), changed: two)
        publisher.publish(document([one], sequence: 3), changed: one)
        #expect(publisher.statuses[0].pending == 2)
        clock.advance(by: .seconds(5))
        // Two was in flight when One came back: it cannot be taken back, so One follows it.
        #expect(sink.texts == ["One", "Two", "One"])
    }

    @Test("repeat: a UDP display that was off gets the last text again, until a new one comes")
    func repeats() {
        let (publisher, sink, clock, _) = rig(spec(.udp(host: "127.0.0.1", port: 9), repeatEvery: .seconds(30)))
        let one = song("One")
        publisher.publish(document([one], sequence: 1), changed: one)
        clock.advance(by: .seconds(65))
        #expect(sink.texts == ["One", "One", "One"])
        let two = song("Two")
        publisher.publish(document([two], sequence: 2), changed: two)
        clock.advance(by: .seconds(29))
        #expect(sink.texts == ["One", "One", "One", "Two"])
    }

    @Test("a stale document (loaded at start, before the watchers refreshed it) sends nothing; the fresh one does")
    func staleDocumentWaits() {
        let (publisher, sink, clock, _) = rig(spec())
        let old = song("Before The Restart")
        var stale = document([old], sequence: 7)
        stale.stale = true
        publisher.publish(stale, changed: nil)
        clock.advance(by: .seconds(1))
        #expect(sink.texts.isEmpty)
        let now = song("Now Playing")
        publisher.publish(document([now], sequence: 8), changed: nil)
        clock.advance()
        #expect(sink.texts == ["Now Playing"])
    }

    @Test("statuses reach the handler coalesced: one report for a burst of changes, the last state in it")
    func statusesCoalesced() {
        let (publisher, _, clock, statuses) = rig(spec())
        let initial = statuses.withLockedValue { $0.count }   // onStatus reports at once
        for (index, title) in ["One", "Two", "Three"].enumerated() {
            let station = song(title)
            publisher.publish(document([station], sequence: UInt64(index + 1)), changed: station)
            clock.advance(by: .milliseconds(10))
        }
        #expect(statuses.withLockedValue { $0.count } == initial, "nothing before the coalescing window ends")
        clock.advance(by: .milliseconds(100))
        let reported = statuses.withLockedValue { $0 }
        #expect(reported.count == initial + 1)
        #expect(reported.last?.lastText == "Three" && reported.last?.pending == 0)
    }

    @Test("skipped kinds: RDS keeps its text through an ad (an empty fallback); TuneIn takes songs only")
    func skips() {
        let rds = spec(.rds(host: "127.0.0.1", port: 9, dialect: .pira), fallback: "")
        let (publisher, sink, clock, _) = rig(rds)
        let one = song("One"), ad = OutputTextTests.station(song: nil)
        publisher.publish(document([one], sequence: 1), changed: one)
        publisher.publish(document([ad], sequence: 2), changed: ad)
        publisher.publish(document([one], sequence: 3), changed: one)
        clock.advance(by: .seconds(1))
        #expect(sink.texts == ["One"])
        let tunein = spec(.tunein(url: "http://127.0.0.1:9/", partnerID: "p", partnerKey: OutputSecret("k"), stationID: "s1"))
        let (publisher2, sink2, clock2, _) = rig(tunein)
        publisher2.publish(document([ad], sequence: 1), changed: ad)
        publisher2.publish(document([one], sequence: 2), changed: one)
        clock2.advance()
        #expect(sink2.texts == ["One"])
    }
}
