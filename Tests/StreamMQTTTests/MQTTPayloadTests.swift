import Foundation
import StreamState
import Testing
@testable import StreamMQTT

/// The topics and the station message: what a reader of the broker parses.
@Suite("MQTT topics and messages")
struct MQTTPayloadTests {
    @Test("topics under PREFIX/SITE")
    func topics() {
        let topics = MQTTTopics(prefix: "radio/streamd", site: "pittston")
        #expect(topics.status == "radio/streamd/pittston/status")
        #expect(topics.state == "radio/streamd/pittston/state")
        #expect(topics.station("wvia-fm") == "radio/streamd/pittston/stations/wvia-fm")
        #expect(topics.station("wvia-fm").hasPrefix(topics.stationsPrefix))
    }

    @Test("a station's message is the station object with the document's sequence and time")
    func stationMessage() throws {
        let station = StationState(id: "wvia-fm", name: "WVIA-FM", tagline: "89.9 FM", timezone: "America/New_York",
                                   onAir: true, now: NowState(program: nil, song: nil, text: "WVIA-FM"), next: [],
                                   recent: [], streams: [], sources: [], changedAt: Date(timeIntervalSince1970: 1_780_000_000))
        let document = StateDocument(sequence: 42, updatedAt: Date(timeIntervalSince1970: 1_780_000_100),
                                     live: "wvia-fm", stations: [station])
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(MQTTStatePayloads.station(station, in: document))) as? [String: Any])
        #expect(json["sequence"] as? Int == 42)
        #expect(json["updatedAt"] as? String == "2026-05-28T20:28:20Z")
        let object = try #require(json["station"] as? [String: Any])
        #expect(object["id"] as? String == "wvia-fm")
        #expect(object["name"] as? String == "WVIA-FM")
        let expected = Array(#"{"sequence":42,"station":"#.utf8) + station.jsonBytes
            + Array(#","updatedAt":"2026-05-28T20:28:20Z"}"#.utf8)
        #expect(MQTTStatePayloads.station(station, in: document) == expected)
    }

    @Test("the state message is the document's JSON")
    func stateMessage() {
        let document = StateDocument(sequence: 7, updatedAt: Date(timeIntervalSince1970: 0), live: nil, stations: [])
        #expect(MQTTStatePayloads.state(document) == document.jsonBytes)
    }
}
