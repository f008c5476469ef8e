import Foundation
import StreamTestSupport
import Testing
@testable import StreamState
@testable import StreamWatch
@testable import StreamHTTP
import StreamFormats
import Logging

@Suite("Polling now-playing sources", .timeLimit(.minutes(2)))
struct SourcePollerTests {
    func station(_ sources: [SourceSpec], streams: [StreamSpec] = []) -> StationSpec {
        StationSpec(id: "src-fm", name: "Source FM", timeZone: TimeZone(identifier: "America/New_York")!,
                    streams: streams, sources: sources)
    }

    func tritonXML(title: String, artist: String, startMs: Int64, type: String = "track") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <nowplaying-info-list><nowplaying-info mountName="TEST" timestamp="\(startMs / 1000)" type="\(type)">
        <property name="cue_time_start"><![CDATA[\(startMs)]]></property>
        <property name="cue_time_duration"><![CDATA[240000]]></property>
        <property name="cue_title"><![CDATA[ \(title) ]]></property>
        <property name="track_artist_name"><![CDATA[\(artist)]]></property>
        </nowplaying-info></nowplaying-info-list>
        """
    }

    @Test("a Triton source gives the song; a 500 is an error; it recovers; conditional GET is used")
    func tritonErrorAndRecovery() async throws {
        let server = try await LoopbackServer.start()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        server.route("/np") { request in
            request.header("If-None-Match") == "\"t1\""
                ? LoopbackRoute(statusLine: "HTTP/1.1 304 Not Modified", headers: [("ETag", "\"t1\"")])
                : .ok(self.tritonXML(title: "What Ive Done", artist: "Linkin Park", startMs: now - 10_000),
                      contentType: "text/xml", headers: [("ETag", "\"t1\"")])
        }
        let spec = SourceSpec(kind: .triton, url: server.url("/np"), interval: .seconds(2))
        try await withSupervisor([station([spec])]) { supervisor, store in
            let ok = try await waitFor(store, station: "src-fm", "triton song") { $0.now.song?.title == "What Ive Done" }
            #expect(ok.now.song?.source == "triton")
            #expect(ok.now.song?.duration == 240)
            #expect(ok.sources.first?.status == .ok)
            #expect(ok.onAir, "with no streams, an answering source means on air")
            try await waitFor(store, station: "src-fm", "a 304 poll") { _ in
                server.requests(to: "/np").contains { $0.header("If-None-Match") == "\"t1\"" }
            }
            server.route("/np", .status(500, "boom"))
            // (a poll in flight when the route changed may fail first with a cut connection)
            let failing = try await waitFor(store, station: "src-fm", "the 500") { $0.sources.first?.error?.httpStatus == 500 }
            #expect(failing.sources.first?.status == .error)
            #expect(failing.now.song?.title == "What Ive Done", "values hold until the source goes stale")
            let stale = try await waitFor(store, station: "src-fm", "stale") { $0.sources.first?.status == .stale }
            #expect(stale.now.song == nil, "a stale source's song is never shown as current")
            server.route("/np", .ok(tritonXML(title: "Numb", artist: "Linkin Park", startMs: now), contentType: "text/xml"))
            supervisor.refresh(station: "src-fm")
            let back = try await waitFor(store, station: "src-fm", "recovered") { $0.sources.first?.status == .ok && $0.now.song?.title == "Numb" }
            #expect(back.sources.first?.error == nil)
        }
        await server.shutdown()
    }

    @Test("malformed payloads of every kind are parse errors in the source's status")
    func malformed() async throws {
        let server = try await LoopbackServer.start()
        server.route("/bad", .ok("<html>not what you expected", contentType: "text/html"))
        let specs = NowPlayingKind.allCases.map { SourceSpec(kind: $0, url: server.url("/bad"), interval: .seconds(30)) }
        try await withSupervisor([station(specs)]) { _, store in
            let state = try await waitFor(store, station: "src-fm", "all sources checked") { s in s.sources.allSatisfy { $0.status != .pending } }
            for source in state.sources {
                #expect(source.status == .error, "\(source.kind)")
                #expect(source.error?.kind == "parse", "\(source.kind): \(source.error?.message ?? "")")
            }
        }
        await server.shutdown()
    }

    @Test("program and Next Up from Composer, song from the stream")
    func programAndSong() async throws {
        let server = try await LoopbackServer.start()
        let zone = TimeZone(identifier: "America/New_York")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = Date()
        let hour = calendar.component(.hour, from: now)
        func hhmm(_ h: Int) -> String { String(format: "%02d:00", (h + 24) % 24) }
        server.route("/composer/now", .ok("""
            {"onNow":{"program":{"name":"Morning Edition","hosts":[{"name":"Steve Inskeep"}]},
             "start_time":"\(hhmm(hour))","end_time":"\(hhmm(hour + 1))"},
             "nextUp":[{"program":{"name":"Here and Now"},"start_time":"\(hhmm(hour + 1))"}]}
            """, contentType: "application/json"))
        server.route("/live", .icyStream(metaint: 800))
        server.setTitle("Bonobo - Kerala", for: "/live")
        let sources = [SourceSpec(kind: .composer, url: server.url("/composer/now"), interval: .seconds(30))]
        let streams = [StreamSpec(id: "main", url: server.url("/live"))]
        try await withSupervisor([station(sources, streams: streams)]) { _, store in
            let state = try await waitFor(store, station: "src-fm", "program and song") { $0.now.program != nil && $0.now.song != nil }
            #expect(state.now.program?.name == "Morning Edition")
            #expect(state.now.program?.hosts == ["Steve Inskeep"])
            #expect(state.now.program?.source == "composer")
            #expect(state.next.first?.name == "Here and Now")
            #expect(state.now.song?.title == "Kerala")
            #expect(state.now.song?.source == "icy")
        }
        await server.shutdown()
    }
}

@Suite("Polling: an unchanged answer costs no decode")
struct UnchangedAnswerTests {
    @Test("the same body again (no validators) is not decoded; a changed body is")
    func sameBodySkipsDecode() async throws {
        let server = try await LoopbackServer.start()
        let xml = { (title: String) in
            #"<nowplaying-info-list><nowplaying-info type="track"><property name="cue_title"><![CDATA[\#(title)]]></property><property name="track_artist_name"><![CDATA[Artist]]></property></nowplaying-info></nowplaying-info-list>"#
        }
        server.route("/np", .ok(xml("First"), contentType: "text/xml"))
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let station = StationSpec(id: "s", name: "S", timeZone: TimeZone(identifier: "UTC")!, streams: [],
                                  sources: [SourceSpec(kind: .triton, url: server.url("/np"), interval: .seconds(1))])
        let poller = SourcePoller(station: station, index: 0, engine: engine, wakeup: Wakeup(), logger: Logger(label: "test"),
                                  reporter: WatchReporter(station: "s", generation: .initial) { _ in })
        var state = SourcePoller.PollState()
        func title(_ event: SourceEvent) -> String? {
            if case .ok(let snapshot, _, _) = event { return snapshot.current?.title }
            return nil
        }
        #expect(title(await poller.poll(&state)) == "First")
        #expect(title(await poller.poll(&state)) == "First")
        #expect(title(await poller.poll(&state)) == "First")
        #expect(state.unchangedBodies == 2, "two identical answers skipped the decode")
        server.route("/np", .ok(xml("Second"), contentType: "text/xml"))
        #expect(title(await poller.poll(&state)) == "Second", "a changed body is decoded")
        #expect(state.unchangedBodies == 2)
        await server.shutdown()
    }
}

@Suite("Polling through the scheduler: an unchanged answer ends on the engine thread", .timeLimit(.minutes(1)))
struct QuickPollTests {
    /// What the poller reported: the title, and whether the report came from the engine thread.
    struct Report: Sendable { let title: String?; let failed: Bool; let onEngine: Bool }

    @Test("304s and identical bodies are reported from the engine thread; a change, a failure and the first answer from a task")
    func unchangedAnswersStayOnTheEngine() async throws {
        let server = try await LoopbackServer.start()
        let xml: @Sendable (String) -> String = { title in
            #"<nowplaying-info-list><nowplaying-info type="track"><property name="cue_title"><![CDATA[\#(title)]]></property><property name="track_artist_name"><![CDATA[Artist]]></property></nowplaying-info></nowplaying-info-list>"#
        }
        // First with an ETag (later polls are 304s), then a changed body without validators
        // (later polls are the same bytes), then a 500, then an answer again.
        let phase = Locked("etag")
        server.route("/np") { request in
            switch phase.value {
            case "etag":
                request.header("If-None-Match") == "\"a\""
                    ? LoopbackRoute(statusLine: "HTTP/1.1 304 Not Modified", headers: [("ETag", "\"a\"")])
                    : .ok(xml("First"), contentType: "text/xml", headers: [("ETag", "\"a\"")])
            case "plain": .ok(xml("Second"), contentType: "text/xml")
            default: .status(500, "boom")
            }
        }
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let reports = Locked<[Report]>([])
        let reporter = WatchReporter(station: "s", generation: .initial) { observation in
            guard case .source(_, let event) = observation.event else { return }
            let onEngine = engine.thread.isInside
            switch event {
            case .ok(let snapshot, _, _): reports.withLock { $0.append(Report(title: snapshot.current?.title, failed: false, onEngine: onEngine)) }
            case .failed: reports.withLock { $0.append(Report(title: nil, failed: true, onEngine: onEngine)) }
            }
        }
        let station = StationSpec(id: "s", name: "S", timeZone: TimeZone(identifier: "UTC")!, streams: [],
                                  sources: [SourceSpec(kind: .triton, url: server.url("/np"), interval: .milliseconds(50))])
        let poller = SourcePoller(station: station, index: 0, engine: engine, wakeup: Wakeup(), logger: Logger(label: "test"),
                                  reporter: reporter)
        let scheduler = StepScheduler(engine: engine)
        let running = Task { await scheduler.run() }
        scheduler.add([poller.stepped()], owner: .initial)
        func count(_ title: String?, onEngine: Bool) -> Int {
            reports.value.filter { $0.title == title && !$0.failed && $0.onEngine == onEngine }.count
        }
        try await eventually("three 304s reported from the engine thread", timeout: .seconds(20)) { count("First", onEngine: true) >= 3 }
        #expect(count("First", onEngine: false) == 1, "the first answer is decoded in a task")
        #expect(server.requests(to: "/np").contains { $0.header("If-None-Match") == "\"a\"" })
        phase.withLock { $0 = "plain" }
        try await eventually("three identical bodies reported from the engine thread", timeout: .seconds(20)) { count("Second", onEngine: true) >= 3 }
        #expect(count("Second", onEngine: false) == 1, "a changed body is decoded once, in a task")
        phase.withLock { $0 = "fail" }
        try await eventually("the 500 reported", timeout: .seconds(20)) { reports.value.contains { $0.failed } }
        #expect(reports.value.filter(\.failed).allSatisfy { !$0.onEngine }, "a failure is taken in a task")
        phase.withLock { $0 = "plain" }
        let before = reports.value.count
        try await eventually("quick answers again after the failure", timeout: .seconds(20)) {
            reports.value.dropFirst(before).contains { $0.title == "Second" && $0.onEngine }
        }
        running.cancel()
        await running.value
        await server.shutdown()
    }

    @Test("removing a poller cancels its quick poll under way and returns once the transfer has ended")
    func removeCancelsAQuickPoll() async throws {
        let server = try await LoopbackServer.start()
        let hang = Locked(false)
        server.route("/np") { _ in
            var route = LoopbackRoute.ok(#"<nowplaying-info-list><nowplaying-info type="track"><property name="cue_title"><![CDATA[One]]></property></nowplaying-info></nowplaying-info-list>"#,
                                         contentType: "text/xml")
            if hang.value { route.headDelay = .seconds(60) }
            return route
        }
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let reports = Locked(0)
        let station = StationSpec(id: "s", name: "S", timeZone: TimeZone(identifier: "UTC")!, streams: [],
                                  sources: [SourceSpec(kind: .triton, url: server.url("/np"), interval: .milliseconds(50),
                                                       timeout: .seconds(60))])
        let poller = SourcePoller(station: station, index: 0, engine: engine, wakeup: Wakeup(), logger: Logger(label: "test"),
                                  reporter: WatchReporter(station: "s", generation: .initial) { _ in reports.withLock { $0 += 1 } })
        let scheduler = StepScheduler(engine: engine)
        let running = Task { await scheduler.run() }
        scheduler.add([poller.stepped()], owner: .initial)
        try await eventually("two answers", timeout: .seconds(20)) { reports.value >= 2 }
        hang.withLock { $0 = true }
        let asked = server.requests(to: "/np").count
        // The next poll is quick (an answer to repeat) and its server never answers.
        try await eventually("a poll that hangs", timeout: .seconds(20)) { server.requests(to: "/np").count > asked }
        let reported = reports.value
        await scheduler.remove(owners: [.initial])
        #expect(scheduler.count == 0)
        try await eventually("the hanging poll's connection closed", timeout: .seconds(10)) {
            !server.connectionsClosed(to: "/np").isEmpty
        }
        let after = server.requests(to: "/np").count
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.requests(to: "/np").count == after, "no poll after the removal")
        #expect(reports.value == reported, "a cancelled poll reports nothing")
        running.cancel()
        await running.value
        await server.shutdown()
    }
}
