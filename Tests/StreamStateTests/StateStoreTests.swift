import Foundation
import StreamTestSupport
import Testing
@testable import StreamState
@testable import StreamFormats

/// Records what the store publishes.
final class RecordingPublisher: StatePublisher {
    let documents = Locked<[StateDocument]>([])
    func publish(_ document: StateDocument, changed: StationState?) {
        documents.withLock { $0.append(document) }
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let now = Locked(Date(timeIntervalSince1970: 1_800_000_000))
    func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
}

@Suite("The state store: sequence, publishing, restart")
struct StateStoreTests {
    let spec = StationSpec(id: "s", name: "S", timeZone: TimeZone(identifier: "UTC")!,
                           streams: [StreamSpec(id: "main", url: "http://x/live")],
                           sources: [SourceSpec(kind: .triton, url: "http://x/np", interval: .seconds(15))])

    @Test("sequence grows by one per change; repeated identical observations publish nothing")
    func sequence() async {
        let clock = ManualClock()
        let publisher = RecordingPublisher()
        let store = StateStore(stations: [spec], live: "s", previous: nil, publishers: [publisher], clock: clock.read)
        let start = await store.current.sequence
        await store.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        await store.apply(.stream(station: "s", index: 0, .metadata(Track(title: "One"), container: "icy", at: clock.read())))
        let afterTwo = await store.current.sequence
        #expect(afterTwo == start + 2)
        clock.advance(1)
        await store.apply(.stream(station: "s", index: 0, .metadata(Track(title: "One"), container: "icy", at: clock.read())))
        #expect(await store.current.sequence == afterTwo, "same title again is not a change")
        let published = publisher.documents.withLock { $0.map(\.sequence) }
        #expect(published == [start + 1, start + 2])
    }

    @Test("a metered stream's level alone is no new version, yet liveAudio has every second; silence starting is a change")
    func liveAudioLevels() async {
        let clock = ManualClock()
        let store = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        #expect(await store.liveAudio.isEmpty)
        await store.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        await store.apply(.stream(station: "s", index: 0, .audio(AudioStatus(levelDb: -9, peakDb: -6), at: clock.read())))
        let base = await store.current.sequence
        #expect(await store.current.stations[0].streams[0].audio?.levelDb == -9)
        for level in [-12.0, -20, -30] {
            clock.advance(1)
            await store.apply(.stream(station: "s", index: 0, .audio(AudioStatus(levelDb: level, peakDb: level + 3), at: clock.read())))
        }
        #expect(await store.current.sequence == base, "the level alone is bookkeeping")
        #expect(await store.current.stations[0].streams[0].audio?.levelDb == -9, "the document keeps the level it was written with")
        #expect(await store.liveAudio == ["s": ["main": AudioStatus(levelDb: -30, peakDb: -27)]])
        clock.advance(1)
        let silent = AudioStatus(levelDb: -120, peakDb: -120, silentSince: clock.read().addingTimeInterval(-3))
        await store.apply(.stream(station: "s", index: 0, .audio(silent, at: clock.read())))
        #expect(await store.current.sequence == base + 1, "silence is a change")
        #expect(await store.liveAudio["s"]?["main"] == silent)
        await store.apply(.stream(station: "s", index: 0, .down(ErrorValue(kind: "eof", message: "ended", at: clock.read()))))
        #expect(await store.liveAudio.isEmpty, "a stream that carries no audio has no reading")
    }

    @Test("a probe of a stream that is up (connecting, then up again) is no reconnection and no new version")
    func probeWhileUp() async {
        let clock = ManualClock()
        let store = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        await store.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
        await store.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        let base = await store.current.sequence
        for _ in 0..<3 {
            clock.advance(5)
            await store.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
            #expect(await store.current.stations[0].streams[0].reconnects == 0, "0 while up")
            await store.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        }
        #expect(await store.current.sequence == base, "only bookkeeping moved")
        // Down, then two connections: those are reconnections.
        await store.apply(.stream(station: "s", index: 0, .down(ErrorValue(kind: "connect", message: "refused", at: clock.read()))))
        await store.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
        await store.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
        #expect(await store.current.stations[0].streams[0].reconnects == 2)
    }

    @Test("outputs' statuses: a change is a new version of the station, a repeat is none; they outlive a merge, not a restart")
    func outputStatuses() async {
        let clock = ManualClock()
        let publisher = RecordingPublisher()
        let store = StateStore(stations: [spec], live: "s", previous: nil, publishers: [publisher], clock: clock.read)
        let base = await store.current.sequence
        let ok = OutputStatus(kind: "rds", target: "127.0.0.1:5000", status: .ok, lastText: "One", lastSentAt: clock.read())
        await store.setOutputs([ok], of: "s")
        await store.setOutputs([ok], of: "s")
        #expect(await store.current.sequence == base + 1, "the same statuses again are no change")
        #expect(publisher.documents.withLock { $0.last?.station("s")?.outputs } == [ok])
        await store.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        #expect(await store.current.station("s")?.outputs == [ok], "a merge keeps them")
        await store.setOutputs([ok], of: "nope")   // an unknown station: nothing
        let saved = await store.current
        let restarted = StateStore(stations: [spec], live: "s", previous: saved, clock: clock.read)
        #expect(await restarted.current.station("s")?.outputs == [], "the last run's statuses are not this run's")
    }

    @Test("bookkeeping alone publishes at most once a minute")
    func bookkeeping() async {
        let clock = ManualClock()
        let store = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        await store.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(), schedule: nil, at: clock.read())))
        let base = await store.current.sequence
        for _ in 0..<3 {
            clock.advance(15)
            await store.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(), schedule: nil, at: clock.read())))
        }
        #expect(await store.current.sequence == base)
        clock.advance(16)
        await store.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(), schedule: nil, at: clock.read())))
        #expect(await store.current.sequence == base + 1)
    }

    @Test("a restart serves the previous document marked stale, keeps the sequence growing, then refreshes")
    func restart() async {
        let clock = ManualClock()
        let first = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        await first.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        await first.apply(.stream(station: "s", index: 0, .metadata(Track(title: "Before Restart"), container: "icy", at: clock.read())))
        let saved = await first.current
        let second = StateStore(stations: [spec], live: "s", previous: saved, clock: clock.read)
        let loaded = await second.current
        #expect(loaded.stale)
        #expect(loaded.sequence > saved.sequence)
        #expect(loaded.station("s")?.now.song?.title == "Before Restart")
        await second.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
        #expect(await second.current.stale, "connecting is not news: the loaded state stays")
        await second.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        let fresh = await second.current
        #expect(!fresh.stale)
        #expect(fresh.sequence > loaded.sequence)
        #expect(fresh.station("s")?.now.song == nil, "the old title is not presented as current")
    }

    @Test("a restart does not flap the station off the air: a source that answers before the stream leaves the loaded state served")
    func restartWithoutFlap() async {
        let clock = ManualClock()
        let first = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        await first.apply(.stream(station: "s", index: 0, .up(StreamHead(name: "S FM"), at: clock.read())))
        await first.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(current: Track(title: "Before")), schedule: nil, at: clock.read())))
        let saved = await first.current
        #expect(saved.station("s")?.onAir == true)
        clock.advance(5)
        let publisher = RecordingPublisher()
        let second = StateStore(stations: [spec], live: "s", previous: saved, publishers: [publisher], clock: clock.read)
        await second.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
        clock.advance(0.05)
        await second.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(current: Track(title: "After")), schedule: nil, at: clock.read())))
        #expect(await second.current.stale, "the stream has no result yet: still the loaded state")
        #expect(await second.current.station("s")?.onAir == true)
        clock.advance(0.9)
        await second.apply(.stream(station: "s", index: 0, .up(StreamHead(name: "S FM"), at: clock.read())))
        let fresh = await second.current
        #expect(!fresh.stale)
        #expect(fresh.station("s")?.onAir == true)
        #expect(fresh.station("s")?.now.song?.title == "After")
        let versions = publisher.documents.value
        #expect(!versions.isEmpty)
        #expect(versions.allSatisfy { $0.station("s")?.onAir == true }, "a version took the station off the air: \(versions.map { $0.station("s")?.onAir })")
    }

    @Test("a stream that has no result in the grace after a restart no longer holds back a source's news")
    func restartGrace() async {
        let clock = ManualClock()
        let first = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        await first.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        let saved = await first.current
        let second = StateStore(stations: [spec], live: "s", previous: saved, clock: clock.read)
        await second.apply(.stream(station: "s", index: 0, .connecting(at: clock.read())))
        await second.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(current: Track(title: "News")), schedule: nil, at: clock.read())))
        #expect(await second.current.stale)
        clock.advance(StateStore.loadedGrace + 1)
        await second.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(current: Track(title: "News")), schedule: nil, at: clock.read())))
        let after = await second.current
        #expect(!after.stale, "after the grace the inputs are merged")
        #expect(after.station("s")?.now.song?.title == "News")
    }

    @Test("time alone ends a song: tick re-merges and nextDeadline points at the end")
    func timeDriven() async {
        let clock = ManualClock()
        let store = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        let song = Track(title: "Short", start: clock.read(), duration: 60)
        await store.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(current: song), schedule: nil, at: clock.read())))
        #expect(await store.current.station("s")?.now.song?.title == "Short")
        let deadline = await store.nextDeadline()
        #expect(deadline.timeIntervalSince(clock.read()) <= 60)
        clock.advance(95)
        await store.tick()
        #expect(await store.current.station("s")?.now.song == nil)
    }
}

@Suite("The state store: repeated news costs no merge")
struct RepeatedNewsTests {
    let spec = StationSpec(id: "s", name: "S", timeZone: TimeZone(identifier: "UTC")!,
                           streams: [StreamSpec(id: "main", url: "http://x/live")],
                           sources: [SourceSpec(kind: .triton, url: "http://x/np", interval: .seconds(15))])

    @Test("the same source answer and the same bitrate are not merged again; a changed one is, at once")
    func repeatsSkipped() async {
        let clock = ManualClock()
        let store = StateStore(stations: [spec], live: "s", previous: nil, clock: clock.read)
        let song = SourceSnapshot(current: Track(title: "Same"))
        await store.apply(.stream(station: "s", index: 0, .up(StreamHead(), at: clock.read())))
        await store.apply(.source(station: "s", index: 0, .ok(song, schedule: nil, at: clock.read())))
        await store.apply(.stream(station: "s", index: 0, .bitrate(128, at: clock.read())))
        let base = await store.current.sequence
        for _ in 0..<5 {
            clock.advance(2)
            await store.apply(.source(station: "s", index: 0, .ok(song, schedule: nil, at: clock.read())))
            await store.apply(.stream(station: "s", index: 0, .bitrate(128, at: clock.read())))
        }
        #expect(await store.skippedMerges == 10)
        #expect(await store.current.sequence == base)
        clock.advance(1)
        await store.apply(.source(station: "s", index: 0, .ok(SourceSnapshot(current: Track(title: "Changed")), schedule: nil, at: clock.read())))
        #expect(await store.current.station("s")?.now.song?.title == "Changed", "a new answer is merged at once")
        await store.apply(.stream(station: "s", index: 0, .bitrate(96, at: clock.read())))
        #expect(await store.current.station("s")?.streams.first?.bitrate == 96)
        #expect(await store.skippedMerges == 10)
    }
}
