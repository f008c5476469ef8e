import Foundation
import StreamTestSupport

/// A now-playing source kind as the source fault matrix serves it: where its answers live under
/// a station's path prefix, and a good answer for each.
struct SourceKindRig: Sendable, CustomStringConvertible {
    /// The `kind` key.
    let kind: String
    /// The configured `url`'s path after the station prefix.
    let urlPath: String
    /// The path each poll fetches (the fault's target), after the prefix.
    let pollPath: String
    /// More keys for the `[[station.source]]` table.
    let keys: String
    /// The poll's content type.
    let contentType: String
    /// Good answers, path after the prefix → route (the poll path first).
    let routes: @Sendable () throws -> [(String, LoopbackRoute)]

    var description: String { kind }

    static let all: [SourceKindRig] = [
        SourceKindRig(kind: "icecast", urlPath: "/status-json.xsl", pollPath: "/status-json.xsl", keys: "",
                      contentType: "application/json") {
            [("/status-json.xsl", .ok(#"{"icestats":{"server_id":"Icecast 2.4.4","source":{"listenurl":"http://127.0.0.1:8000/live.mp3","server_name":"Fault FM","title":"Ice Artist - Ice Song"}}}"#,
                                     contentType: "application/json"))]
        },
        SourceKindRig(kind: "shoutcast", urlPath: "/stats", pollPath: "/stats", keys: "", contentType: "application/json") {
            [("/stats", .ok(try Fixture.text("shoutcast/stats_json_dnas_2.6.1_real_smb_star_radio.json"), contentType: "application/json"))]
        },
        SourceKindRig(kind: "triton", urlPath: "/triton", pollPath: "/triton", keys: "", contentType: "text/xml") {
            [("/triton", .ok(try Fixture.text("triton/triton_nowplaying_WBOSFMAAC_1item.xml"), contentType: "text/xml"))]
        },
        SourceKindRig(kind: "composer", urlPath: "/now", pollPath: "/now", keys: "", contentType: "application/json") {
            [("/now", .ok(#"{"onNow":{"program":{"name":"Fault Hour","hosts":[]},"start_time":"00:00","end_time":"23:59","song":{"trackName":"Fault Track","artistName":"Fault Artist","composerName":"Fault Composer"}},"nextUp":[]}"#,
                          contentType: "application/json")),
             ("/day", .ok(#"{"onToday":[]}"#, contentType: "application/json"))]
        },
        SourceKindRig(kind: "cadence", urlPath: "/widget", pollPath: "/widget", keys: "", contentType: "application/json") {
            [("/widget", .ok(try Fixture.text("cadence/synthetic_widget_now.json"), contentType: "application/json")),
             ("/widget/day", .ok(try Fixture.text("cadence/synthetic_day.json"), contentType: "application/json"))]
        },
        SourceKindRig(kind: "azuracast", urlPath: "/api/nowplaying/fault", pollPath: "/api/nowplaying/fault", keys: "",
                      contentType: "application/json") {
            [("/api/nowplaying/fault", .ok(try azuraCastPlayingNow(), contentType: "application/json"))]
        },
        SourceKindRig(kind: "spinitron", urlPath: "/spin", pollPath: "/spin/spins", keys: "token = \"fault-matrix-key\"",
                      contentType: "application/json") {
            [("/spin/spins", .ok(try Fixture.text("spinitron/synthetic_spins.json"), contentType: "application/json")),
             ("/spin/playlists", .ok(try Fixture.text("spinitron/synthetic_playlists.json"), contentType: "application/json"))]
        },
    ]

    /// The source polls every second with a 1 s time limit: the 30 s answer is a timeout after
    /// 1 s, and a source is stale after 3 s without a good answer.
    static let interval = 1.0
    static let timeout = 1.0
    /// The control's limit: 5 s, so that a machine loaded by parallel tests and builds (which
    /// can delay this test's loopback server by over a second) does not fail the control, while a
    /// daemon disturbed by the faults (a blocked engine, a crash) still would.
    static let controlTimeout = 5.0

    /// Documented: failures back off to at most 8 intervals, with ±20 % jitter
    /// (`SourcePoller`, docs/watching.md); then one poll, at most the time limit. 1.5 s more for
    /// the state's re-merge and this test's polling.
    static var recoveryBound: Duration {
        let seconds: Double = 8 * interval * 1.2 + timeout + 1.5
        return Duration.seconds(seconds)
    }

    /// The cases of this kind's matrix (every fault but the stream-only format change).
    func cases(server: LoopbackServer, refusedPort: Int) throws -> [FaultCase] {
        let good = try routes()[0].1
        var cases: [FaultCase] = []
        for fault in Fault.allCases where fault != .formatChange {
            let prefix = "/" + fault.rawValue
            let poll = prefix + pollPath
            var url = server.url(prefix + urlPath)
            var faultRoutes: [(String, LoopbackRoute)] = []
            var kinds: Set<String>
            switch fault {
            case .refused: url = "http://127.0.0.1:\(refusedPort)\(prefix + urlPath)"; kinds = ["connect"]
            case .dns: url = "http://streamd-fault-matrix.invalid\(prefix + urlPath)"; kinds = ["dns"]
            case .tls: url = server.httpsURL(prefix + urlPath); kinds = ["tls"]
            case .slow: faultRoutes = [(poll, .answerAfter(.seconds(30), good))]; kinds = ["timeout"]
            case .silence: faultRoutes = [(poll, .headersThenSilence(contentType: contentType))]; kinds = ["timeout"]
            case .cut: faultRoutes = [(poll, .cutShort(good))]; kinds = ["protocol"]
            case .error500: faultRoutes = [(poll, .status(500, "Internal Server Error"))]; kinds = ["http"]
            case .garbage: faultRoutes = [(poll, .garbage())]; kinds = ["parse"]
            case .huge: faultRoutes = [(poll, .huge(contentType: contentType))]; kinds = ["too-large"]
            case .redirectLoop: faultRoutes = [(poll, .redirectLoop(at: poll))]; kinds = ["redirects"]
            case .formatChange: kinds = []
            }
            let bound = Self.recoveryBound
            var recovery: (@Sendable ([String: Any]) -> Duration)?
            if fault != .dns && fault != .tls { recovery = { @Sendable _ in bound } }
            cases.append(FaultCase(fault: fault, url: url, faultRoutes: faultRoutes, status: ["error", "stale"], kinds: kinds,
                                   recoveryBound: recovery))
        }
        return cases
    }

    /// Installs good answers for the stations named (the refusing port's server gets them too).
    func installer() throws -> @Sendable (LoopbackServer, [String]) -> Void {
        let routes = try routes()
        return { server, stations in
            for id in stations { for (path, route) in routes { server.route("/" + id + path, route) } }
        }
    }

    /// AzuraCast's documented example with its song started now and lasting an hour (its own
    /// `played_at` is from 2021: that song is long over and shows nothing).
    static func azuraCastPlayingNow() throws -> String {
        let data = Data(try Fixture.text("azuracast/nowplaying_station.openapi-example.json").utf8)
        guard var root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              var playing = root["now_playing"] as? [String: Any] else { throw TestFailure("the AzuraCast example has no now_playing") }
        playing["played_at"] = Int(Date().timeIntervalSince1970)
        playing["duration"] = 3600
        root["now_playing"] = playing
        return String(decoding: try JSONSerialization.data(withJSONObject: root), as: UTF8.self)
    }

    /// An audio stream without ICY metadata (80 kB/s of filler): each station's stream, probed
    /// once an hour (up after 32 KiB), so that the song and program come from the source alone.
    static let quietStream = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/mpeg"), ("icy-name", "Quiet")],
                                           body: .generated { _ in [UInt8](repeating: 0xAA, count: 4000) })

    /// The configuration: a control station and one station per case, each with the quiet
    /// stream and one source of this kind.
    func config(_ sandbox: DaemonSandbox, server: LoopbackServer, cases: [FaultCase]) -> String {
        var text = FaultMatrixRun.daemonTable(sandbox)
        let stations = [(FaultMatrixRun.controlID, server.url("/" + FaultMatrixRun.controlID + urlPath))] + cases.map { ($0.id, $0.url) }
        for (id, url) in stations {
            text += FaultMatrixRun.stationTable(id) + FaultMatrixRun.quietProbeStream(server)
            text += """
                  [[station.source]]
                  kind = "\(kind)"
                  url = "\(url)"
                  interval = "\(Int(Self.interval))s"
                  timeout = "\(id == FaultMatrixRun.controlID ? Int(Self.controlTimeout) : Int(Self.timeout))s"
                  \(keys)

                """
        }
        return text
    }
}
