import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

private func utc(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test literal \(text)") }
    return date
}

private let eastern = TimeZone(identifier: "America/New_York")!

private func bytes(_ json: String) -> [UInt8] { Array(json.utf8) }

/// The error a parse throws, or nil if it did not throw.
private func parseError<T>(_ body: () throws(ParseError) -> T) -> ParseError? {
    do { _ = try body(); return nil } catch { return error }
}

@Suite struct ComposerNowTests {
    /// Real WMHT `/now` excerpt: onNow with a song, no nextUp.
    @Test func wmhtNowFixture() throws {
        let payload = try Fixture.bytes("composer/composer_now_wmht_2026-02-18_doc_excerpt.json")
        let snapshot = try ComposerNow.parse(payload, timeZone: eastern, now: utc("2026-02-18T05:03:00Z"))
        let program = try #require(snapshot.program)
        #expect(program.name == "Classical WMHT")
        #expect(program.hosts == [])
        #expect(program.start == utc("2026-02-18T05:00:00Z"))
        #expect(program.end == utc("2026-02-18T11:00:00Z"))
        let song = try #require(snapshot.current)
        #expect(song.title == "Impromptus, D.899/3 G-Flat")
        #expect(song.artist == "John Novacek, piano")
        #expect(song.album == nil)
        #expect(song.start == utc("2026-02-18T05:00:00Z"))
        #expect(song.duration == 361)
        #expect(song.kind == .song)
        #expect(snapshot.next.isEmpty)

        // Late in the same program the start still resolves to today's 00:00.
        let later = try ComposerNow.parse(payload, timeZone: eastern, now: utc("2026-02-18T10:59:00Z"))
        #expect(later.program?.start == utc("2026-02-18T05:00:00Z"))
    }

    /// A program crossing midnight, heard after midnight, started the day before.
    @Test func programCrossingMidnight() throws {
        let json = #"{"onNow":{"program":{"name":"Night Owl","hosts":["Ann Lee"]},"start_time":"23:00","end_time":"01:00"},"nextUp":[]}"#
        let snapshot = try ComposerNow.parse(bytes(json), timeZone: eastern, now: utc("2026-11-27T05:30:00Z"))
        #expect(snapshot.program?.start == utc("2026-11-27T04:00:00Z"))
        #expect(snapshot.program?.end == utc("2026-11-27T06:00:00Z"))
        #expect(snapshot.program?.hosts == ["Ann Lee"])
        #expect(snapshot.next.isEmpty)
        #expect(snapshot.current == nil)
    }

    /// nextUp with `fullstart`, with a bare `start_time`, and with `{}` where a time belongs.
    @Test func nextUpEntries() throws {
        let json = #"""
        {"onNow":{"program":{"name":"All Things Considered","hosts":[{"name":"Ari Shapiro"},{"name":""}]},
                  "start_time":"16:00","end_time":"18:00"},
         "nextUp":[{"program":{"name":"Marketplace"},"start_time":{},"fullstart":"2026-11-27 18:30"},
                   {"program":{"name":"Here and Now"},"start_time":"18:00"}]}
        """#
        let snapshot = try ComposerNow.parse(bytes(json), timeZone: eastern, now: utc("2026-11-27T22:10:00Z"))
        #expect(snapshot.program?.hosts == ["Ari Shapiro"])
        #expect(snapshot.program?.end == utc("2026-11-27T23:00:00Z"))
        #expect(snapshot.next.map(\.name) == ["Here and Now", "Marketplace"])
        #expect(snapshot.next.map(\.start) == [utc("2026-11-27T23:00:00Z"), utc("2026-11-27T23:30:00Z")])
        #expect(snapshot.next.allSatisfy { $0.end == nil })
    }

    /// `song` appears only while a track is logged; an empty or `{}`-dated song is tolerated.
    @Test func songAbsentOrEmpty() throws {
        let now = utc("2026-11-27T15:00:00Z")
        let noSong = try ComposerNow.parse(bytes(#"{"onNow":{"program":{"name":"Fresh Air"},"start_time":"10:00","end_time":"11:00"}}"#),
                                           timeZone: eastern, now: now)
        #expect(noSong.current == nil)
        #expect(noSong.program?.name == "Fresh Air")
        let emptySong = try ComposerNow.parse(bytes(#"{"onNow":{"program":{"name":"Fresh Air"},"start_time":"10:00","song":{}}}"#),
                                              timeZone: eastern, now: now)
        #expect(emptySong.current == nil)
        #expect(emptySong.program?.end == nil)
        let odd = try ComposerNow.parse(bytes(#"{"onNow":{"program":{"name":"X"},"start_time":"10:00","song":{"trackName":"Song","_start_time":{},"_start_datetime":{},"_duration":"abc","ensembles":"Band"}}}"#),
                                        timeZone: eastern, now: now)
        #expect(odd.current == Track(title: "Song", artist: "Band"))
    }

    /// NUL characters inside strings (escaped or raw) are stripped.
    @Test func nulCharactersStripped() throws {
        var payload = bytes(#"{"onNow":{"program":{"name":"Morning\u0000 Edition"},"start_time":"05:00","end_time":"09:00","song":{"trackName":"Theme\u0000","_duration":60000}}}"#)
        payload.insert(0, at: 10)
        payload.append(contentsOf: [0, 0, 0])
        let snapshot = try ComposerNow.parse(payload, timeZone: eastern, now: utc("2026-11-27T12:00:00Z"))
        #expect(snapshot.program?.name == "Morning Edition")
        #expect(snapshot.current?.title == "Theme")
        #expect(snapshot.current?.duration == 60)
    }

    @Test func malformedAnswersNameTheirPlace() {
        let now = utc("2026-11-27T12:00:00Z")
        func error(_ json: String) -> ParseError? {
            parseError { () throws(ParseError) in try ComposerNow.parse(bytes(json), timeZone: eastern, now: now) }
        }
        #expect(error("")?.location == "byte 0")
        #expect(error("<html>502</html>")?.message.hasPrefix("not valid JSON") == true)
        #expect(error("[1,2]")?.location == "$")
        #expect(error(#"{"status":"ok"}"#)?.location == "onNow")
        #expect(error(#"{"onNow":"x"}"#)?.location == "onNow")
        #expect(error(#"{"onNow":{"program":{"name":""},"start_time":"05:00"}}"#)?.location == "onNow.program.name")
        #expect(error(#"{"onNow":{"program":{"name":"A"},"start_time":"5 o'clock"}}"#)?.location == "onNow.start_time")
        #expect(error(#"{"onNow":{"program":{"name":"A"}}}"#)?.location == "onNow.start_time")
        #expect(error(#"{"nextUp":{"program":{}}}"#)?.location == "nextUp")
        #expect(error(#"{"nextUp":[{"program":{"name":"B"},"fullstart":"soon"}]}"#)?.location == "nextUp[0].fullstart")
        #expect(error(#"{"onNow":null,"nextUp":null}"#) == nil)
    }
}

@Suite struct ComposerDayTests {
    private func wwfm() throws -> [ProgramSlot] {
        try ComposerDay.parse(Fixture.bytes("composer/composer_day_wwfm_2016-07-31.json"), timeZone: eastern)
    }

    /// Real WWFM day: 13 programs, station-local times, "23:59" end, `{}` dates,
    /// programs without `playlist`, hosts as objects with empty names.
    @Test func wwfmDayFixture() throws {
        let slots = try wwfm()
        #expect(slots.count == 13)
        #expect(slots.first?.name == "Classical Music with Valerie Kahler")
        #expect(slots.first?.start == utc("2016-07-31T04:00:00Z"))
        #expect(slots.first?.end == utc("2016-07-31T05:00:00Z"))
        #expect(slots.map(\.name).contains("Pipedreams with Michael Barone"))      // "playlist": null
        for (a, b) in zip(slots, slots.dropFirst()) {
            #expect(a.end == b.start, "\(a.name) should end when \(b.name) starts")
        }
    }

    /// `end_time` "23:59" is the end of the day: midnight, not a minute before.
    @Test func endTime2359MeansMidnight() throws {
        let last = try #require(try wwfm().last)
        #expect(last.name == "Half Past with Carl Hemmingsen")
        #expect(last.start == utc("2016-08-01T03:00:00Z"))
        #expect(last.end == utc("2016-08-01T04:00:00Z"))
    }

    @Test func hostsFromObjectsDropEmptyNames() throws {
        let slots = try wwfm()
        #expect(slots.first { $0.name.hasPrefix("The Piano Matters") }?.hosts == [])
        #expect(slots.last?.hosts == ["Celebrating Our Musical Community: SONC (NYC)"])
    }

    @Test func upcomingAndOnNow() throws {
        let slots = try wwfm()
        let halfPastNoon = utc("2016-07-31T16:30:00Z")              // 12:30 EDT
        #expect(ComposerDay.onNow(at: halfPastNoon, in: slots)?.name == "The Piano Matters with David Dubal")
        #expect(ComposerDay.upcoming(after: halfPastNoon, in: slots, limit: 2).map(\.name)
                == ["With Heart and Voice with Peter DuBois", "Sounds Choral with Marjorie Herman"])
        #expect(ComposerDay.upcoming(after: utc("2016-08-01T03:30:00Z"), in: slots, limit: 5).isEmpty)
        #expect(ComposerDay.upcoming(after: halfPastNoon, in: slots, limit: -1).isEmpty)
        #expect(ComposerDay.onNow(at: utc("2016-08-01T04:00:00Z"), in: slots) == nil)  // after the last end
        #expect(ComposerDay.onNow(at: utc("2016-07-31T03:59:00Z"), in: slots) == nil)  // before the first start
    }

    @Test func onNowPrefersTheLaterOfOverlappingSlots() {
        let long = ProgramSlot(name: "Morning Edition", start: utc("2026-11-27T10:00:00Z"), end: utc("2026-11-27T14:00:00Z"))
        let news = ProgramSlot(name: "Newscast", start: utc("2026-11-27T12:00:00Z"), end: utc("2026-11-27T12:05:00Z"))
        let open = ProgramSlot(name: "Open", start: utc("2026-11-27T14:00:00Z"))
        let slots = [open, news, long]
        #expect(ComposerDay.onNow(at: utc("2026-11-27T12:01:00Z"), in: slots)?.name == "Newscast")
        #expect(ComposerDay.onNow(at: utc("2026-11-27T12:10:00Z"), in: slots)?.name == "Morning Edition")
        #expect(ComposerDay.onNow(at: utc("2026-11-27T20:00:00Z"), in: slots)?.name == "Open")
    }

    /// A day entry from 23:00 to 01:00 ends on the next day.
    @Test func dayEntryCrossingMidnight() throws {
        let json = #"{"onToday":[{"date":"2026-11-26","start_time":"23:00","end_time":"01:00","program":{"name":"Jazz After Hours","hosts":[]}}]}"#
        let slots = try ComposerDay.parse(bytes(json), timeZone: eastern)
        #expect(slots.first?.start == utc("2026-11-27T04:00:00Z"))
        #expect(slots.first?.end == utc("2026-11-27T06:00:00Z"))
    }

    /// DST days in a Composer schedule (America/New_York, 2026): on March 8 a 01:00–03:00
    /// program lasts one hour; on November 1 a 01:00–02:00 program covers the repeated hour
    /// (starts 01:00 EDT, ends 02:00 EST: two hours).
    @Test func dstDaysInSchedule() throws {
        func slot(_ date: String, _ start: String, _ end: String) throws -> ProgramSlot? {
            let json = #"{"params":{"date":"\#(date)"},"onToday":[{"start_time":"\#(start)","end_time":"\#(end)","program":{"name":"Overnight"}}]}"#
            return try ComposerDay.parse(bytes(json), timeZone: eastern).first
        }
        let spring = try #require(try slot("2026-03-08", "01:00", "03:00"))
        #expect(spring.start == utc("2026-03-08T06:00:00Z"))
        #expect(spring.end == utc("2026-03-08T07:00:00Z"))
        let gap = try #require(try slot("2026-03-08", "02:30", "04:00"))
        #expect(gap.start == utc("2026-03-08T07:30:00Z"))
        let fall = try #require(try slot("2026-11-01", "01:00", "02:00"))
        #expect(fall.start == utc("2026-11-01T05:00:00Z"))
        #expect(fall.end == utc("2026-11-01T07:00:00Z"))
    }

    /// Without any station-local date the entry falls back to `start_utc`.
    @Test func startUTCFallbackAndDateArgument() throws {
        let json = #"{"onToday":[{"start_utc":"Sun Jul 31 2016 05:00:00 GMT-0400 (EDT)","end_utc":"Sun Jul 31 2016 07:00:00 GMT-0400 (EDT)","program":{"name":"A"}},{"start_time":"08:00","program":{"name":"B"}}]}"#
        let day = StationLocalTime.Day(year: 2016, month: 7, day: 31)
        let slots = try ComposerDay.parse(bytes(json), timeZone: eastern, date: day)
        #expect(slots.map(\.start) == [utc("2016-07-31T09:00:00Z"), utc("2016-07-31T12:00:00Z")])
        #expect(slots.first?.end == utc("2016-07-31T11:00:00Z"))
        let undated = parseError { () throws(ParseError) in try ComposerDay.parse(bytes(json), timeZone: eastern) }
        #expect(undated?.location == "onToday[1].start_time")
    }

    @Test func malformedDaysNameTheirPlace() {
        func error(_ json: String) -> ParseError? {
            parseError { () throws(ParseError) in try ComposerDay.parse(bytes(json), timeZone: eastern) }
        }
        #expect(error(#"{"onToday":5}"#)?.location == "onToday")
        #expect(error(#"{"today":[]}"#)?.location == "onToday")
        #expect(error(#"{"onToday":[7]}"#)?.location == "onToday[0]")
        #expect(error(#"{"onToday":[{"date":"2026-01-01","start_time":"25:99","program":{"name":"A"}}]}"#)?.location == "onToday[0].start_time")
        #expect(error(#"{"onToday":[{"date":"2026-01-01","start_time":"05:00","program":{}}]}"#)?.location == "onToday[0].program.name")
        #expect(error(#"{"onToday":[]}"#) == nil)
        #expect(error(#"{"onToday":null}"#) == nil)
    }

    /// Truncated and random bodies give a ParseError or a value, never a trap.
    @Test func truncatedAndRandomInput() throws {
        let payload = try Fixture.bytes("composer/composer_day_wwfm_2016-07-31.json")
        var thrown = 0
        for length in stride(from: 0, to: payload.count, by: 997) {
            do { _ = try ComposerDay.parse(Array(payload.prefix(length)), timeZone: eastern) } catch { thrown += 1 }
        }
        #expect(thrown > 0)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let noise = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? ComposerNow.parse(noise, timeZone: eastern, now: Date())
            _ = try? ComposerTracks.parse(noise, timeZone: eastern)
        }
    }
}

@Suite struct ComposerTracksTests {
    /// Real WMHT `/tracks` excerpt: `_start_time` with `/` separators.
    @Test func wmhtTracksFixture() throws {
        let tracks = try ComposerTracks.parse(Fixture.bytes("composer/composer_tracks_wmht_2026-02-17_doc_excerpt.json"),
                                              timeZone: eastern)
        #expect(tracks.count == 1)
        let track = try #require(tracks.first)
        #expect(track.title == "Piano Trio 1 D Min, Op.49 (1839)")
        #expect(track.artist == "Yo Yo Ma-Cello")
        #expect(track.album == "Mendelssohn Piano Trios")
        #expect(track.start == utc("2026-02-18T04:28:42Z"))
        #expect(track.duration == 1878)
    }

    @Test func newestFirstAndFallbacks() throws {
        let json = #"""
        {"tracklist":{"results":[
          {"song":{"trackName":"Older","composerName":"J. S. Bach","_start_time":"11-27-2026 09:00:00"}},
          {"song":{"trackName":"Newer","artistName":"","_date":"11/27/2026","_start":"9:05:00"}},
          {"song":{"trackName":"","_start_time":"11-27-2026 09:10:00"}},
          {"song":{"trackName":"Fallback"},"song_start_time":"11-27-2026 08:00:00"}
        ]}}
        """#
        let tracks = try ComposerTracks.parse(bytes(json), timeZone: eastern)
        #expect(tracks.map(\.title) == ["Newer", "Older", "Fallback"])
        #expect(tracks[1].artist == "J. S. Bach")
        #expect(tracks[0].start == utc("2026-11-27T14:05:00Z"))
        #expect(tracks[2].start == utc("2026-11-27T13:00:00Z"))
    }

    @Test func malformedTracks() {
        func error(_ json: String) -> ParseError? {
            parseError { () throws(ParseError) in try ComposerTracks.parse(bytes(json), timeZone: eastern) }
        }
        #expect(error(#"{"onNow":{}}"#)?.location == "tracklist")
        #expect(error(#"{"tracklist":{"results":{}}}"#)?.location == "tracklist.results")
        #expect(error(#"{"tracklist":{}}"#) == nil)
    }
}

@Suite("Composer days with edited entries")
struct ComposerEditedEntryTests {
    let zone = TimeZone(identifier: "America/New_York")!
    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("the occurrence's own times win over the series' template; the day tiles; the right program is on now")
    func edited() throws {
        let slots = try ComposerDay.parse(Fixture.bytes("composer/composer_day_edited_entry_synthetic.json"), timeZone: zone)
        let special = try #require(slots.first { $0.name == "Election Special" })
        #expect(special.start == at("2026-11-28T15:00:00Z"), "10:00 EST, from start_utc, not the nominal 11:00")
        #expect(special.end == at("2026-11-28T16:00:00Z"))
        #expect(ComposerDay.overlaps(in: slots).isEmpty, "the entries tile the morning, so the programs do")
        for (time, name) in [("2026-11-28T14:30:00Z", "Weekend Edition Saturday"), ("2026-11-28T15:30:00Z", "Election Special"),
                             ("2026-11-28T16:30:00Z", "Classical Music with Kevin"), ("2026-11-28T17:15:00Z", "Classical Music with Kevin")] {
            #expect(ComposerDay.onNow(at: at(time), in: slots)?.name == name, "at \(time)")
        }
    }

    @Test("an overlap that remains is reported with both programs and the time they share")
    func overlapReported() {
        let a = ProgramSlot(name: "Morning Edition", start: at("2026-11-28T10:00:00Z"), end: at("2026-11-28T14:00:00Z"))
        let b = ProgramSlot(name: "Special Coverage", start: at("2026-11-28T13:00:00Z"), end: at("2026-11-28T15:00:00Z"))
        let c = ProgramSlot(name: "Here and Now", start: at("2026-11-28T15:00:00Z"), end: at("2026-11-28T17:00:00Z"))
        let overlaps = ComposerDay.overlaps(in: [c, a, b])
        #expect(overlaps.count == 1)
        #expect(overlaps.first?.first.name == "Morning Edition")
        #expect(overlaps.first?.second.name == "Special Coverage")
        #expect(overlaps.first?.from == at("2026-11-28T13:00:00Z"))
        #expect(overlaps.first?.to == at("2026-11-28T14:00:00Z"))
        #expect(overlaps.first?.description.contains("\"Morning Edition\" and \"Special Coverage\" both claim") == true)
    }
}
