import Foundation
import StreamClient
import StreamState
import StreamTestSupport
import Testing

/// The kiosk page in Debian's headless Chromium, against a running `streamd run` with a TCP
/// listener: it shows the state, follows it live over SSE, fits 1920x1080 and a phone, turns
/// red in the last minute, reconnects by itself when the daemon restarts, and draws the
/// daemon's 24-hour history of a stream that went down. Screenshots go to `test-output/`.
@Suite("The studio screen page in Chromium", .serialized)
struct KioskPageTests {
    /// `chromium --dump-dom URL`, as a shell user would run it: the DOM once the page has loaded.
    static func dumpDOM(_ url: String) async throws -> String {
        let profile = "\(NSTemporaryDirectory())streamd-dumpdom-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let result = try await runTool(try Chromium.executable,
                                       ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                        "--user-data-dir=\(profile)", "--dump-dom", url],
                                       extraEnvironment: ["LANG": "C.UTF-8"], timeout: .seconds(30))
        guard result.status == 0 else { throw TestFailure("chromium --dump-dom \(url) exited \(result.status): \(result.stderr.suffix(800))") }
        return result.stdout
    }

    /// The text of the element with `id` in dumped HTML (its markup up to the next tag).
    static func element(_ id: String, in html: String) -> String? {
        guard let range = html.range(of: #"id="\#(id)"[^>]*>[^<]*"#, options: .regularExpression) else { return nil }
        let match = html[range]
        return match.firstIndex(of: ">").map { String(match[match.index(after: $0)...]) }
    }

    @Test("/screen on the Unix socket: one self-contained page, no external assets")
    func selfContained() async throws {
        try await StudioDaemon.with(title: "Nils Frahm - Says") { studio in
            let answer = try await SocketHTTP.request(studio.socket, "GET", "/screen")
            #expect(answer.status == 200)
            let html = answer.text
            for id in ["station", "onair", "clock", "program", "progress", "elapsed", "remaining", "song", "next", "others", "alerts", "status"] {
                #expect(html.contains(#"id="\#(id)""#), "element #\(id)")
            }
            #expect(html.contains(#"new EventSource("/v1/events")"#))
            for external in ["http://", "https://", "src=", "href=", "url(", "@import", "@font-face", "//fonts"] {
                #expect(!html.contains(external), "an external reference: \(external)")
            }
        }
    }

    @Test("1920x1080: the DOM shows the state, follows the ICY title live, turns red in the last minute, reconnects",
          .timeLimit(.minutes(4)))
    func kiosk() async throws {
        _ = try Chromium.executable  // fails with what to install
        try await StudioDaemon.with(listen: true, title: "The Lantern Keepers - First Light") { studio in
            let url = "http://127.0.0.1:\(try #require(studio.port))/"

            // As a shell user would: --dump-dom shows the state once loaded, and a later load the new title.
            var dom = try await eventually("--dump-dom to show the program", timeout: .seconds(30)) { () -> String? in
                let html = try await Self.dumpDOM(url)
                return Self.element("program", in: html) == "Morning Drive" ? html : nil
            }
            #expect(Self.element("station", in: dom) == "Studio FM")
            #expect(Self.element("onair", in: dom) == "ON AIR")
            #expect(Self.element("song", in: dom) == "The Lantern Keepers – First Light")
            #expect(Self.element("clock", in: dom)?.range(of: #"^\d\d:\d\d:\d\d$"#, options: .regularExpression) != nil)
            studio.setTitle("Bonobo - Kerala")
            dom = try await eventually("--dump-dom to show the new title", timeout: .seconds(30)) { () -> String? in
                let html = try await Self.dumpDOM(url)
                return Self.element("song", in: html) == "Bonobo – Kerala" ? html : nil
            }

            try await Chromium.with { browser in
                let page = try await browser.open(url)
                try await kioskScenario(studio, page)
            }
        }
    }

    private func kioskScenario(_ studio: StudioDaemon, _ page: ChromiumPage) async throws {
        let programs = studio.programs
        let elapsed = Int(Date().timeIntervalSince(programs.now.start))

        // The state, as the room sees it.
        let shown = try await page.waitFor("the live state") { s in
            s["program"] == "Morning Drive" && s["song"] == "Bonobo – Kerala" && s["status"] == "● streamd connected"
        }
        #expect(shown["station"] == "Studio FM")
        #expect(shown["tagline"] == "88.1 FM")
        #expect(shown["onair"] == "ON AIR")
        #expect(shown["clock"]?.range(of: #"^\d\d:\d\d:\d\d$"#, options: .regularExpression) != nil, "\(shown)")
        #expect(shown["hosts"]?.hasPrefix("with Ada Lovelace") == true, "\(shown)")
        #expect(shown["elapsed"]?.hasSuffix(" / 1:00:00") == true, "\(shown)")
        #expect(shown["remaining"]?.hasSuffix("left") == true, "\(shown)")
        let percent = Double(shown["progress"]?.dropLast() ?? "") ?? -1
        #expect(abs(percent - Double(elapsed) / 36) < 3, "the bar at \(percent)% after \(elapsed) s of an hour")
        #expect(shown["next"]?.contains("Midday Classics") == true, "\(shown)")
        #expect(shown["others"]?.contains("Studio HD2") == true && shown["others"]?.contains("OFF AIR") == true, "\(shown)")
        #expect(shown["fits"] == "true", "everything inside 1920x1080")
        #expect(shown["phase"] == "normal", "\(shown)")

        // Elapsed and remaining move every second, computed in the page.
        let before = shown["elapsed"]
        try await page.waitFor("the elapsed time to move", timeout: .seconds(5)) { $0["elapsed"] != before }

        // The ICY title changes: the same page load follows it over SSE.
        studio.setTitle("Hania Rani - Eden")
        try await page.waitFor("the new title") { $0["song"] == "Hania Rani – Eden" }
        let screenshot = TestOutput.directory.appendingPathComponent("screen-1920x1080.png")
        try await page.screenshot(screenshot)
        #expect(pngSize(screenshot).map { $0 == (1920, 1080) } == true, "a 1920x1080 PNG at \(screenshot.path)")

        // The daemon restarts: a "reconnecting" badge, the last state kept, then live again by itself.
        await studio.stopDaemon()
        let away = try await page.waitFor("the reconnecting badge") { $0["status"]?.hasPrefix("streamd disconnected · reconnecting…") == true }
        #expect(away["program"] == "Morning Drive" && away["song"] == "Hania Rani – Eden", "the last state stays: \(away)")
        try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-1920x1080-reconnecting.png"))
        studio.setTitle("Nils Frahm - Says")
        try await studio.startDaemon()
        try await page.waitFor("the page to reconnect", timeout: .seconds(20)) { $0["status"] == "● streamd connected" && $0["song"] == "Nils Frahm – Says" }
        studio.setTitle("Bonobo - Cirrus")
        try await page.waitFor("a title after the restart") { $0["song"] == "Bonobo – Cirrus" }

        // The last minute: the program ends at the next whole minute, 20 to 59 s away.
        var now = Date()
        var second = Int(now.timeIntervalSince1970) % 60
        if second > 40 {
            try await Task.sleep(for: .seconds(61 - second))
            now = Date()
            second = Int(now.timeIntervalSince1970) % 60
        }
        let end = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        studio.setPrograms(now: .init(name: "Morning Drive", hosts: ["Ada Lovelace"], start: end.addingTimeInterval(-3600), end: end),
                           next: .init(name: "Midday Classics", hosts: ["Clara Weiss"], start: end, end: end.addingTimeInterval(7200)))
        // (At exactly 60 s left the phase is already last-minute and the time reads −1:00: a
        // sample taken on the minute's boundary saw that. Wait for the seconds to count.)
        let last = try await page.waitFor("the last minute") { s in
            s["phase"] == "last-minute" && s["banner"]?.hasPrefix("LAST MINUTE") == true && s["remaining"]?.hasPrefix("−0:") == true
        }
        #expect(last["banner"]?.range(of: #"^LAST MINUTEnext: Midday Classics$"#, options: .regularExpression) != nil, "\(last)")
        #expect(last["remaining"]?.range(of: #"^−0:\d\dleft$"#, options: .regularExpression) != nil, "\(last)")
        #expect(last["next"]?.contains("in ") == true && last["next"]?.contains(" s") == true, "\(last)")
        #expect(last["fits"] == "true", "the last minute fits 1920x1080 too")
        try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-1920x1080-last-minute.png"))

        // A phone-sized screen: nothing overflows sideways.
        try await page.resize(width: 412, height: 915, mobile: true)
        let phone = try await page.waitFor("the page at 412x915") { $0["program"] == "Morning Drive" }
        let scrollWidth = try await page.evaluateJSON("document.documentElement.scrollWidth <= innerWidth")
        #expect(scrollWidth == "true", "no sideways scrolling at 412 px: \(phone)")
        try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-412x915.png"))
    }

    /// The daemon's history of Studio FM's main stream, over the socket.
    static func history(_ studio: StudioDaemon) async throws -> HistoryAnswer {
        let answer = try await SocketHTTP.request(studio.socket, "GET", "/v1/streams/studio-fm/main/history", timeout: 5)
        guard answer.status == 200 else { throw TestFailure("history: HTTP \(answer.status) \(answer.text)") }
        return try StateDocument.makeDecoder().decode(HistoryAnswer.self, from: Data(answer.text.utf8))
    }

    /// The runs of equal letters of a history's minutes: letter, first minute, length.
    static func runs(_ minutes: String) -> [[String]] {
        var runs: [[String]] = []
        var start = 0
        let letters = Array(minutes)
        while start < letters.count {
            var end = start
            while end < letters.count && letters[end] == letters[start] { end += 1 }
            runs.append([String(letters[start]), String(start), String(end - start)])
            start = end
        }
        return runs
    }

    /// A stream's strip on the page: its rects (class, data-start, data-minutes, width, fill)
    /// ordered by minute, the caption, the SVG's box; nil while there is none.
    static func strip(_ page: ChromiumPage, _ stream: String) async throws -> [String: Any]? {
        let json = try await page.evaluateJSON("""
            (() => {
              const el = document.querySelector('#uptime .strip[data-stream="\(stream)"]');
              if (!el) return null;
              const rects = [...el.querySelectorAll("rect")].map((r) => ({
                letter: r.getAttribute("class") === "x" ? "-" : r.getAttribute("class"), start: Number(r.dataset.start),
                minutes: Number(r.dataset.minutes), width: Number(r.getAttribute("width")), fill: getComputedStyle(r).fill }))
                .sort((a, b) => a.start - b.start);
              const box = el.querySelector("svg").getBoundingClientRect();
              return {rects: rects, caption: el.querySelector(".caption").textContent, name: el.querySelector(".name").textContent,
                      width: box.width, height: box.height, right: box.right, bottom: box.bottom};
            })()
            """)
        guard let json, json != "null" else { return nil }
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    }

    @Test("the uptime strip: Studio FM's stream up, then down: a rect a run of minutes, as the daemon's history says, green then red",
          .timeLimit(.minutes(4)))
    func uptimeStrip() async throws {
        _ = try Chromium.executable  // fails with what to install
        try await StudioDaemon.with(listen: true, title: "Nils Frahm - Says") { studio in
            let url = "http://127.0.0.1:\(try #require(studio.port))/"
            try await Chromium.with { browser in
                let page = try await browser.open(url)
                // Up since the daemon started: one strip for main (Studio FM has one stream), all known time up.
                let up = try await page.waitFor("the strip of main, up") { $0["uptime"] == "main24 h · 100 % up" }
                #expect(up["fits"] == "true", "\(up)")

                // A minute ends while the stream is up, so an up minute stays in the day after it goes down.
                _ = try await eventually("an up minute before the current one", timeout: .seconds(75), every: .seconds(1)) { () -> Bool? in
                    try await Self.history(studio).minutes.dropLast().contains("u") ? true : nil
                }
                try await studio.takeStreamDown()

                // The page asks again soon after the stream's condition changes (not only each minute).
                var last: (history: String, strip: String) = ("", "")
                let (history, strip) = try await eventually("the page's strip to be the daemon's history, down now", timeout: .seconds(30), every: .milliseconds(250),
                                                            detail: { "daemon: \(last.history)\npage: \(last.strip)\n\(studio.log)" }) {
                    () -> (HistoryAnswer, [String: Any])? in
                    let history = try await Self.history(studio)
                    guard let strip = try await Self.strip(page, "main") else { return nil }
                    let rects = (strip["rects"] as? [[String: Any]] ?? []).map { r in
                        [r["letter"] as? String ?? "?", "\(r["start"] as? Int ?? -1)", "\(r["minutes"] as? Int ?? -1)"]
                    }
                    last = ("\(Self.runs(history.minutes))", "\(rects) \(strip["caption"] ?? "")")
                    guard history.condition == "down", history.minutes.last == "d", rects == Self.runs(history.minutes),
                          (strip["caption"] as? String)?.contains("down") == true else { return nil }
                    return (history, strip)
                }
                let rects = try #require(strip["rects"] as? [[String: Any]])
                #expect(history.minutes.count == 1440)
                #expect(rects.reduce(0) { $0 + ($1["minutes"] as? Int ?? 0) } == 1440, "the whole day, each minute once")
                #expect(rects.map { $0["letter"] as? String } == ["-", "u", "d"] || rects.map { $0["letter"] as? String } == ["-", "u", "-", "d"],
                        "unknown before the daemon started, up, then down now: \(rects)")
                let colours = Dictionary(rects.map { ($0["letter"] as? String ?? "?", $0["fill"] as? String ?? "?") }, uniquingKeysWith: { a, _ in a })
                #expect(colours["u"] == "rgb(46, 230, 107)", "up is green: \(colours)")
                #expect(colours["d"] == "rgb(255, 45, 45)", "down is red: \(colours)")
                #expect(colours["-"] == "rgb(58, 58, 58)", "unknown is dark grey: \(colours)")
                let down = try #require(rects.last)
                #expect(down["width"] as? Int == max(10, down["minutes"] as? Int ?? 0), "one down minute drawn 10 minutes wide: \(down)")
                let caption = strip["caption"] as? String ?? ""
                #expect(caption.range(of: #"^24 h · \d{1,2}\.\d\d % up · \d+ (s|min)( \d+ s)? down$"#, options: .regularExpression) != nil,
                        "\(caption)")
                #expect((strip["width"] as? Double ?? 0) > 900 && (strip["height"] as? Double ?? 0) >= 12, "a long, visible strip at 1920x1080: \(strip)")
                let shown = try await page.read()
                #expect(shown["fits"] == "true", "\(shown)")
                try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-1920x1080-uptime.png"))
            }
        }
    }
}
