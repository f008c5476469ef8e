import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

private func utc(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test literal \(text)") }
    return date
}

private func bytes(_ json: String) -> [UInt8] { Array(json.utf8) }

@Suite struct SpinitronTests {
    /// Synthetic answers shaped on Spinitron's OpenAPI examples (no public capture).
    @Test func syntheticSpinsAndPlaylists() throws {
        let snapshot = try SpinitronFeed.parse(spins: Fixture.bytes("spinitron/synthetic_spins.json"),
                                               playlists: Fixture.bytes("spinitron/synthetic_playlists.json"),
                                               now: utc("2024-01-01T12:01:00Z"))
        let current = try #require(snapshot.current)
        #expect(current.title == "Brakhage")
        #expect(current.artist == "Stereolab")
        #expect(current.album == "Dots and Loops")
        #expect(current.start == utc("2024-01-01T12:00:00Z"))          // "+00:00" form
        #expect(current.duration == nil)                              // end and duration null
        #expect(snapshot.recent.map(\.title) == ["Hey Bulldog"])
        #expect(snapshot.recent.first?.start == utc("2024-01-01T11:56:00Z"))  // "+0000" form
        #expect(snapshot.recent.first?.duration == 199)
        let program = try #require(snapshot.program)
        #expect(program.name == "Transworld Airwaves")
        #expect(program.hosts == ["Deftly-D"])
        #expect(program.start == utc("2024-01-01T11:00:00Z"))
        #expect(program.end == utc("2024-01-01T13:00:00Z"))
        #expect(snapshot.next.map(\.name) == ["Afternoon Drift"])
        #expect(snapshot.next.first?.hosts == [])                     // hide_dj
    }

    @Test func durationFromEndAndBareForms() throws {
        let json = #"[{"song":"A","artist":"B","start":"2024-01-01T12:00:00Z","end":"2024-01-01T12:03:30Z"},{"song":"","start":"2024-01-01T12:10:00Z"}]"#
        let tracks = try SpinitronFeed.parseSpins(bytes(json))
        #expect(tracks.count == 1)
        #expect(tracks.first?.duration == 210)
        let single = try SpinitronFeed.parseSpins(bytes(#"{"id":1,"song":"Solo","start":"2024-01-01T12:00:00"}"#))
        #expect(single.first?.start == utc("2024-01-01T12:00:00Z"))   // no offset: UTC
        let empty = try SpinitronFeed.parse(spins: bytes(#"{"items":[],"_meta":{"totalCount":0}}"#), now: Date())
        #expect(empty.current == nil && empty.recent.isEmpty && empty.program == nil)
    }

    @Test func playlistEndFromDuration() throws {
        let json = #"{"items":[{"title":"Open Slot","start":"2024-01-01T10:00:00-0500","duration":3600,"persona":[{"name":"X"},{"name":"Y"}]}]}"#
        let slots = try SpinitronFeed.parsePlaylists(bytes(json))
        #expect(slots.first?.start == utc("2024-01-01T15:00:00Z"))
        #expect(slots.first?.end == utc("2024-01-01T16:00:00Z"))
        #expect(slots.first?.hosts == ["X", "Y"])
    }

    @Test func errorsNameTheirPlace() {
        func error(_ json: String) -> ParseError? {
            do { _ = try SpinitronFeed.parseSpins(bytes(json)); return nil } catch { return error }
        }
        let unauthorized = error(#"{"name":"Unauthorized","message":"Your request was made with invalid credentials.","code":0,"status":401}"#)
        #expect(unauthorized?.location == "message")
        #expect(unauthorized?.message.contains("invalid credentials") == true)
        #expect(error(#"{"items":{}}"#)?.location == "items")
        #expect(error(#"{"foo":1}"#)?.location == "items")
        #expect(error("")?.location == "byte 0")
        #expect(error("{\"items\":[")?.format == "spinitron-spins")
    }
}

@Suite struct ScheduleJSONTests {
    /// Hostile nesting and numbers out of range give a ParseError or a sane value.
    @Test func hostileJSON() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect((try? SpinitronFeed.parseSpins(deep)) == nil)
        let huge = try? ComposerTracks.parse(Array(#"{"tracklist":{"results":[{"song":{"trackName":"T","_duration":1e308}}]}}"#.utf8),
                                            timeZone: TimeZone(identifier: "UTC")!)
        #expect(huge?.first?.duration == nil)
        #expect(ScheduleJSON.string(true) == nil)
        #expect(ScheduleJSON.string(42) == "42")
        #expect(ScheduleJSON.names(["A", ["name": "B"], ["name": ""], [:], NSNull()]) == ["A", "B"])
    }
}
