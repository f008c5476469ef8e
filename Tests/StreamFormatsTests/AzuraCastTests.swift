import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

@Suite struct AzuraCastTests {
    private let stationFixture = "azuracast/nowplaying_station.openapi-example.json"
    private let allFixture = "azuracast/nowplaying_all.openapi-example.json"
    private let playedAt = Date(timeIntervalSince1970: 1_609_480_800)

    /// The station example with `edit` applied to its text.
    private func variant(_ edit: (String) -> String) throws -> [UInt8] {
        Array(edit(try Fixture.text(stationFixture)).utf8)
    }

    @Test func stationExample() throws {
        let station = try AzuraCastNowPlaying.parse(Fixture.bytes(stationFixture))
        #expect(station.stationID == 1)
        #expect(station.shortcode == "azuratest_radio")
        #expect(station.isOnline == true)
        #expect(station.listeners == 20)
        #expect(station.current == Track(title: "Aluko River", artist: "Chet Porter", album: "Moving Castle",
                                         start: playedAt, duration: 180))
        #expect(station.elapsed == 25)
        #expect(station.remaining == 155)
        #expect(station.playingNext?.title == "Aluko River")
        #expect(station.history.count == 1)
        #expect(station.mounts.map(\.isRemote) == [false, true])
        #expect(station.mounts.first?.isDefault == true)
        #expect(station.mounts.first?.bitrate == 128)
        #expect(station.mounts.first?.url == "http://localhost:8000/radio.mp3")
        let snapshot = station.snapshot
        #expect(snapshot.streamName == "AzuraTest Radio")
        #expect(snapshot.current?.start == playedAt)
        #expect(snapshot.recent.map(\.title) == ["Aluko River"])
        #expect(snapshot.program == nil)            // is_live false: streamer_name not used
        #expect(station.streamerName == nil)
    }

    @Test func allStationsArraySelectedByShortcodeOrID() throws {
        let bytes = try Fixture.bytes(allFixture)
        #expect(try AzuraCastNowPlaying.parseAll(bytes).count == 1)
        #expect(try AzuraCastNowPlaying.parse(bytes, station: "AzuraTest_Radio").stationName == "AzuraTest Radio")
        #expect(try AzuraCastNowPlaying.parse(bytes, station: "1").current?.title == "Aluko River")
        let error = #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parse(bytes, station: "other") }
        #expect(error?.location == "station")
        #expect(error?.message == "no station 'other' among 1 (azuratest_radio)")
    }

    @Test func severalStationsNeedAName() throws {
        let one = try Fixture.text(stationFixture)
        let two = one.replacingOccurrences(of: "\"shortcode\": \"azuratest_radio\"", with: "\"shortcode\": \"second\"")
            .replacingOccurrences(of: "\"id\": 1,\n    \"name\": \"AzuraTest Radio\"", with: "\"id\": 2,\n    \"name\": \"Second\"")
        let bytes = Array("[\(one),\(two)]".utf8)
        #expect(try AzuraCastNowPlaying.parse(bytes, station: "2").stationName == "Second")
        #expect(try AzuraCastNowPlaying.parse(bytes, station: "second").stationID == 2)
        let error = #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parse(bytes) }
        #expect(error?.message == "2 stations (azuratest_radio, second): name one by shortcode or id")
    }

    @Test func customFieldsAsObjectOrArray() throws {
        let object = try AzuraCastNowPlaying.parse(variant {
            $0.replacingOccurrences(of: "\"custom_fields\": []", with: "\"custom_fields\": {\"mood\": \"calm\", \"n\": 3}")
        })
        #expect(object.current?.title == "Aluko River")
        #expect(object.history.first?.artist == "Chet Porter")
    }

    @Test func liveDJBecomesTheProgram() throws {
        let station = try AzuraCastNowPlaying.parse(variant {
            $0.replacingOccurrences(of: "\"is_live\": false", with: "\"is_live\": true")
        })
        #expect(station.isLive)
        #expect(station.snapshot.program == ProgramSlot(name: "DJ Jazzy Jeff", hosts: ["DJ Jazzy Jeff"],
                                                        start: Date(timeIntervalSince1970: 1_591_548_318)))
    }

    @Test func historySortedNewestFirstAndTextFallback() throws {
        let body = #"""
        {"station":{"name":"S"},"now_playing":null,"playing_next":null,"song_history":[
          {"played_at":100,"duration":0,"song":{"title":"","artist":"","text":"A - Old"}},
          {"played_at":300,"duration":200.5,"song":{"title":"New","artist":"B"}},
          {"played_at":200,"song":{"title":"Mid"}},
          {"played_at":400}
        ]}
        """#
        let station = try AzuraCastNowPlaying.parse(Array(body.utf8))
        #expect(station.current == nil)
        #expect(station.playingNext == nil)
        #expect(station.history.map(\.title) == ["New", "Mid", "A - Old"])
        #expect(station.history[0].duration == 200.5)
        #expect(station.history[2] == Track(title: "A - Old", start: Date(timeIntervalSince1970: 100)))
        #expect(station.isLive == false)
        #expect(station.mounts.isEmpty)
    }

    @Test("a duration of more than a day (1e300 s from a broken server) is no duration")
    func absurdDuration() throws {
        let body = #"{"now_playing":{"played_at":100,"duration":1e300,"song":{"title":"T","artist":"A"}}}"#
        let station = try AzuraCastNowPlaying.parse(Array(body.utf8))
        #expect(station.current?.title == "T")
        #expect(station.current?.duration == nil)
    }

    @Test func invalidBodiesAreErrors() throws {
        let truncated = Array(try Fixture.bytes(stationFixture).prefix(500))
        let error = #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parse(truncated) }
        #expect(error?.format == "azuracast")
        #expect(error?.location?.contains("end of input") == true)
        let notObject = #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parseAll(Array("[{}, 3]".utf8)) }
        #expect(notObject?.location == "[1]")
        #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parseAll(Array("\"cache\"".utf8)) }
        #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parseAll([]) }
        let none = #expect(throws: ParseError.self) { try AzuraCastNowPlaying.parse(Array("[]".utf8)) }
        #expect(none?.message == "no stations in the answer")
    }
}
