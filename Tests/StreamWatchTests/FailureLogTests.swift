import Foundation
import Testing
@testable import StreamWatch

/// What the log says about an input that keeps failing: one warning when it starts, a summary
/// of repeats every five minutes, a warning when the error changes, a notice when it recovers.
@Suite("Failure log: outages at warning, repeats collapsed, recovery at notice")
struct FailureLogTests {
    let start = Date(timeIntervalSince1970: 1_764_842_520)   // 10:02:00Z

    @Test("the first failure is a warning with a readable backoff; repeats are silent until five minutes pass")
    func collapsesRepeats() {
        var log = FailureLog(subject: "stream wvia-fm/main")
        let first = log.failed("dns: Could not resolve host", at: start, retry: .milliseconds(12_705))
        #expect(first == .init(level: .warning, text: "stream wvia-fm/main failed: dns: Could not resolve host; next try in 12.7 s"))
        for i in 1...10 {
            #expect(log.failed("dns: Could not resolve host", at: start + Double(i * 25), retry: .seconds(25)) == nil,
                    "try \(i + 1) within five minutes is collapsed")
        }
        let summary = log.failed("dns: Could not resolve host", at: start + 300, retry: .seconds(40))
        #expect(summary == .init(level: .warning, text: "stream wvia-fm/main still failing, 12 tries since 10:02:00Z: dns: Could not resolve host; next try in 40 s"))
        #expect(log.isFailing)
    }

    @Test("a different error is logged at once, with the count of tries so far")
    func changedError() {
        var log = FailureLog(subject: "source wvia-fm/composer")
        _ = log.failed("timeout: no answer", at: start, retry: nil)
        let changed = log.failed("http: HTTP 503", at: start + 10, retry: nil)
        #expect(changed?.level == .warning)
        #expect(changed?.text == "source wvia-fm/composer failed: http: HTTP 503 (2 tries since 10:02:00Z)")
    }

    @Test("the recovery is a notice saying how long it failed; nothing is logged for a success when all was well")
    func recovery() {
        var log = FailureLog(subject: "stream wvia-fm/main")
        #expect(log.recovered(at: start) == nil)
        _ = log.failed("eof: the server ended the stream", at: start, retry: .seconds(1))
        _ = log.failed("eof: the server ended the stream", at: start + 1, retry: .seconds(2))
        let back = log.recovered(at: start + 250)
        #expect(back == .init(level: .notice, text: "stream wvia-fm/main works again after 2 failed tries over 4 min 10 s (since 10:02:00Z)"))
        #expect(!log.isFailing)
        #expect(log.failed("eof: the server ended the stream", at: start + 400, retry: nil)?.text.hasPrefix("stream wvia-fm/main failed:") == true,
                "after a recovery the next failure is a new outage")
    }

    @Test("a connection that comes up and drops at once stays one failing run; one that stays up is a recovery")
    func flapping() {
        var log = FailureLog(subject: "stream s/main")
        _ = log.failed("eof: the server ended the stream", at: start, retry: .seconds(1))
        log.up(at: start + 1)
        #expect(log.confirm(at: start + 5, healthyAfter: 30) == nil, "up for 4 s is not yet a recovery")
        #expect(log.failed("eof: the server ended the stream", at: start + 6, retry: .seconds(2)) == nil, "the same run")
        log.up(at: start + 8)
        let back = log.confirm(at: start + 40, healthyAfter: 30)
        #expect(back?.level == .notice)
        #expect(back?.text.contains("works again after 2 failed tries") == true, "\(String(describing: back))")
        #expect(log.confirm(at: start + 80, healthyAfter: 30) == nil, "said once")
    }

    @Test("durations read as people write them", arguments: [
        (Duration.milliseconds(850), "850 ms"), (.seconds(1), "1 s"), (.milliseconds(12_705), "12.7 s"),
        (.seconds(60), "1 min"), (.seconds(250), "4 min 10 s"), (.seconds(7500), "2 h 5 min"), (.seconds(3600), "1 h"),
    ])
    func durations(_ duration: Duration, _ text: String) {
        #expect(FailureLog.text(duration) == text)
    }
}
