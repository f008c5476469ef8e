import Foundation
import StreamTestSupport
import NIOCore
import Testing
@testable import StreamAPI
@testable import StreamState

@Suite("Event hub: fan-out, replay, drops")
struct EventHubTests {
    static func frames(_ subscription: EventSubscription) -> [SSEFrame] {
        subscription.take().flatMap { buffer in
            String(buffer: buffer).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { SSESubscriber.parse($0) }
        }
    }

    static func publish(_ hub: EventHub, _ sequences: ClosedRange<UInt64>) {
        var document = StateDocument.apiSample(sequence: sequences.lowerBound - 1)
        for sequence in sequences {
            document.sequence = sequence
            document.stations[0].now.text = "t\(sequence)"
            hub.publish(document, changed: document.stations[0])
        }
    }

    @Test("replay holds the last replayLimit events; older ids get a snapshot")
    func replayWindow() {
        let hub = EventHub(replayLimit: 3)
        hub.publish(.apiSample(sequence: 10), changed: nil)
        Self.publish(hub, 11...15)
        #expect(Self.frames(hub.subscribe(lastEventID: 12, bufferLimit: 1 << 20)).map(\.id) == [13, 14, 15])
        #expect(Self.frames(hub.subscribe(lastEventID: 15, bufferLimit: 1 << 20)).isEmpty)
        let old = Self.frames(hub.subscribe(lastEventID: 11, bufferLimit: 1 << 20))
        #expect(old.map(\.event) == ["snapshot"])
        #expect(old.first?.id == 15)
        #expect(Self.frames(hub.subscribe(lastEventID: 99, bufferLimit: 1 << 20)).map(\.event) == ["snapshot"])
    }

    @Test("a document-level change sends a snapshot and restarts replay after it")
    func documentLevelChange() {
        let hub = EventHub()
        hub.publish(.apiSample(sequence: 10), changed: nil)
        let subscription = hub.subscribe(lastEventID: nil, bufferLimit: 1 << 20)
        #expect(Self.frames(subscription).map(\.event) == ["snapshot"])
        Self.publish(hub, 11...12)
        var stale = StateDocument.apiSample(sequence: 13)
        stale.stale = true
        hub.publish(stale, changed: nil)
        #expect(Self.frames(subscription).map { "\($0.event ?? "")@\($0.id.map(String.init) ?? "")" } == ["station@11", "station@12", "snapshot@13"])
        #expect(Self.frames(hub.subscribe(lastEventID: 11, bufferLimit: 1 << 20)).map(\.event) == ["snapshot"])
        #expect(Self.frames(hub.subscribe(lastEventID: 13, bufferLimit: 1 << 20)).isEmpty)
    }

    @Test("a subscriber before the first document gets a snapshot of it; older documents are ignored")
    func firstDocumentAndRegressions() {
        let hub = EventHub()
        let early = hub.subscribe(lastEventID: 5, bufferLimit: 1 << 20)
        #expect(Self.frames(early).isEmpty)
        Self.publish(hub, 20...20)
        #expect(Self.frames(early).map { "\($0.event ?? "")@\($0.id.map(String.init) ?? "")" } == ["snapshot@20"])
        Self.publish(hub, 19...19)
        #expect(Self.frames(early).isEmpty)
    }

    @Test("a subscriber that does not take its frames is dropped without slowing the others")
    func dropping() {
        let hub = EventHub()
        hub.publish(.apiSample(sequence: 1), changed: nil)
        let slow = hub.subscribe(lastEventID: nil, bufferLimit: 64 << 10)
        let fast = hub.subscribe(lastEventID: nil, bufferLimit: 64 << 10)
        let woken = APIWakes()
        slow.setReadyHandler { woken.count() }
        _ = fast.take()
        var document = StateDocument.apiSample(sequence: 1)
        let filler = String(repeating: "y", count: 8 << 10)
        for sequence in UInt64(2)...40 {
            document.sequence = sequence
            document.stations[0].now.text = filler
            hub.publish(document, changed: document.stations[0])
            #expect(Self.frames(fast).map(\.id) == [UInt64(sequence)])
        }
        #expect(slow.isDropped)
        #expect(hub.subscriberCount == 1)
        #expect(woken.value >= 1)
        slow.cancel()
        fast.cancel()
        #expect(hub.subscriberCount == 0)
    }

    @Test("a snapshot larger than the whole buffer drops no subscriber that reads; one that never reads still goes (scripts/soak)")
    func snapshotLargerThanBuffer() {
        let hub = EventHub()
        var document = StateDocument.apiSample(sequence: 1)
        document.stations[1].name = String(repeating: "z", count: 16 << 10)
        hub.publish(document, changed: nil)
        let reader = hub.subscribe(lastEventID: nil, bufferLimit: 4 << 10)
        let idle = hub.subscribe(lastEventID: nil, bufferLimit: 4 << 10)
        #expect(Self.frames(reader).map(\.event) == ["snapshot"])
        // One event not taken yet when a document-level change comes: the snapshot alone is
        // over the limit (it dropped the subscriber), and so are the snapshot and the event
        // after it (that dropped it too).
        document.sequence = 2
        document.stations[0].now.text = "t2"
        hub.publish(document, changed: document.stations[0])
        document.sequence = 3
        document.stale = true
        hub.publish(document, changed: nil)
        document.sequence = 4
        document.stations[0].now.text = "t4"
        hub.publish(document, changed: document.stations[0])
        #expect(!reader.isDropped)
        #expect(Self.frames(reader).map { "\($0.event ?? "")@\($0.id.map(String.init) ?? "")" } == ["station@2", "snapshot@3", "station@4"])
        // The one that took nothing holds its first snapshot, an event and a second snapshot:
        // over one snapshot and 4 KiB, so it is dropped.
        #expect(idle.isDropped)
        #expect(hub.subscriberCount == 1)
        reader.cancel()
        idle.cancel()
    }
}

final class APIWakes: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func count() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
