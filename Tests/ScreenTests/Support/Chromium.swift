import Foundation
import StreamTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Debian's headless Chromium driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: we write NUL-terminated JSON to its fd 3 and read its answers
/// from its fd 4). One page stays loaded for the whole test, so the test sees the page follow
/// the event stream and reconnect by itself, as a kiosk would.
final class Chromium: @unchecked Sendable {
    private let process: ChildProcess
    var pid: pid_t { process.pid }
    private let toChrome: Int32
    private let fromChrome: Int32
    private let profile: URL
    private let condition = NSCondition()
    private var responses: [Int: [String: Any]] = [:]
    private var nextID = 1
    private var ended = false

    static var executable: String {
        get throws { try requireTool("chromium", package: "chromium") }
    }

    /// Starts the browser (no window, its own throw-away profile).
    static func launch() async throws -> Chromium {
        let executable = try executable
        return try await onOwnThread("chromium launch") { try Chromium(executable: executable) }
    }

    private init(executable: String) throws {
        profile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("streamd-chromium-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        var toPipe: [Int32] = [0, 0], fromPipe: [Int32] = [0, 0]
        guard pipe(&toPipe) == 0, pipe(&fromPipe) == 0 else { throw TestFailure("pipe: errno \(errno)") }
        // Ours only: the child gets its ends as fds 3 and 4 (dup2 clears close-on-exec there).
        for fd in toPipe + fromPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        do {
            process = try ChildProcess.start(executable, Self.arguments(profile: profile.path), name: "chromium",
                                             extraEnvironment: ["LANG": "C.UTF-8"],
                                             descriptors: [(toPipe[0], 3), (fromPipe[1], 4)], newGroup: true)
        } catch {
            toPipe.forEach { Glibc.close($0) }
            fromPipe.forEach { Glibc.close($0) }
            throw error
        }
        Glibc.close(toPipe[0])
        Glibc.close(fromPipe[1])
        toChrome = toPipe[1]
        fromChrome = fromPipe[0]
        let reader = Thread { [self] in readLoop() }
        reader.name = "chromium devtools reader"
        reader.start()
    }

    static func arguments(profile: String) -> [String] {
        ["--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--user-data-dir=\(profile)",
         "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio", "--disable-extensions",
         "--disable-background-networking", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1920,1080",
         "about:blank"]
    }

    private func readLoop() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fromChrome, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending += buffer[0..<count]
            while let end = pending.firstIndex(of: 0) {
                let message = Data(pending[..<end])
                pending.removeSubrange(...end)
                guard let object = (try? JSONSerialization.jsonObject(with: message)) as? [String: Any],
                      let id = object["id"] as? Int else { continue }
                condition.withLock {
                    responses[id] = object
                    condition.broadcast()
                }
            }
        }
        Glibc.close(fromChrome)
        condition.withLock {
            ended = true
            condition.broadcast()
        }
    }

    /// One DevTools call; blocks (call it through ``call(_:_:session:timeout:)``).
    private func blockingCall(_ method: String, _ params: [String: Any], session: String?, timeout: TimeInterval) throws -> [String: Any] {
        let id = condition.withLock { () -> Int in defer { nextID += 1 }; return nextID }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message)) + [0]
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(toChrome, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw TestFailure("chromium is gone (writing \(method)): errno \(errno)\n\(log)") }
            offset += written
        }
        let deadline = Date().addingTimeInterval(timeout)
        let answer: [String: Any]? = condition.withLock {
            while responses[id] == nil && !ended && Date() < deadline { _ = condition.wait(until: deadline) }
            return responses.removeValue(forKey: id)
        }
        guard let answer else { throw TestFailure("chromium did not answer \(method) within \(timeout) s\n\(log)") }
        if let error = answer["error"] { throw TestFailure("chromium: \(method) failed: \(error)") }
        return answer["result"] as? [String: Any] ?? [:]
    }

    /// One DevTools call, waited for off the concurrency pool.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: TimeInterval = 20) async throws -> [String: Any] {
        let box = ParamsBox(params)
        return try await onOwnThread("devtools \(method)") { [self] in
            ResultBox(try blockingCall(method, box.value, session: session, timeout: timeout))
        }.value
    }

    /// A new tab showing `url` in a `width`x`height` viewport.
    func open(_ url: String, width: Int = 1920, height: Int = 1080) async throws -> ChromiumPage {
        let target = try await call("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw TestFailure("no targetId in \(target)") }
        let attached = try await call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw TestFailure("no sessionId in \(attached)") }
        let page = ChromiumPage(browser: self, session: session)
        try await page.resize(width: width, height: height)
        try await call("Page.navigate", ["url": url], session: session)
        return page
    }

    /// The browser's log (for failure messages).
    var log: String {
        process.output(lastBytes: 2000)
    }

    /// Closes the browser; kills its process group if it does not exit; removes the profile.
    func close() async {
        _ = try? await call("Browser.close", timeout: 5)
        if await process.waitForExit(timeout: .seconds(5)) == nil {
            kill(-pid, SIGKILL)
            await process.waitForExit(timeout: .seconds(5))
        }
        kill(-pid, SIGKILL)  // any helper left in its group
        Glibc.close(toChrome)
        process.removeOutput()
        try? FileManager.default.removeItem(at: profile)
    }

    /// Runs `body` with a browser and closes it afterwards, also on failure.
    static func with<T: Sendable>(_ body: (Chromium) async throws -> T) async throws -> T {
        let browser = try await launch()
        do {
            let result = try await body(browser)
            await browser.close()
            return result
        } catch {
            await browser.close()
            throw error
        }
    }

    private struct ParamsBox: @unchecked Sendable {
        let value: [String: Any]
        init(_ value: [String: Any]) { self.value = value }
    }

    private struct ResultBox: @unchecked Sendable {
        let value: [String: Any]
        init(_ value: [String: Any]) { self.value = value }
    }
}

/// One tab.
struct ChromiumPage: Sendable {
    let browser: Chromium
    let session: String

    func resize(width: Int, height: Int, mobile: Bool = false) async throws {
        try await browser.call("Emulation.setDeviceMetricsOverride",
                               ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile], session: session)
    }

    /// Evaluates `expression` in the page; its value as JSON text (`JSON.stringify`).
    func evaluateJSON(_ expression: String) async throws -> String? {
        let result = try await browser.call("Runtime.evaluate",
                                            ["expression": "JSON.stringify((() => { return \(expression); })())",
                                             "returnByValue": true], session: session)
        if let exception = result["exceptionDetails"] { throw TestFailure("page script failed: \(exception)") }
        return (result["result"] as? [String: Any])?["value"] as? String
    }

    /// The text of each element id, and a few layout facts, read in the page.
    func read() async throws -> [String: String] {
        let json = try await evaluateJSON("""
            (() => {
              const out = {};
              for (const id of ["station", "tagline", "onair", "clock", "date", "program", "hosts", "elapsed", "remaining",
                                "banner", "song", "next", "others", "alerts", "uptime", "status", "meta"]) {
                const e = document.getElementById(id);
                out[id] = e ? e.textContent : "(missing)";
              }
              const fill = document.querySelector("#progress .fill");
              out.progress = fill ? fill.style.width : "(missing)";
              const main = document.getElementById("screen");
              out.phase = main ? main.className : "(missing)";
              out.url = location.href;
              out.fits = String(document.documentElement.scrollWidth <= innerWidth
                && [...document.querySelectorAll("#station, #onair, #clock, #program, #progress, #song, #next, #uptime, #status")]
                     .every((e) => { const r = e.getBoundingClientRect(); return r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1; }));
              return out;
            })()
            """)
        guard let json, let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String] else {
            throw TestFailure("could not read the page: \(json ?? "nil")")
        }
        return object
    }

    /// A PNG of the viewport, written to `file`.
    func screenshot(_ file: URL) async throws {
        let result = try await browser.call("Page.captureScreenshot", ["format": "png"], session: session)
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw TestFailure("no screenshot data")
        }
        try data.write(to: file)
    }

    /// Waits until the page's state satisfies `condition`; the failure shows the last state.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(15), _ condition: @escaping ([String: String]) -> Bool) async throws -> [String: String] {
        var last: [String: String] = [:]
        return try await eventually("the page to show \(what)", timeout: timeout,
                                    detail: { last.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)" }.joined(separator: "\n") }) {
            do {
                last = try await read()
            } catch {
                last = ["error": "\(error)"]  // e.g. still loading: try again
                return nil
            }
            return condition(last) ? last : nil
        }
    }
}

/// Width and height from a PNG's IHDR.
func pngSize(_ file: URL) -> (width: Int, height: Int)? {
    guard let data = try? Data(contentsOf: file), data.count > 24, data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
    func be32(_ offset: Int) -> Int { data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}
