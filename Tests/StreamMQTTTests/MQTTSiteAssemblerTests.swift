import Foundation
import StreamState
import Testing
@testable import StreamMQTT

/// A site put together from its topics, whatever order the broker delivers them in: the
/// retained document first or last, repeats after a reconnection, a document older than a
/// station message.
@Suite("MQTT: a site from its topics")
struct MQTTSiteAssemblerTests {
    private let topics = MQTTTopics(prefix: "streamd", site: "test")

    private func station(_ id: String, name: String) -> StationState {
        StationState(id: id, name: name, tagline: nil, timezone: "UTC", onAir: true,
                     now: NowState(program: nil, song: nil, text: name), next: [], recent: [], streams: [], sources: [],
                     changedAt: Date(timeIntervalSince1970: 1_780_000_000))
    }

    private func document(_ sequence: UInt64, _ stations: [StationState]) -> StateDocument {
        StateDocument(sequence: sequence, updatedAt: Date(timeIntervalSince1970: 1_780_000_000 + Double(sequence)),
                      live: stations.first?.id, stations: stations)
    }

    @Test("the document is the snapshot; a newer station message is a station change; a repeat is nothing")
    func snapshotThenChanges() throws {
        var site = MQTTSiteAssembler(topics: topics)
        let first = document(5, [station("a", name: "A"), station("b", name: "B")])
        #expect(try site.receive(topic: topics.state, payload: first.jsonBytes) == [.snapshot(first, json: first.jsonBytes)])
        let renamed = station("b", name: "B2")
        let later = document(6, [station("a", name: "A"), renamed])
        let message = MQTTStatePayloads.station(renamed, in: later)
        #expect(try site.receive(topic: topics.station("b"), payload: message) == [.station(renamed, sequence: 6)])
        #expect(site.document?.station("b")?.name == "B2")
        #expect(site.document?.sequence == 6)
        // The same message again (a reconnection), and the document of that same version: nothing.
        #expect(try site.receive(topic: topics.station("b"), payload: message).isEmpty)
        #expect(try site.receive(topic: topics.state, payload: later.jsonBytes).isEmpty)
    }

    @Test("station messages before the document are applied to it when newer, dropped when older")
    func stationsFirst() throws {
        var site = MQTTSiteAssembler(topics: topics)
        let newer = station("a", name: "A-newer")
        #expect(try site.receive(topic: topics.station("a"),
                                 payload: MQTTStatePayloads.station(newer, in: document(9, [newer]))).isEmpty)
        let older = station("b", name: "B-older")
        #expect(try site.receive(topic: topics.station("b"),
                                 payload: MQTTStatePayloads.station(older, in: document(3, [older]))).isEmpty)
        let retained = document(7, [station("a", name: "A"), station("b", name: "B")])
        let changes = try site.receive(topic: topics.state, payload: retained.jsonBytes)
        guard case .snapshot(let snapshot, let json) = changes.first, changes.count == 1 else {
            Issue.record("expected one snapshot, got \(changes)")
            return
        }
        #expect(snapshot.station("a")?.name == "A-newer")
        #expect(snapshot.station("b")?.name == "B")
        #expect(json == snapshot.jsonBytes)
    }

    @Test("a document-level change (a newer document) is a new snapshot")
    func newerDocument() throws {
        var site = MQTTSiteAssembler(topics: topics)
        _ = try site.receive(topic: topics.state, payload: document(5, [station("a", name: "A")]).jsonBytes)
        var stale = document(8, [station("a", name: "A")])
        stale.stale = true
        let changes = try site.receive(topic: topics.state, payload: stale.jsonBytes)
        #expect(changes == [.snapshot(stale, json: stale.jsonBytes)])
    }

    @Test("status, other sites' topics, empty and broken messages")
    func statusAndNoise() throws {
        var site = MQTTSiteAssembler(topics: topics)
        #expect(try site.receive(topic: topics.status, payload: Array("online".utf8)) == [.online])
        #expect(try site.receive(topic: topics.status, payload: Array("offline".utf8)) == [.offline])
        #expect(try site.receive(topic: "streamd/other/state", payload: Array("{}".utf8)).isEmpty)
        #expect(try site.receive(topic: topics.station("gone"), payload: []).isEmpty)
        #expect(throws: MQTTMessageError.self) { try site.receive(topic: topics.state, payload: Array("{not json".utf8)) }
        #expect(throws: MQTTMessageError.self) { try site.receive(topic: topics.station("a"), payload: Array("[]".utf8)) }
        #expect(site.document == nil)
    }
}
