import Foundation
import Testing
@testable import StreamState
@testable import StreamFormats

@Suite("Merging a station's inputs")
struct StationMergerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let zone = TimeZone(identifier: "America/New_York")!

    func spec() -> StationSpec {
        StationSpec(id: "wvia-fm", name: "WVIA-FM", timeZone: zone,
                    streams: [StreamSpec(id: "main", url: "http://x/live")],
                    sources: [SourceSpec(kind: .triton, url: "http://x/np", interval: .seconds(15)),
                              SourceSpec(kind: .composer, url: "http://x/now", interval: .seconds(60))])
    }

    func inputs(stream: Track?, streamAt: Date? = nil, triton: Track?, tritonAt: Date? = nil,
                program: ProgramSlot? = nil, next: [ProgramSlot] = []) -> StationInputs {
        var inputs = StationInputs(spec: spec())
        inputs.apply(stream: 0, .up(StreamHead(contentType: "audio/mpeg"), at: now.addingTimeInterval(-600)))
        if let stream { inputs.apply(stream: 0, .metadata(stream, container: "icy", at: streamAt ?? now)) }
        inputs.apply(source: 0, .ok(SourceSnapshot(current: triton), schedule: nil, at: tritonAt ?? now))
        inputs.apply(source: 1, .ok(SourceSnapshot(program: program, next: next), schedule: nil, at: now))
        return inputs
    }

    @Test("program from the schedule source, song from the stream, text from the song")
    func programAndSong() {
        let program = ProgramSlot(name: "Morning Edition", hosts: ["A. Host"], start: now.addingTimeInterval(-3600), end: now.addingTimeInterval(3600))
        let next = ProgramSlot(name: "Here and Now", start: now.addingTimeInterval(3600), end: now.addingTimeInterval(7200))
        let state = StationMerger().merge(spec(), inputs(stream: Track(title: "Kerala", artist: "Bonobo"), triton: nil, program: program, next: [next]), now: now, previous: nil)
        #expect(state.now.program?.name == "Morning Edition")
        #expect(state.now.program?.source == "composer")
        #expect(state.next.map(\.name) == ["Here and Now"])
        #expect(state.now.song?.title == "Kerala")
        #expect(state.now.song?.source == "icy")
        #expect(state.now.text == "Bonobo – Kerala")
        #expect(state.onAir)
    }

    @Test("the freshest item wins: a newer Triton track beats an older stream title")
    func freshestWins() {
        let old = now.addingTimeInterval(-200)
        let state = StationMerger().merge(spec(), inputs(stream: Track(title: "Old"), streamAt: old,
                                                         triton: Track(title: "New", artist: "X", start: now.addingTimeInterval(-5), duration: 200)),
                                          now: now, previous: nil)
        #expect(state.now.song?.title == "New")
        #expect(state.now.song?.source == "triton")
        #expect(state.now.song?.duration == 200)
    }

    @Test("an ad or station ID is never the song, even when it is the freshest item")
    func adsKeptOut() {
        let ad = Track(title: "Lamonsoff Law", kind: .ad)
        let state = StationMerger().merge(spec(), inputs(stream: ad, triton: Track(title: "Song", start: now.addingTimeInterval(-100), duration: 240)),
                                          now: now, previous: nil)
        #expect(state.now.song == nil)
        let id = StationMerger().merge(spec(), inputs(stream: nil, triton: Track(title: "WVIA", start: now, kind: .stationID)),
                                       now: now, previous: nil)
        #expect(id.now.song == nil)
        #expect(id.now.text == "WVIA-FM", "no song and no program: the station name")
    }

    @Test("a song whose end has passed is not shown")
    func songOver() {
        let ended = Track(title: "Long Gone", start: now.addingTimeInterval(-600), duration: 240)
        let state = StationMerger().merge(spec(), inputs(stream: nil, triton: ended), now: now, previous: nil)
        #expect(state.now.song == nil)
    }

    @Test("a stale source's values are not current; a program that ended is not current")
    func staleness() {
        let program = ProgramSlot(name: "Ended Show", start: now.addingTimeInterval(-7200), end: now.addingTimeInterval(-60))
        let staleAt = now.addingTimeInterval(-46)  // 3 × 15 s + 1
        let state = StationMerger().merge(spec(), inputs(stream: nil, triton: Track(title: "Stale Song"), tritonAt: staleAt, program: program),
                                          now: now, previous: nil)
        #expect(state.now.song == nil)
        #expect(state.sources[0].status == .stale)
        #expect(state.now.program == nil)
    }

    @Test("a stale schedule source keeps what its schedule says about now and next (with its age); its song and an endless program go")
    func staleScheduleKeepsProgram() {
        let sourceSeen = now.addingTimeInterval(-400)  // composer polls every 60 s: stale after 180 s
        let day = [
            ProgramSlot(name: "Morning Edition", start: now.addingTimeInterval(-3600), end: now.addingTimeInterval(1800)),
            ProgramSlot(name: "Here and Now", start: now.addingTimeInterval(1800), end: now.addingTimeInterval(5400)),
            ProgramSlot(name: "All Things Considered", start: now.addingTimeInterval(5400), end: now.addingTimeInterval(9000)),
        ]
        var input = StationInputs(spec: spec())
        input.apply(stream: 0, .up(StreamHead(), at: now.addingTimeInterval(-600)))
        input.apply(source: 1, .ok(SourceSnapshot(program: day[0], current: Track(title: "Old Song", artist: "Old Artist")),
                                   schedule: day, at: sourceSeen))
        input.apply(source: 1, .failed(ErrorValue(kind: "timeout", message: "no answer", at: now.addingTimeInterval(-10))))
        let state = StationMerger().merge(spec(), input, now: now, previous: nil)
        #expect(state.sources[1].status == .stale)
        #expect(state.now.program?.name == "Morning Edition", "the schedule still vouches for now")
        #expect(state.now.program?.source == "composer")
        #expect(state.now.program?.seenAt == sourceSeen, "marked with its age")
        #expect(state.next.map(\.name) == ["Here and Now", "All Things Considered"])
        #expect(state.now.song == nil, "a stale source's song is not current")

        // Without a day schedule, a stale source's program without an end cannot be vouched for.
        var endless = StationInputs(spec: spec())
        endless.apply(source: 1, .ok(SourceSnapshot(program: ProgramSlot(name: "Open End", start: now.addingTimeInterval(-60))),
                                     schedule: nil, at: sourceSeen))
        #expect(StationMerger().merge(spec(), endless, now: now, previous: nil).now.program == nil)
        // A fresh source with the same program still shows it.
        endless.apply(source: 1, .ok(SourceSnapshot(program: ProgramSlot(name: "Open End", start: now.addingTimeInterval(-60))),
                                     schedule: nil, at: now))
        #expect(StationMerger().merge(spec(), endless, now: now, previous: nil).now.program?.name == "Open End")
    }

    @Test("a down stream is off the air and its title is not current")
    func downStream() {
        var input = inputs(stream: Track(title: "Before"), triton: nil)
        input.apply(stream: 0, .down(ErrorValue(kind: "connect", message: "refused", at: now)))
        let state = StationMerger().merge(spec(), input, now: now, previous: nil)
        #expect(!state.onAir)
        #expect(state.now.song == nil)
        #expect(state.streams[0].error?.kind == "connect")
    }

    @Test("changedAt moves only when something a reader sees changes")
    func changedAt() {
        let merger = StationMerger()
        let first = merger.merge(spec(), inputs(stream: Track(title: "A"), triton: nil), now: now, previous: nil)
        let later = now.addingTimeInterval(10)
        var input = inputs(stream: Track(title: "A"), triton: nil)
        input.apply(source: 0, .ok(SourceSnapshot(), schedule: nil, at: later))  // bookkeeping only
        let same = merger.merge(spec(), input, now: later, previous: first)
        #expect(same.changedAt == first.changedAt)
        input.apply(stream: 0, .metadata(Track(title: "B"), container: "icy", at: later))
        let changed = merger.merge(spec(), input, now: later, previous: first)
        #expect(changed.changedAt == later)
    }
}
