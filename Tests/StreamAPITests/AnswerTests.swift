import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI
@testable import StreamState

@Suite("API answers: now, next, health")
struct AnswerTests {
    @Test("elapsed/remaining fall back to the song when there is no program, and clamp at the ends")
    func nowFallsBackToSong() throws {
        var document = StateDocument.apiSample()
        document.stations[0].now.program = nil
        let now = NowAnswer(station: document.stations[0], document: document, now: apiTestNow)
        #expect(now.elapsed == 131)     // song from 14:01:00, 300 s
        #expect(now.remaining == 169)
        let later = NowAnswer(station: document.stations[0], document: document, now: apiTestNow.addingTimeInterval(3600))
        #expect(later.elapsed == 300 && later.remaining == 0)
        document.stations[0].now.song?.duration = nil
        let unknown = NowAnswer(station: document.stations[0], document: document, now: apiTestNow)
        #expect(unknown.elapsed == nil && unknown.remaining == nil)
    }

    @Test("stale when the document is stale")
    func nowStaleDocument() {
        var document = StateDocument.apiSample()
        document.stale = true
        #expect(NowAnswer(station: document.stations[0], document: document, now: apiTestNow).stale)
    }

    @Test("health: ok when everything works, down when nothing is on the air")
    func healthVerdicts() {
        var document = StateDocument.apiSample()
        document.stations.removeLast()
        let ok = HealthReport(document: document, engineAlive: true)
        #expect(ok.status == .ok && ok.problems.isEmpty)
        document.stations[0].onAir = false
        let down = HealthReport(document: document, engineAlive: true)
        #expect(down.status == .down)
        #expect(down.problems == ["wvia-fm: off the air"])
        document.stations[0].onAir = true
        document.stale = true
        #expect(HealthReport(document: document, engineAlive: true).status == .degraded)
    }
}
