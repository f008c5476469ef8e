import Foundation
import Testing
@testable import StreamDemo
@testable import StreamFormats

/// The demo station's payloads, read back with the project's own parsers.
@Suite("Demo station: payloads")
struct DemoPayloadsTests {
    let playlist = DemoPlaylist()
    let zone = DemoPlaylist.timeZone
    /// 2026-11-27 09:03:10 EST, 10 s into a 20 s slot.
    let instant = Date(timeIntervalSince1970: 1_795_788_190)

    func utc(_ text: String) throws -> Date {
        try #require(StationLocalTime.iso8601(text), "bad test date \(text)")
    }

    func triton(at instant: Date, count: Int = 5) throws -> SourceSnapshot {
        try TritonNowPlaying.parse(DemoPayloads.tritonNowPlaying(playlist, at: instant, count: count))
    }

    func composer(at instant: Date, in playlist: DemoPlaylist? = nil) throws -> SourceSnapshot {
        try ComposerNow.parse(DemoPayloads.composerNow(playlist ?? self.playlist, at: instant), timeZone: zone, now: instant)
    }

    /// The first instant at or after `from` whose item is of `kind`.
    func instant(of kind: ItemKind, from: Date) throws -> Date {
        let first = playlist.play(at: from).index
        let index = try #require((first..<(first + 13)).first { playlist.play(index: $0).item.kind == kind })
        return playlist.play(index: index).start.addingTimeInterval(1)
    }

    @Test("items change every songLength, derived from the wall clock alone")
    func schedule() {
        let play = playlist.play(at: instant)
        #expect(play.index == 1_795_788_190 / 20)
        #expect(play.start == Date(timeIntervalSince1970: 1_795_788_180))
        #expect(play.end == Date(timeIntervalSince1970: 1_795_788_200))
        #expect(playlist.play(at: play.end.addingTimeInterval(-0.001)).item == play.item)
        #expect(playlist.play(at: play.end).index == play.index + 1)
        #expect(playlist.play(at: play.end).item != play.item)
        let short = DemoPlaylist(songLength: .seconds(1))
        #expect(short.play(at: instant).index == 1_795_788_190)
        #expect(DemoPlaylist(songLength: .zero).songLength == 1)   // never divides by zero
    }

    @Test("the rotation: ten songs, ads and a station ID, accents and apostrophes")
    func rotation() {
        let songs = DemoPlaylist.rotation.filter { $0.kind == .song }
        #expect(songs.count == 10)
        #expect(DemoPlaylist.rotation.contains { $0.kind == .ad })
        #expect(DemoPlaylist.rotation.contains { $0.kind == .stationID })
        #expect(songs.contains { !($0.artist ?? "").allSatisfy(\.isASCII) && !$0.title.allSatisfy(\.isASCII) })
        #expect(songs.contains { $0.title.contains("'") })
        #expect(Set(DemoPlaylist.rotation.map(\.title)).count == DemoPlaylist.rotation.count)
    }

    @Test("Triton XML: the current item and the ones before it, newest first")
    func tritonCurrent() throws {
        let snapshot = try triton(at: instant)
        let play = playlist.play(at: instant)
        let current = try #require(snapshot.current)
        #expect(current.title == play.item.title)
        #expect(current.artist == play.item.artist)
        #expect(current.album == play.item.album)
        #expect(current.start == play.start)
        #expect(current.duration == 20)
        #expect(snapshot.recent.count == 4)
        #expect(snapshot.recent.map(\.start) == (1...4).map { play.start.addingTimeInterval(-20 * Double($0)) })
        #expect(snapshot.recent.map(\.title) == (1...4).map { playlist.play(index: play.index - $0).item.title })
    }

    @Test("Triton XML honours numberToFetch, clamped to at least one item")
    func tritonCount() throws {
        #expect(try triton(at: instant, count: 2).recent.count == 1)
        let one = try triton(at: instant, count: 0)
        #expect(one.current != nil && one.recent.isEmpty)
        let many = try triton(at: instant, count: 1000)
        #expect(many.recent.count == DemoPayloads.tritonMaximumCount - 1)
    }

    @Test("Triton XML across a song change: the old current becomes the first recent")
    func tritonSongChange() throws {
        let end = playlist.play(at: instant).end
        let before = try triton(at: end.addingTimeInterval(-0.001))
        let after = try triton(at: end)
        #expect(before.current?.title != after.current?.title)
        #expect(after.current?.start == end)
        #expect(after.recent.first == before.current)
    }

    @Test("Triton XML marks ads as ads and the station ID as a station ID")
    func tritonKinds() throws {
        let ad = try triton(at: instant(of: .ad, from: instant))
        #expect(ad.current?.kind == .ad)
        let id = try triton(at: instant(of: .stationID, from: instant))
        #expect(id.current?.kind == .stationID)
        #expect(id.current?.title == "Demo FM")
    }

    @Test("Composer now: the program on the air, the song, and the next three programs")
    func composerNowAnswer() throws {
        let snapshot = try composer(at: instant)
        let airing = playlist.airing(at: instant)
        let program = try #require(snapshot.program)
        #expect(program.name == airing.program.name)
        #expect(program.hosts == airing.program.hosts)
        #expect(program.start == airing.start)
        #expect(program.end == airing.end)
        #expect(airing.start == (try utc("2026-11-27T14:00:00Z")))
        let play = playlist.play(at: instant)
        #expect(play.item.kind == .song)
        let song = try #require(snapshot.current)
        #expect(song.title == play.item.title)
        #expect(song.artist == play.item.artist)
        #expect(song.album == play.item.album)
        #expect(song.start == play.start)
        #expect(song.duration == 20)
        #expect(snapshot.next.map(\.name) == (1...3).map { playlist.airing(index: airing.index + $0).program.name })
        #expect(snapshot.next.map(\.start) == (0..<3).map { airing.end.addingTimeInterval(600 * Double($0)) })
        #expect(snapshot.next.map(\.end) == (1...3).map { airing.end.addingTimeInterval(600 * Double($0)) })
    }

    @Test("Composer now has no song while an ad or the station ID plays")
    func composerNowDuringAd() throws {
        for kind in [ItemKind.ad, .stationID] {
            let at = try instant(of: kind, from: instant)
            let snapshot = try composer(at: at)
            #expect(snapshot.current == nil)
            #expect(snapshot.program != nil)
        }
    }

    @Test("Composer now across midnight station time")
    func composerNowMidnight() throws {
        // 23:55 EST: the 23:50 program ends at midnight ("23:59"), next up is tomorrow's
        let late = try utc("2026-11-28T04:55:00Z")
        let snapshot = try composer(at: late)
        #expect(snapshot.program?.start == (try utc("2026-11-28T04:50:00Z")))
        #expect(snapshot.program?.end == (try utc("2026-11-28T05:00:00Z")))
        #expect(snapshot.next.first?.start == (try utc("2026-11-28T05:00:00Z")))
        // 7-minute programs do not meet midnight: one runs 23:58 to 00:05 and is read whole
        let odd = DemoPlaylist(programLength: .seconds(420))
        let after = try utc("2026-11-28T05:02:00Z")
        let airing = odd.airing(at: after)
        #expect(airing.start < (try utc("2026-11-28T05:00:00Z")))
        let parsed = try composer(at: after, in: odd)
        #expect(parsed.program?.start == airing.start)
        #expect(parsed.program?.end == airing.end)
        #expect(parsed.program?.name == airing.program.name)
    }

    @Test("Composer day: the station-local day's programs, back to back from midnight to midnight")
    func composerDay() throws {
        let day = try #require(StationLocalTime.Day(year: 2026, month: 11, day: 27))
        let slots = try ComposerDay.parse(DemoPayloads.composerDay(playlist, date: day), timeZone: zone)
        #expect(slots.count == 144)
        #expect(slots.first?.start == (try utc("2026-11-27T05:00:00Z")))
        #expect(slots.last?.end == (try utc("2026-11-28T05:00:00Z")))
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0.end == $1.start })
        // start_utc, the JavaScript-style absolute time, says the same as the local times
        let json = try JSONSerialization.jsonObject(with: Data(DemoPayloads.composerDay(playlist, date: day)))
        let entries = try #require((json as? [String: Any])?["onToday"] as? [[String: Any]])
        let utc = entries.map { ($0["start_utc"] as? String).flatMap(StationLocalTime.javaScriptDate) }
        #expect(utc == slots.map(\.start))
        // the day agrees with the now answer
        let onNow = ComposerDay.onNow(at: instant, in: slots)
        let now = try composer(at: instant)
        #expect(onNow == now.program)
        #expect(ComposerDay.upcoming(after: instant, in: slots, limit: 3) == now.next)
    }

    @Test("Composer day on the spring-forward date has 23 hours of programs")
    func composerDayDST() throws {
        let day = try #require(StationLocalTime.Day(year: 2026, month: 3, day: 8))
        let slots = try ComposerDay.parse(DemoPayloads.composerDay(playlist, date: day), timeZone: zone)
        #expect(slots.count == 138)
        #expect(slots.first?.start == (try utc("2026-03-08T05:00:00Z")))
        #expect(slots.last?.end == (try utc("2026-03-09T04:00:00Z")))
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0.end == $1.start })
    }

    @Test("ICY metadata: songs split into artist and title, ads are ads, the station ID is no song")
    func icy() throws {
        func demuxed(_ item: DemoItem) throws -> Track? {
            let title = DemoPayloads.icyTitle(item, length: 20)
            var stream = [UInt8](repeating: 0x55, count: 64) + DemoPayloads.icyMetadataBlock(title: title)
            stream += [UInt8](repeating: 0x55, count: 64) + DemoPayloads.icyMetadataBlock(title: nil)
            stream += [UInt8](repeating: 0x55, count: 10)
            var demuxer = try IcyDemuxer(metaint: 64)
            var audio = 0
            let blocks = demuxer.feed(stream) { audio += $0.count }
            #expect(audio == 138)
            #expect(demuxer.boundaryCount == 2)
            let block = try #require(blocks.first)
            #expect(blocks.count == 1)
            #expect(block.payload.count % 16 == 0)
            let metadata = try IcyMetadata.parse(block)
            #expect(metadata.streamTitle == title)
            return metadata.streamTitle.flatMap { SongText.track(fromTitle: $0, streamName: DemoPlaylist.stationName) }
        }
        for item in DemoPlaylist.rotation {
            let track = try demuxed(item)
            switch item.kind {
            case .song:
                #expect(track?.title == item.title)
                #expect(track?.artist == item.artist)
                #expect(track?.kind == .song)
            case .ad:
                #expect(track?.kind == .ad)
                #expect(track?.duration == 20)
            case .stationID, .other:
                #expect(track == nil)
            }
        }
    }

    @Test("an ICY title too long for one block is cut to 4080 bytes on a character boundary")
    func icyLongTitle() throws {
        let block = DemoPayloads.icyMetadataBlock(title: String(repeating: "é", count: 3000))
        #expect(block.first == 255)
        #expect(block.count == 1 + 4080)
        let metadata = try IcyMetadata.parse(Array(block.dropFirst()))
        #expect(metadata.streamTitle?.allSatisfy { $0 == "é" } == true)
    }
}
