import CCurl
import Synchronization
import NIOConcurrencyHelpers

/// One libcurl easy handle and what it has received so far.
///
/// Everything but the delivery gate is touched only on the engine thread: it is configured,
/// fed by libcurl's callbacks and finished there (debug builds assert it). That is the
/// invariant behind `@unchecked Sendable`.
///
/// The gate makes cancelling exact: ``closeDelivery()`` (any thread) waits for a head or body
/// callback in progress to return, and after it no head or body reaches the handler; the
/// completion (as cancelled) still comes, exactly once.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    let handler: any HTTPBodyHandler
    private let thread: EngineThread
    private let onComplete: @Sendable (Result<HTTPTransferSummary, HTTPError>) -> Void
    /// Open until a cancel; held while the handler runs.
    private let gate = NIOLockedValueBox(true)
    private let cancelFlag = Atomic<Bool>(false)

    private(set) var easy: UnsafeMutableRawPointer?
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var statusLine = ""
    private var headers = HTTPHeaders()
    private var headDelivered = false
    private var bodyBytes = 0
    /// When the last body bytes arrived (nil before the first): the idle limit's reference.
    private(set) var lastArrival: ContinuousClock.Instant?
    /// Why a callback stopped the transfer, when one did.
    private var abortKind: HTTPError.Kind?
    private var finished = false

    init(request: HTTPRequest, handler: any HTTPBodyHandler, thread: EngineThread,
         onComplete: @escaping @Sendable (Result<HTTPTransferSummary, HTTPError>) -> Void) {
        self.request = request
        self.handler = handler
        self.thread = thread
        self.onComplete = onComplete
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// Set from any thread by a cancel; read by the callbacks and the engine.
    var cancelRequested: Bool { cancelFlag.load(ordering: .acquiring) }

    /// Closes the gate: once this returns, the handler sees no more head or body. Called on
    /// the engine thread (from inside a callback) it only sets the flag, which the next
    /// callback obeys.
    func closeDelivery() {
        cancelFlag.store(true, ordering: .releasing)
        if !thread.isInside { gate.withLockedValue { $0 = false } }
    }

    /// Runs `deliver` with the gate open, or returns false when it is closed.
    private func throughGate(_ deliver: () -> Bool) -> Bool {
        gate.withLockedValue { open in
            guard open, !cancelFlag.load(ordering: .acquiring) else { return false }
            return deliver()
        }
    }

    // MARK: - Set-up (engine thread)

    /// Creates and configures the easy handle. On failure the transfer is already finished.
    func makeEasyHandle(userAgent: String) -> UnsafeMutableRawPointer? {
        thread.assertInside("configuring an easy handle")
        guard let easy = curl_easy_init() else {
            finish(HTTPError(kind: .other, message: "curl_easy_init failed", url: request.url))
            return nil
        }
        self.easy = easy
        let context = Unmanaged.passUnretained(self).toOpaque()
        let r = request
        var ok = true
        func set(_ code: CURLcode) { if code != CURLE_OK { ok = false } }

        set(ccurl_easy_setopt_string(easy, CURLOPT_URL, r.url))
        set(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https,file"))
        set(ccurl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        set(ccurl_easy_setopt_string(easy, CURLOPT_USERAGENT, userAgent))
        set(ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, r.connectTimeout.milliseconds))
        set(ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, r.totalTimeout?.milliseconds ?? 0))
        if let low = r.lowSpeed {
            set(ccurl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, max(1, low.bytesPerSecond)))
            set(ccurl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, (low.window.milliseconds + 999) / 1000)))
        }
        set(ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, r.maxRedirects > 0 ? 1 : 0))
        set(ccurl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, r.maxRedirects))
        if r.acceptCompressed {
            set(ccurl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        }
        if let cap = r.maxBodyBytes {
            set(ccurl_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(cap)))
        }
        set(ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, r.verifyTLS ? 1 : 0))
        set(ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, r.verifyTLS ? 2 : 0))
        set(ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        if let socket = r.unixSocketPath {
            set(ccurl_easy_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, socket))
        }
        if let body = r.body {
            // A POST: libcurl copies the bytes (the size first, so a zero byte is no end).
            set(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                set(ccurl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                set(body.withUnsafeBytes { ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress!)) })
            }
        }

        // SHOUTcast v1 answers "ICY 200 OK" instead of an HTTP status line.
        if let aliases = makeList(["ICY 200 OK"]) {
            set(ccurl_easy_setopt_slist(easy, CURLOPT_HTTP200ALIASES, aliases))
        }
        let headerLines = (r.headers + (r.validators?.requestHeaders ?? [])).map { "\($0.name): \($0.value)" }
        if !headerLines.isEmpty, let list = makeList(headerLines) {
            set(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list))
        }

        set(ccurl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        set(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        set(ccurl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        set(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))

        guard ok else {
            finish(HTTPError(kind: .url, message: "libcurl refused an option for this request", url: r.url))
            return nil
        }
        return easy
    }

    private func makeList(_ lines: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let next = curl_slist_append(list, line) else { continue }
            list = next
        }
        if let list { lists.append(list) }
        return list
    }

    // MARK: - Callbacks (engine thread, inside curl_multi_socket_action)

    /// One raw header line, CRLF included. A status line starts a new response (redirects,
    /// 1xx); the blank line ends a head, which is delivered unless curl will follow it.
    func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) -> Bool {
        thread.assertInside("a header callback")
        if cancelRequested { abortKind = .cancelled; return false }
        switch HTTPHeaderLine.parse(raw) {
        case .status(let line):
            statusLine = line
            headers = HTTPHeaders()
        case .end:
            let status = currentStatus()
            let redirected = (300..<400).contains(status) && headers["location"] != nil && request.maxRedirects > 0
            if !redirected && status >= 200 && !deliverHead() { abortKind = .cancelled; return false }
        case .continuation(let more):
            guard let last = headers.fields.last else { break }
            var fields = headers.fields
            fields[fields.count - 1].value = last.value + " " + more
            headers = HTTPHeaders(fields)
        case .field(let name, let value):
            headers.append(name: name, value: value)
        case .other:
            break
        }
        return true
    }

    /// Body bytes: checked against the cancel flag and the cap, then handed on in place.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        thread.assertInside("a body callback")
        if cancelRequested { abortKind = .cancelled; return false }
        if !headDelivered && !deliverHead() { abortKind = .cancelled; return false }
        bodyBytes += bytes.count
        if request.idleLimit != nil { lastArrival = .now }
        if let cap = request.maxBodyBytes, bodyBytes > cap {
            abortKind = .tooLarge
            return false
        }
        if !throughGate({ handler.transferDidReceive(bytes) }) {
            abortKind = .cancelled
            return false
        }
        return true
    }

    private func currentStatus() -> Int {
        var code = 0
        if let easy, ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK, code != 0 {
            return code
        }
        // Parse the status line ourselves (curl may not have stored it yet).
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        if parts.count >= 2, let parsed = Int(parts[1]) { return parsed }
        return request.url.lowercased().hasPrefix("file:") ? 200 : 0
    }

    /// Hands the head on once; false when the gate is closed (the transfer was cancelled).
    private func deliverHead() -> Bool {
        guard !headDelivered else { return true }
        headDelivered = true
        let head = HTTPResponseHead(status: currentStatus(), statusLine: statusLine, headers: headers)
        return throughGate {
            handler.transferDidReceiveHead(head)
            return true
        }
    }

    // MARK: - Completion (engine thread)

    /// Finishes after libcurl reported the transfer done with `code`.
    func finish(code: CURLcode) {
        thread.assertInside("finishing a transfer")
        if code == CURLE_OK {
            if !headDelivered && !deliverHead() {
                complete(.failure(HTTPError(kind: .cancelled, message: "transfer cancelled", url: request.url)))
                return
            }
            complete(.success(summary()))
            return
        }
        let curlMessage = errorMessage(code)
        // The low-speed limit before any answer is a server that never answered (a timeout);
        // after the head, a response that stopped flowing (stalled).
        let tooSlow = curlMessage.hasPrefix("Operation too slow")
        let kind = abortKind ?? HTTPError.Kind(curlCode: code, stalledHint: tooSlow && headDelivered)
        let message: String
        switch abortKind {
        case .tooLarge?: message = "body larger than \(request.maxBodyBytes ?? 0) bytes; transfer stopped"
        case .cancelled?: message = "transfer cancelled"
        default:
            message = tooSlow && !headDelivered
                ? "no answer: the server accepted the connection but sent nothing in \(request.lowSpeed.map { "\($0.window.components.seconds) s" } ?? "time")"
                : curlMessage
        }
        let status = currentStatus()
        complete(.failure(HTTPError(kind: kind, message: message, url: request.url,
                                    httpStatus: status > 0 && !request.url.hasPrefix("file:") ? status : nil,
                                    curlCode: Int(code.rawValue))))
    }

    /// Finishes with an error decided outside libcurl (a cancel, a shutdown, a bad option).
    func finish(_ error: HTTPError) {
        complete(.failure(error))
    }

    private func complete(_ result: Result<HTTPTransferSummary, HTTPError>) {
        guard !finished else { return }
        finished = true
        cleanup()
        onComplete(result)
    }

    private func errorMessage(_ code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer)
        if !buffered.isEmpty { return buffered }
        return String(cString: curl_easy_strerror(code))
    }

    private func summary() -> HTTPTransferSummary {
        guard let easy else { return HTTPTransferSummary(effectiveURL: request.url) }
        var url: UnsafeMutablePointer<CChar>?
        _ = ccurl_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &url)
        var ip: UnsafeMutablePointer<CChar>?
        _ = ccurl_easy_getinfo_string(easy, CURLINFO_PRIMARY_IP, &ip)
        var redirects = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_REDIRECT_COUNT, &redirects)
        func micros(_ info: CURLINFO) -> Duration {
            var value: curl_off_t = 0
            _ = ccurl_easy_getinfo_off_t(easy, info, &value)
            return .microseconds(value)
        }
        let timings = HTTPTimings(
            nameLookup: micros(CURLINFO_NAMELOOKUP_TIME_T),
            connect: micros(CURLINFO_CONNECT_TIME_T),
            tlsHandshake: micros(CURLINFO_APPCONNECT_TIME_T),
            firstByte: micros(CURLINFO_STARTTRANSFER_TIME_T),
            total: micros(CURLINFO_TOTAL_TIME_T))
        let address = ip.map { String(cString: $0) }
        return HTTPTransferSummary(
            effectiveURL: url.map { String(cString: $0) } ?? request.url,
            redirectCount: redirects,
            bodyBytes: bodyBytes,
            timings: timings,
            remoteAddress: address?.isEmpty == false ? address : nil)
    }

    /// Frees the easy handle and the header lists. The engine has removed the handle from
    /// the multi handle before this runs.
    private func cleanup() {
        if let easy {
            thread.assertInside("freeing an easy handle")
            curl_easy_cleanup(easy)
        }
        easy = nil
        for list in lists { curl_slist_free_all(list) }
        lists.removeAll()
    }
}

// libcurl's C callbacks: no captures, the transfer comes back through the user-data pointer.

private let curlWriteCallback: curl_write_callback = { pointer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.receiveBody(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
}

private let curlHeaderCallback: curl_write_callback = { pointer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
}

extension Duration {
    /// Whole milliseconds, rounded down, as libcurl's `long`.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// Whole milliseconds, rounded up (0 for none or less), as a wait's timeout: a deadline
    /// waited for this long has come when the wait ends.
    var millisecondsRoundedUp: Int32 {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
