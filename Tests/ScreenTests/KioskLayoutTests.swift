import Foundation
import StreamTestSupport
import StreamClient
import Testing
@testable import StreamState

/// The kiosk page in headless Chromium with state documents chosen by the test (see
/// ``KioskFixturePage``): OFF AIR is impossible to miss, no program is not dressed up as the
/// station's name, no alert is ever hidden, the clock never shows the machine's zone as the
/// station's, "in N min" follows the same rule as `streamd screen`, and the uptime strips fit
/// (or are absent when the daemon keeps no history). Screenshots go to `test-output/`.
@Suite("The studio screen page: layouts in Chromium", .serialized)
struct KioskLayoutTests {
    typealias K = KioskFixtures

    /// Layout facts about the alerts: how many, and which are not wholly inside the viewport,
    /// are cut by an ancestor that clips, or are covered.
    static func alertLayout(_ page: ChromiumPage) async throws -> [String: Any] {
        let json = try await page.evaluateJSON("""
            (() => {
              const items = [...document.querySelectorAll("#alerts li")];
              const hidden = items.filter((e) => {
                const r = e.getBoundingClientRect();
                if (r.height < 4 || r.top < 0 || r.left < 0 || r.bottom > innerHeight + 1 || r.right > innerWidth + 1) return true;
                // Not cut by any ancestor that clips its overflow.
                for (let p = e.parentElement; p; p = p.parentElement) {
                  if (getComputedStyle(p).overflowY === "visible") continue;
                  const c = p.getBoundingClientRect();
                  if (r.top < c.top - 1 || r.bottom > c.bottom + 1) return true;
                }
                const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), r.top + r.height / 2);
                return !(hit && (hit === e || e.contains(hit)));
              }).map((e) => e.textContent);
              return {count: items.length, hidden: hidden, texts: items.map((e) => e.textContent)};
            })()
            """)
        return try JSONSerialization.jsonObject(with: Data((json ?? "{}").utf8)) as? [String: Any] ?? [:]
    }

    @Test("3 and 7 alerts: every alert inside the viewport at 1920x1080, 1280x720 and 412x915, with the rest still fitting",
          .timeLimit(.minutes(3)), arguments: [3, 7])
    func alertsNeverHidden(count: Int) async throws {
        let song = SongValue(title: "Kerala", artist: "Bonobo", album: "Migration", start: K.date(-30), duration: 242, source: "icy", seenAt: K.date(-1))
        let next = [ProgramValue(name: "Midday Classics", hosts: ["Clara Weiss"], start: K.date(2_400), end: K.date(9_600), source: "composer", seenAt: K.date(-5))]
        let streams = [StreamStatus(id: "main", url: "http://127.0.0.1/live", mode: "follow", status: .up)] + K.failingStreams(count)
        let other = ScreenFixtures.hd2()
        let document = K.document([K.station(song: song, next: next, streams: streams), other])
        let day = String(repeating: "u", count: 1_380) + String(repeating: "d", count: 60)
        let histories = try ["main", "backup1", "backup2"].map { try UptimeStripTests.answer(station: "studio-fm", stream: $0, minutes: day, uptime: 0.9583) }
        try await KioskFixturePage.with(document, histories: histories) { page in
            for (width, height, mobile) in [(1920, 1080, false), (1280, 720, false), (412, 915, true)] {
                try await page.resize(width: width, height: height, mobile: mobile)
                let shown = try await page.waitFor("\(count) alerts and 3 uptime strips at \(width)x\(height)") { s in
                    s["alerts"]?.contains("backup\(count) down") == true && s["program"] == "Morning Drive"
                        && s["uptime"]?.contains("backup2") == true
                }
                // fit() runs on the next render after a resize: wait for the layout to settle.
                let layout = try await eventually("every alert visible at \(width)x\(height)", timeout: .seconds(5),
                                                  detail: { "\(shown)" }) { () -> [String: Any]? in
                    let layout = try await Self.alertLayout(page)
                    return (layout["hidden"] as? [String])?.isEmpty == true ? layout : nil
                }
                #expect(layout["count"] as? Int == count, "\(layout)")
                if !mobile {
                    let settled = try await page.read()
                    #expect(settled["fits"] == "true", "clock, station, ON AIR, program, progress, song, next, uptime, status inside \(width)x\(height): \(settled)")
                }
                try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-\(width)x\(height)-\(count)-alerts.png"))
            }
        }
    }

    @Test("DEAD AIR: on the air, a stream silent for its `after`: the red banner names it and since when, with the red frame",
          .timeLimit(.minutes(2)))
    func deadAir() async throws {
        let silent = StreamStatus(id: "main", url: "http://127.0.0.1/live", mode: "follow", status: .degraded,
                                  error: ErrorValue(kind: "silence", message: "silent", at: Date(timeIntervalSince1970: 1_764_252_130)),
                                  audio: AudioStatus(levelDb: -120, peakDb: -120, silentSince: Date(timeIntervalSince1970: 1_764_252_130)))
        try await KioskFixturePage.with(K.document([K.station(streams: [silent])])) { page in
            try await page.waitFor("ON AIR") { $0["onair"] == "ON AIR" }
            let json = try await page.evaluateJSON("""
                (() => { const b = document.getElementById("offair-banner");
                         return {text: b.textContent, hidden: b.hidden, height: b.getBoundingClientRect().height,
                                 frame: getComputedStyle(document.getElementById("screen")).boxShadow}; })()
                """)
            let banner = try #require(try JSONSerialization.jsonObject(with: Data((json ?? "{}").utf8)) as? [String: Any])
            // 1_764_252_130 is 14:02:10 UTC; the fixture station's zone is UTC.
            #expect(banner["text"] as? String == "DEAD AIR · stream main silent since 14:02:10", "\(banner)")
            #expect(banner["hidden"] as? Bool == false && (banner["height"] as? Double ?? 0) > 0, "\(banner)")
            #expect((banner["frame"] as? String)?.contains("rgb(255, 45, 45)") == true, "\(banner)")
        }
    }

    @Test("OFF AIR with no program: a full-width red banner and a red frame, \"No program information\", the status says connected",
          .timeLimit(.minutes(2)))
    func offAirNoProgram() async throws {
        var station = K.station(onAir: false, program: nil, song: nil,
                                streams: [StreamStatus(id: "main", url: "http://127.0.0.1/live", mode: "follow", status: .down)])
        station.now.text = "Studio FM"  // what the daemon says with nothing known: only the name
        try await KioskFixturePage.with(K.document([station])) { page in
            for (width, height, mobile) in [(1920, 1080, false), (412, 915, true)] {
                try await page.resize(width: width, height: height, mobile: mobile)
                let shown = try await page.waitFor("OFF AIR at \(width)x\(height)") { $0["onair"] == "OFF AIR" && $0["status"] == "● streamd connected" }
                #expect(shown["program"] == "No program information", "never the station's name as the program: \(shown)")
                #expect(shown["station"] == "Studio FM")
                let json = try await page.evaluateJSON("""
                    (() => {
                      const b = document.getElementById("offair-banner"), r = b.getBoundingClientRect(), css = getComputedStyle(b);
                      const main = getComputedStyle(document.getElementById("screen"));
                      const program = getComputedStyle(document.getElementById("program"));
                      const badge = getComputedStyle(document.getElementById("onair"));
                      return {text: b.textContent, hidden: b.hidden, width: r.width, top: r.top, bottom: r.bottom, background: css.backgroundColor,
                              color: css.color, fontSize: parseFloat(css.fontSize), frame: main.boxShadow, programColor: program.color,
                              badgeBackground: badge.backgroundColor, badgeColor: badge.color, innerWidth: innerWidth, innerHeight: innerHeight};
                    })()
                    """)
                let banner = try #require(try JSONSerialization.jsonObject(with: Data((json ?? "{}").utf8)) as? [String: Any])
                #expect(banner["text"] as? String == "OFF AIR · Studio FM is not on the air", "\(banner)")
                #expect(banner["hidden"] as? Bool == false)
                #expect(banner["background"] as? String == "rgb(255, 45, 45)", "red: \(banner)")
                #expect(banner["color"] as? String == "rgb(255, 255, 255)", "white text: \(banner)")
                let innerWidth = banner["innerWidth"] as? Double ?? 1, innerHeight = banner["innerHeight"] as? Double ?? 1
                #expect((banner["width"] as? Double ?? 0) >= innerWidth * 0.85, "nearly the whole width: \(banner)")
                #expect((banner["bottom"] as? Double ?? .infinity) <= innerHeight * 0.5, "in the top half: \(banner)")
                #expect((banner["fontSize"] as? Double ?? 0) >= 30, "large type: \(banner)")
                #expect(banner["badgeBackground"] as? String != "rgb(34, 34, 34)", "the badge is no calm grey box: \(banner)")
                if !mobile {
                    #expect((banner["frame"] as? String)?.contains("rgb(255, 45, 45)") == true, "a red frame round the screen: \(banner)")
                }
                try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-\(width)x\(height)-off-air.png"))
            }
        }
        // On the air: no banner.
        try await KioskFixturePage.with(K.document([K.station()])) { page in
            try await page.waitFor("ON AIR") { $0["onair"] == "ON AIR" && $0["program"] == "Morning Drive" }
            #expect(try await page.evaluateJSON("document.getElementById('offair-banner').getBoundingClientRect().height") == "0")
        }
    }

    @Test("one rounding rule: a junction 2:30 away reads \"2:xx left\" and \"in 2 min\", as in streamd screen", .timeLimit(.minutes(2)))
    func roundingRule() async throws {
        let end: TimeInterval = 150
        let next = [ProgramValue(name: "Midday Classics", hosts: [], start: K.date(end), end: K.date(end + 3_600), source: "composer", seenAt: K.date(-5))]
        let document = K.document([K.station(program: K.program(start: end - 3_600, end: end), next: next)])
        try await KioskFixturePage.with(document) { page in
            let shown = try await page.waitFor("the junction") { $0["remaining"]?.hasSuffix("left") == true && $0["next"]?.contains("Midday") == true }
            let remaining = try #require(shown["remaining"]?.replacingOccurrences(of: "left", with: ""))
            let parts = remaining.split(separator: ":").compactMap { Int($0) }
            let seconds = try #require(parts.count == 2 ? parts[0] * 60 + parts[1] : nil, "\(shown)")
            #expect((120...150).contains(seconds), "\(shown)")
            #expect(shown["next"]?.contains("in \(seconds / 60) min") == true, "the same seconds, minutes rounded down: \(shown)")
            #expect(shown["next"]?.contains(ScreenModel.untilText(seconds) ?? "?") == true, "the page's rule is ScreenModel's: \(shown)")
            // No history route here (an older daemon's 404): no strip, no room taken.
            #expect(shown["uptime"] == "", "\(shown)")
            #expect(try await page.evaluateJSON("document.getElementById('uptime').getBoundingClientRect().height") == "0")
        }
    }

    @Test("the clock: a placeholder until the station's zone is known, then the station's time (not the machine's)",
          .timeLimit(.minutes(2)))
    func clockZone() async throws {
        // UTC+14 all year: never the machine's zone here.
        let document = K.document([K.station(timezone: "Pacific/Kiritimati")])
        try await KioskFixturePage.with(document, delay: 4) { page in
            let before = try await page.waitFor("the page before the snapshot") { $0["station"] == "streamd" }
            #expect(before["clock"] == "--:--:--", "\(before)")
            #expect(before["date"] == "", "\(before)")
            let after = try await page.waitFor("the station", timeout: .seconds(20)) { $0["station"] == "Studio FM" }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Pacific/Kiritimati")
            formatter.dateFormat = "HH:mm"
            let expected = [Date().addingTimeInterval(-60), Date(), Date().addingTimeInterval(60)].map(formatter.string)
            #expect(expected.contains { after["clock"]?.hasPrefix($0) == true }, "Kiritimati's time \(expected): \(after)")
        }
    }

    @Test("uptime strips: one a stream for the first three, inside the viewport at 1920x1080, 1280x720 and 412x915, in the history's colours",
          .timeLimit(.minutes(2)))
    func uptimeStrips() async throws {
        let streams = ["main", "backup", "aac", "probe"].map { StreamStatus(id: $0, url: "http://127.0.0.1/\($0)", mode: "follow", status: .up) }
        // Unknown, then up, 12 minutes of dead air, up, a 3-minute stall, up, one down minute, up.
        let day = String(repeating: "-", count: 200) + String(repeating: "u", count: 600) + String(repeating: "s", count: 12)
            + String(repeating: "u", count: 300) + "ttt" + String(repeating: "u", count: 200) + "d" + String(repeating: "u", count: 124)
        let histories = try streams.map { try UptimeStripTests.answer(station: "studio-fm", stream: $0.id, minutes: day, uptime: 0.9845) }
        try await KioskFixturePage.with(K.document([K.station(streams: streams)]), histories: histories) { page in
            for (width, height, mobile) in [(1920, 1080, false), (1280, 720, false), (412, 915, true)] {
                try await page.resize(width: width, height: height, mobile: mobile)
                let shown = try await page.waitFor("the strips at \(width)x\(height)") { $0["uptime"]?.contains("aac") == true }
                #expect(shown["uptime"]?.contains("probe") == false, "at most three streams: \(shown)")
                #expect(shown["uptime"]?.hasPrefix("main24 h · 98.45 % up · 12 min dead air · 3 min stalled · 1 min down") == true, "\(shown)")
                let json = try await page.evaluateJSON("""
                    (() => [...document.querySelectorAll("#uptime .strip")].map((el) => {
                      const box = el.querySelector("svg").getBoundingClientRect(), caption = el.querySelector(".caption").getBoundingClientRect();
                      return {stream: el.dataset.stream, rects: el.querySelectorAll("rect").length,
                              fills: [...new Set([...el.querySelectorAll("rect")].map((r) => getComputedStyle(r).fill))].sort(),
                              left: Math.min(box.left, caption.left), right: Math.max(box.right, caption.right), width: box.width,
                              top: box.top, bottom: Math.max(box.bottom, caption.bottom), height: box.height};
                    }))()
                    """)
                let strips = try #require(try JSONSerialization.jsonObject(with: Data((json ?? "[]").utf8)) as? [[String: Any]])
                #expect(strips.map { $0["stream"] as? String } == ["main", "backup", "aac"], "\(strips)")
                for strip in strips {
                    #expect(strip["rects"] as? Int == 8, "a rect a run: \(strip)")
                    #expect(strip["fills"] as? [String] == ["rgb(255, 196, 0)", "rgb(255, 45, 45)", "rgb(255, 77, 255)",
                                                            "rgb(46, 230, 107)", "rgb(58, 58, 58)"], "\(strip)")
                    #expect((strip["left"] as? Double ?? -1) >= 0 && (strip["right"] as? Double ?? .infinity) <= Double(width) + 1, "\(strip)")
                    #expect((strip["width"] as? Double ?? 0) >= Double(width) * 0.4 && (strip["height"] as? Double ?? 0) >= 10, "\(strip)")
                    if !mobile { #expect((strip["bottom"] as? Double ?? .infinity) <= Double(height) + 1, "inside the screen: \(strip)") }
                }
                let settled = try await page.read()
                if !mobile { #expect(settled["fits"] == "true", "\(settled)") }
                #expect(try await page.evaluateJSON("document.documentElement.scrollWidth <= innerWidth") == "true", "no sideways scroll")
                try await page.screenshot(TestOutput.directory.appendingPathComponent("screen-\(width)x\(height)-uptime.png"))
            }
        }
    }
}
