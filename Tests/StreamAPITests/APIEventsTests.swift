import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI
@testable import StreamState

@Suite("Socket API: event stream", .timeLimit(.minutes(2)))
struct APIEventsTests {
    static func changed(_ document: StateDocument, sequence: UInt64, text: String) -> (StateDocument, StationState) {
        var document = document
        document.sequence = sequence
        document.stations[0].now.text = text
        return (document, document.stations[0])
    }

    @Test("GET /v1/events: retry, a snapshot of the document, then one station event per change")
    func snapshotThenStation() async throws {
        try await withAPIServer { api in
            let stream = try SSESubscriber(socket: api.socketPath)
            defer { stream.close() }
            #expect(await stream.wait { $0.contains { $0.event == "snapshot" } })
            #expect(stream.status == 200)
            #expect(stream.frames.first?.retry == "2000")
            let snapshot = try #require(stream.events.first)
            #expect(snapshot.id == 1842)
            let document = try StateDocument.makeDecoder().decode(StateDocument.self, from: Data((snapshot.data ?? "").utf8))
            #expect(document == StateDocument.apiSample())
            #expect(api.hub.subscriberCount == 1)

            let (next, station) = Self.changed(document, sequence: 1843, text: "Ravel – Bolero")
            api.hub.publish(next, changed: station)
            #expect(await stream.wait { $0.contains { $0.event == "station" } })
            let event = try #require(stream.events.last)
            #expect(event.id == 1843)
            #expect(event.event == "station")
            let decoded = try StateDocument.makeDecoder().decode(StationState.self, from: Data((event.data ?? "").utf8))
            #expect(decoded == station)
        }
    }

    @Test("Last-Event-ID (header or ?lastEventId=): the missed station events, no snapshot; too old: a snapshot")
    func replay() async throws {
        try await withAPIServer { api in
            var document = StateDocument.apiSample()
            api.hub.publish(document, changed: nil)
            for sequence in UInt64(1843)...1845 {
                let (next, station) = Self.changed(document, sequence: sequence, text: "song \(sequence)")
                api.hub.publish(next, changed: station)
                document = next
            }
            let header = try SSESubscriber(socket: api.socketPath, headers: [("Last-Event-ID", "1843")])
            defer { header.close() }
            #expect(await header.wait { $0.filter { $0.event != nil }.count >= 2 })
            try await Task.sleep(for: .milliseconds(100))
            #expect(header.events.map(\.id) == [1844, 1845])
            #expect(header.events.allSatisfy { $0.event == "station" })

            let query = try SSESubscriber(socket: api.socketPath, path: "/v1/events?lastEventId=1844")
            defer { query.close() }
            #expect(await query.wait { !$0.filter { $0.event != nil }.isEmpty })
            #expect(query.events.map(\.id) == [1845])

            let old = try SSESubscriber(socket: api.socketPath, headers: [("Last-Event-ID", "17")])
            defer { old.close() }
            #expect(await old.wait { !$0.filter { $0.event != nil }.isEmpty })
            #expect(old.events.first?.event == "snapshot")
            #expect(old.events.first?.id == 1845)
        }
    }

    @Test("a heartbeat comment on the configured interval; the curl binary sees retry, snapshot, heartbeat")
    func heartbeat() async throws {
        try await withAPIServer(limits: APILimits(heartbeatInterval: .milliseconds(200))) { api in
            let stream = try SSESubscriber(socket: api.socketPath)
            defer { stream.close() }
            #expect(await stream.waitForFrames { $0.filter { $0.comment == "heartbeat" }.count >= 2 })

            // An event stream never ends: curl stops at its --max-time (3 s: on a loaded machine 1 s
            // was too little for curl to start, connect and read).
            let curl = try await api.curl(["-N", "http://streamd/v1/events"], timeout: 3)
            #expect(curl.status == 200)
            #expect(curl.headers["content-type"] == "text/event-stream")
            #expect(curl.body.hasPrefix("retry: 2000\n\nid: 1842\nevent: snapshot\ndata: {"))
            #expect(curl.body.contains("\n\n: heartbeat\n\n"))
        }
    }

    @Test("a subscriber that never reads is dropped and counted; another keeps getting every event")
    func slowSubscriberDropped() async throws {
        try await withAPIServer(limits: APILimits(sseBufferBytes: 64 << 10)) { api in
            var document = StateDocument.apiSample()
            api.hub.publish(document, changed: nil)
            let reader = try SSESubscriber(socket: api.socketPath)
            defer { reader.close() }
            #expect(await reader.wait { $0.contains { $0.event == "snapshot" } })
            let stuck = try UnixSocket(path: api.socketPath, receiveBuffer: 4096)
            #expect(await stuck.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n"))
            let attached = await apiWaitUntil { api.hub.subscriberCount == 2 }
            #expect(attached)

            let filler = String(repeating: "x", count: 16 << 10)
            for sequence in UInt64(1843)...1942 {
                let (next, station) = Self.changed(document, sequence: sequence, text: "\(sequence) \(filler)")
                api.hub.publish(next, changed: station)
                document = next
                let id = sequence
                #expect(await reader.wait { $0.last?.id == id }, "the reading subscriber fell behind at \(sequence)")
            }
            #expect(await apiWaitUntil { api.hub.subscriberCount == 1 })
            #expect(reader.events.filter { $0.event == "station" }.count == 100)
            #expect(!reader.ended)
            let (_, closed) = await stuck.readAll(timeout: 15)
            #expect(closed, "the dropped subscriber's connection is closed")
            let metrics = try await api.request("/metrics").text
            #expect(metrics.contains("streamd_sse_dropped_total 1\n"))
            #expect(metrics.contains("streamd_sse_subscribers 1.0\n"))
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func apiWaitUntil(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
