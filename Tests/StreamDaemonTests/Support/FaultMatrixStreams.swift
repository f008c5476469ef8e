import Foundation
import StreamTestSupport

/// A stream kind as the stream fault matrix serves it: an ICY stream followed, or an HLS
/// playlist polled. Streams have fixed time constants (`MonitorTuning`, the HLS watcher's):
/// the daemon has no key to shorten them, so these cases wait for them.
struct StreamKindRig: Sendable, CustomStringConvertible {
    /// `icy` or `hls`.
    let kind: String

    var description: String { kind }

    static let all = [StreamKindRig(kind: "icy"), StreamKindRig(kind: "hls")]

    /// The title every good stream carries.
    static let title = "Fault Artist - Fault Song"

    var path: String { kind == "icy" ? "/live" : "/live.m3u8" }

    /// A good answer on `path` (an endless ICY stream, or a live playlist whose media sequence
    /// moves on every second).
    func install(_ server: LoopbackServer, path: String) {
        if kind == "icy" {
            server.route(path, .icyStream(metaint: 1000, bytesPerSecond: 16000, extraHeaders: [("icy-name", "Fault FM"), ("icy-br", "128")]))
            server.setTitle(Self.title, for: path)
        } else {
            server.route(path) { _ in
                let sequence = Int(Date().timeIntervalSince1970)
                var text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:\(sequence)\n"
                for i in 0..<3 { text += "#EXTINF:1.0,\(Self.title)\nseg\(sequence + i).aac\n" }
                return .ok(text, contentType: "application/vnd.apple.mpegurl")
            }
        }
    }

    /// Installs good answers for the stations named.
    func installer() -> @Sendable (LoopbackServer, [String]) -> Void {
        { [self] server, stations in for id in stations { install(server, path: "/" + id + path) } }
    }

    /// A followed ICY stream reconnects after 1 s, 2 s, 4 s … up to 60 s, ±20 %
    /// (docs/watching.md): after n failures in a row the wait is 2^(n-1) s. At the recovery n is
    /// at most `reconnects` (the connections since the stream was last up) + 2: the good
    /// connection the fault's switch ended, and a connection under way when the server turns
    /// good again. Then it is up after 3 s of audio past the half-second burst. `attempt`: how
    /// long that connection may still take to fail (the 8 s low-speed window for a server that
    /// never answers). 1.5 s more for the state and this test's polling.
    static func icyBound(attempt: Double) -> @Sendable ([String: Any]) -> Duration {
        { station in
            let reconnects = ((station["streams"] as? [[String: Any]])?.first?["reconnects"] as? NSNumber)?.intValue ?? 0
            let wait = min(pow(2, Double(reconnects + 1)), 60) * 1.2
            return .seconds(attempt + wait + 3.5 + 1.5)
        }
    }

    /// The HLS watcher polls again 10 s after an error (no backoff; `HLSWatcher.poll`); a
    /// playlist fetch may take up to its 10 s limit (`attempt`, when one is under way against a
    /// server that does not answer). Up at the first good playlist; 1.5 s for the polling.
    static func hlsBound(attempt: Double) -> @Sendable ([String: Any]) -> Duration {
        { _ in .seconds(attempt + 10 + 1 + 1.5) }
    }

    /// The cases: every fault.
    func cases(server: LoopbackServer, refusedPort: Int) -> [FaultCase] {
        var cases: [FaultCase] = []
        for fault in Fault.allCases {
            let full = "/" + fault.rawValue + path
            var url = server.url(full)
            var routes: [(String, LoopbackRoute)] = []
            var status: Set<String> = ["down"]
            var kinds: Set<String>
            var attempt = 1.0
            let icyGood = LoopbackRoute.icyStream(metaint: 1000, extraHeaders: [("icy-name", "Fault FM"), ("icy-br", "128")])
            let hls = kind == "hls"
            switch fault {
            case .refused: url = "http://127.0.0.1:\(refusedPort)\(full)"; kinds = ["connect"]
            case .dns: url = "http://streamd-fault-matrix.invalid\(full)"; kinds = ["dns"]
            case .tls: url = server.httpsURL(full); kinds = ["tls"]
            case .slow:
                let good: LoopbackRoute = hls ? .ok("#EXTM3U\n", contentType: "application/vnd.apple.mpegurl") : icyGood
                routes = [(full, .answerAfter(.seconds(30), good))]
                kinds = ["timeout"]
                attempt = hls ? 10 : 8
            case .silence:
                routes = [(full, .headersThenSilence(contentType: hls ? "application/vnd.apple.mpegurl" : "audio/mpeg",
                                                     headers: hls ? [("Content-Length", "1000")] : [("icy-metaint", "1000")]))]
                status = hls ? ["down"] : ["stalled", "down"]
                kinds = hls ? ["timeout"] : ["stalled", "timeout"]
                attempt = hls ? 10 : 8
            case .cut:
                routes = [(full, hls ? .cutShort(.ok(String(repeating: "#EXTINF:1.0,x\nseg.aac\n", count: 50), contentType: "application/vnd.apple.mpegurl"))
                                     : .cutShort(icyGood, after: 20000))]
                kinds = hls ? ["protocol"] : ["eof", "protocol"]
            case .error500: routes = [(full, .status(500, "Internal Server Error"))]; kinds = ["http"]
            case .garbage: routes = [(full, .garbage())]; kinds = hls ? ["parse"] : ["not-audio"]
            case .huge:
                // A stream has no size: 100 MB of audio is audio, read and counted, never kept (the
                // peak memory check), so the stream is up on it, its last title kept. At 10 MB/s
                // (10 s), so that reading it at full speed does not load the machine the other
                // tests share.
                routes = [(full, hls ? .huge(contentType: "application/vnd.apple.mpegurl")
                                     : .huge(contentType: "audio/mpeg", filler: 0xAA, every: .microseconds(26_214)))]
                status = hls ? ["down"] : ["up"]
                kinds = hls ? ["too-large"] : ["none"]
                attempt = hls ? 1 : 10
            case .redirectLoop: routes = [(full, .redirectLoop(at: full))]; kinds = ["redirects"]
            case .formatChange:
                if hls {
                    // The playlist's URL answers with an endless MP3 stream instead.
                    routes = [(full, icyGood)]
                    kinds = ["timeout", "too-large", "parse"]
                    attempt = 10
                } else {
                    // The relay drops its ICY metadata mid-stream; the demuxer loses the interval.
                    routes = [(full, .icyLosingMetadata(after: 20000, name: "Fault FM"))]
                    status = ["degraded"]
                    kinds = ["metadata"]
                }
            }
            let bound: @Sendable ([String: Any]) -> Duration = hls ? Self.hlsBound(attempt: attempt) : Self.icyBound(attempt: attempt)
            var recovery: (@Sendable ([String: Any]) -> Duration)?
            if fault != .dns && fault != .tls { recovery = bound }
            cases.append(FaultCase(fault: fault, url: url, faultRoutes: routes, status: status, kinds: kinds, recoveryBound: recovery))
        }
        return cases
    }

    /// The configuration: a control station and one station per case, each with one followed
    /// stream and no sources.
    func config(_ sandbox: DaemonSandbox, server: LoopbackServer, cases: [FaultCase]) -> String {
        var text = FaultMatrixRun.daemonTable(sandbox)
        let stations = [(FaultMatrixRun.controlID, server.url("/" + FaultMatrixRun.controlID + path))] + cases.map { ($0.id, $0.url) }
        for (id, url) in stations {
            text += FaultMatrixRun.stationTable(id)
            text += """
                  [[station.stream]]
                  id = "main"
                  url = "\(url)"
                  mode = "follow"
                  format = "\(kind == "hls" ? "hls" : "auto")"

                """
        }
        return text
    }
}
