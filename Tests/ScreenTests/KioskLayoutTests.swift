import Foundation
import StreamTestSupport
import StreamClient
import Testing
@testable import StreamState

/// The kiosk page in headless Chromium with state documents chosen by the test (see
/// ``KioskFixturePage``): OFF AIR is impossible to miss, no program is not dressed up as the
/// station's name, no alert is ever hidden, the clock never shows the machine's zone as the
/// station's, and "in N min" follows the same rule as `streamd screen`. Screenshots go to
/// `test-output/`.
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
        try await KioskFixturePage.with(document) { page in
            for (width, height, mobile) in [(1920, 1080, false), (1280, 720, false), (412, 915, true)] {
                try await page.resize(width: width, height: height, mobile: mobile)
                let shown = try await page.waitFor("\(count) alerts at \(width)x\(height)") { s in
                    s["alerts"]?.contains("backup\(count) down") == true && s["program"] == "Morning Drive"
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
                    #expect(settled["fits"] == "true", "clock, station, ON AIR, program, progress, song, next, status inside \(width)x\(height): \(settled)")
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
}
