import Foundation
import StreamTestSupport
import Testing

/// The `icecast` now-playing source (`/status-json.xsl`) against a real Icecast 2.4.4,
/// compared with the same mount's own stream metadata. Each test has an Icecast of its own:
/// it controls how many mounts the server has, and restarts it.
///
/// Two stations watch one mount: `stream` follows `/live.mp3` (ICY), `status` reads only the
/// status source for `/live.mp3` (its one stream, on a mount nobody feeds, is down and adds
/// no title). What a screen shows for the song must be the same on both.
@Suite("Real Icecast: the icecast status-json source", .timeLimit(.minutes(3)))
struct IcecastStatusSourceTests {
    static func stations(_ ice: IcecastHarness, interval: String) -> String {
        StationTOML.station("stream", streams: [StationTOML.stream(ice.url("/live.mp3"))])
            + StationTOML.station("status", streams: [StationTOML.stream(ice.url("/offline.mp3"))],
                                  sources: [StationTOML.icecast(ice.baseURL, mount: "/live.mp3", interval: interval)])
    }

    /// Sets a title, waits until Icecast's status page has it (`statusContains`), asks streamd
    /// to poll now, and returns both stations once the stream shows `streamTitle` and the status
    /// source a song containing `statusContains` (exact agreement is for the caller to check).
    func change(_ song: String, charset: String? = nil, streamTitle: String, statusContains: String,
                ice: IcecastHarness, streamd: StreamdUnderTest) async throws -> (stream: StationView, status: StationView) {
        try await ice.setTitle(song, mount: "/live.mp3", charset: charset)
        try await eventually("status-json.xsl to show the new title of /live.mp3", timeout: .seconds(10)) {
            try await ice.mounts().first { $0.path == "/live.mp3" && $0.title?.contains(statusContains) == true }
        }
        _ = try await streamd.request("POST", "/v1/refresh?station=status")
        let stream = try await streamd.events.waitFor("stream", "song \(streamTitle)") { $0.now.song?.title == streamTitle }
        let status = try await streamd.events.waitFor("status", "a song from the status source with \(statusContains)") {
            $0.now.song?.source == "icecast" && $0.now.text.contains(statusContains)
        }
        return (stream, status)
    }

    @Test("the status source agrees with the stream with 1 mount (object), 2 mounts (array) and 0 mounts (no source)")
    func agreesWithTheStream() async throws {
        try await IcecastHarness.with { ice in
            try await ice.startSource("/live.mp3")
            // 1 mount: `source` is an object.
            let one = try await ice.rawStatus()
            let oneJSON = try #require(try JSONSerialization.jsonObject(with: Data(one.body)) as? [String: Any])
            #expect((oneJSON["icestats"] as? [String: Any])?["source"] is [String: Any], "one mount: an object")

            try await StreamdUnderTest.with(stations: Self.stations(ice, interval: "5s")) { streamd in
                try await streamd.events.waitFor("stream", "the stream is up") { $0.streams.first?.status == "up" }
                try await streamd.events.waitFor("status", "the status source answers") { $0.sources.first?.status == "ok" }

                var (stream, status) = try await change("Miles Davis - So What", streamTitle: "So What",
                                                        statusContains: "So What", ice: ice, streamd: streamd)
                #expect(status.songKey == stream.songKey, "1 mount: the source says what the stream says")
                #expect(status.now.text == stream.now.text)

                // 2 mounts: `source` is an array; the source must pick /live.mp3, not the other one.
                try await ice.startSource("/second.mp3", frequency: 330)
                try await ice.setTitle("Other Mount - Not This One", mount: "/second.mp3")
                let two = try await ice.rawStatus()
                let twoJSON = try #require(try JSONSerialization.jsonObject(with: Data(two.body)) as? [String: Any])
                #expect(((twoJSON["icestats"] as? [String: Any])?["source"] as? [Any])?.count == 2, "two mounts: an array")
                (stream, status) = try await change("Beyoncé – Déjà Vu", charset: "UTF-8", streamTitle: "Déjà Vu",
                                                    statusContains: "Déjà Vu", ice: ice, streamd: streamd)
                #expect(status.songKey == stream.songKey, "2 mounts: the source says what the stream says")
                #expect(status.now.text == stream.now.text)
                #expect(!streamd.events.history("status").contains { $0.station.now.song?.title.contains("Not This One") == true },
                        "never the other mount's title")

                // Icecast 2.4.4 cuts a status-json title at its first `';` (its own bug): the
                // status source can only say "It's". Recorded here so a change is noticed.
                (stream, status) = try await change("It's ';' tricky", streamTitle: "It's ';' tricky", statusContains: "It's",
                                                    ice: ice, streamd: streamd)
                #expect(stream.now.song?.title == "It's ';' tricky")
                #expect(status.now.song?.title == "It's", "Icecast's status page cuts the title at `';`")

                // 0 mounts: no `source` at all. The stream goes down, and the song goes away on
                // both: the server says the mount is gone (a poll asked for at once shows it,
                // long before the source's 3 intervals of staleness, 15 s here).
                try await ice.stopAllSources()
                let zero = try await ice.rawStatus()
                let zeroJSON = try #require(try JSONSerialization.jsonObject(with: Data(zero.body)) as? [String: Any])
                #expect((zeroJSON["icestats"] as? [String: Any])?["source"] == nil, "no mounts: no source key")
                _ = try await streamd.request("POST", "/v1/refresh?station=status")
                let goneAt = monotonicNow()
                let streamDown = try await streamd.events.waitFor("stream", "the stream is down without a song") {
                    $0.streams.first?.status == "down" && $0.now.song == nil
                }
                #expect(!streamDown.onAir)
                let statusPolled = try await streamd.events.waitFor("status", "the status source polled after the mount went away") {
                    $0.sources.first?.status != "ok" || $0.now.song == nil
                }
                do {
                    let statusGone = try await streamd.events.waitFor("status", "no song once Icecast lists no mount",
                                                                      timeout: .seconds(5)) { $0.now.song == nil }
                    #expect(statusGone.sources.first?.status != "stale", "the answer was fresh, not stale")
                } catch {
                    Issue.record("""
                        0 mounts: the stream is down, but the status source still shows the old song \
                        \(String(format: "%.1f", monotonicNow() - goneAt)) s after a poll of a server listing no mount: \
                        \(statusPolled). \(error)
                        """)
                }

                // The mount comes back: both up again, no title until one is set, then agreement.
                try await ice.startSource("/live.mp3")
                _ = try await streamd.request("POST", "/v1/refresh?station=stream")
                try await streamd.events.waitFor("stream", "the stream is up again", timeout: .seconds(30)) {
                    $0.streams.first?.status == "up"
                }
                (stream, status) = try await change("Back Again", streamTitle: "Back Again", statusContains: "Back Again",
                                              ice: ice, streamd: streamd)
                #expect(status.songKey == stream.songKey)
                #expect(status.sources.first?.status == "ok")
                #expect(streamd.events.problems.isEmpty, "\(streamd.events.problems)")
            }
        }
    }

    @Test("right after Icecast starts its status JSON is invalid: streamd reports a parse error, then recovers to ok")
    func rightAfterStart() async throws {
        let ice = try IcecastHarness.prepare()
        do {
            try await startsThenRecovers(ice)
            await ice.shutdown()
        } catch {
            await ice.shutdown()
            throw error
        }
    }

    private func startsThenRecovers(_ ice: IcecastHarness) async throws {
        // streamd first, Icecast not running yet: the source cannot connect.
        try await StreamdUnderTest.with(stations: Self.stations(ice, interval: "1s")) { streamd in
            let before = try await streamd.events.waitFor("status", "the source fails to connect") {
                $0.sources.first?.status == "error" || $0.sources.first?.status == "stale"
            }
            #expect(before.sources.first?.error?.kind == "connect", "\(before)")

            // Start Icecast and have streamd poll while the status JSON is still invalid
            // (about 0.3 s; a new attempt if this start was too quick to catch).
            var sawParseError = false
            var attempts: [String] = []
            for attempt in 1...5 where !sawParseError {
                let mark = streamd.events.mark
                try await ice.launch()
                var invalidBodies = 0
                var validBody = false
                do {
                  try await eventually("Icecast to serve valid status JSON (attempt \(attempt))", timeout: .seconds(15),
                                       every: .milliseconds(5)) { () -> Bool? in
                    guard let response = try? await ice.rawStatus() else { return nil }
                    if (try? IcecastHarness.parseMounts(response.body)) != nil {
                        validBody = true
                        return true
                    }
                    invalidBodies += 1
                    _ = try? await streamd.request("POST", "/v1/refresh?station=status")
                    return nil
                  }
                } catch {
                    // A start that never came up (a loaded machine): note it, try a fresh start.
                    attempts.append("attempt \(attempt): Icecast did not come up: \(error) \(ice.diagnostics())")
                    await ice.stopServer()
                    continue
                }
                // (A missing mount is reported as a parse error too, "no mount ...": not this one.)
                let parse = try? await streamd.events.waitForEntry("status", since: mark, "a parse error", timeout: .seconds(3)) {
                    $0.sources.first?.error.map { $0.kind == "parse" && !$0.message.contains("no mount") } == true
                }
                sawParseError = parse != nil
                attempts.append("attempt \(attempt): \(invalidBodies) invalid answers, valid=\(validBody), parse error seen=\(sawParseError)")
                if let parse {
                    // "error", or "stale" when the connect failures before already lasted 3 intervals.
                    #expect(["error", "stale"].contains(parse.station.sources.first?.status ?? "ok"))
                    #expect(parse.station.sources.first?.error?.message.isEmpty == false)
                } else {
                    await ice.stopServer()
                }
            }
            #expect(sawParseError, "streamd reports the invalid start-up JSON as a parse error: \(attempts)")

            // Recovery: the next polls read valid JSON (no mount yet: no song), then a source
            // connects and the status source is ok.
            let valid = try await streamd.events.waitFor("status", "a poll that parsed the JSON", timeout: .seconds(20)) {
                $0.sources.first?.status == "ok" || ($0.sources.first?.error?.message.contains("no mount") == true)
            }
            #expect(valid.now.song == nil)
            try await ice.startSource("/live.mp3")
            _ = try await streamd.request("POST", "/v1/refresh?station=stream")
            try await streamd.events.waitFor("stream", "the stream is up", timeout: .seconds(30)) { $0.streams.first?.status == "up" }
            let (stream, status) = try await change("First Song After The Start", streamTitle: "First Song After The Start",
                                                    statusContains: "First Song After The Start", ice: ice, streamd: streamd)
            #expect(status.songKey == stream.songKey)
            #expect(status.sources.first?.status == "ok")
            #expect(status.sources.first?.error == nil)
        }
    }
}
