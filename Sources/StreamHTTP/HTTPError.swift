import CCurl

/// Why a transfer failed: a kind to act on, curl's own words, and where.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure. Raw values are the `error.kind` strings of the state document.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The URL is malformed or uses a scheme streamd does not fetch.
        case url
        /// The host name did not resolve.
        case dns
        /// The connection was refused or could not be made.
        case connect
        /// The connect or total time limit ran out.
        case timeout
        /// Bytes stopped arriving, or came slower than the low-speed limit.
        case stalled
        /// TLS handshake or certificate verification failed.
        case tls
        /// The server answered with an error status (see `httpStatus`).
        case http
        /// The body was larger than the request's cap; the transfer was stopped.
        case tooLarge = "too-large"
        /// Too many redirects, or a redirect loop.
        case redirects
        /// The server broke the protocol or closed the connection mid-body.
        case `protocol`
        /// A `file://` URL could not be read.
        case file
        /// The caller cancelled the transfer (or the engine shut down).
        case cancelled
        /// Any other libcurl failure.
        case other
    }

    /// The class of failure.
    public var kind: Kind
    /// What happened, in curl's words where curl said something.
    public var message: String
    /// The URL being fetched.
    public var url: String
    /// The HTTP status, for `http` errors.
    public var httpStatus: Int?
    /// libcurl's `CURLcode`, when the error came from libcurl.
    public var curlCode: Int?

    /// Creates an error.
    public init(kind: Kind, message: String, url: String, httpStatus: Int? = nil, curlCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.url = url
        self.httpStatus = httpStatus
        self.curlCode = curlCode
    }

    /// `kind: message (url)`.
    public var description: String { "\(kind.rawValue): \(message) (\(url))" }
}

extension HTTPError.Kind {
    /// The kind for a libcurl result code. `CURLE_OPERATION_TIMEDOUT` means either a
    /// time limit or the low-speed limit; curl's message tells which, so `stalledHint`
    /// carries whether the message said "too slow".
    init(curlCode code: CURLcode, stalledHint: Bool) {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            self = .url
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .dns
        case CURLE_COULDNT_CONNECT:
            self = .connect
        case CURLE_OPERATION_TIMEDOUT:
            self = stalledHint ? .stalled : .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            self = .tls
        case CURLE_FILESIZE_EXCEEDED:
            self = .tooLarge
        case CURLE_TOO_MANY_REDIRECTS:
            self = .redirects
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
             CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_BAD_CONTENT_ENCODING,
             CURLE_HTTP3:
            self = .protocol
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR:
            self = .file
        case CURLE_ABORTED_BY_CALLBACK:
            self = .cancelled
        default:
            self = .other
        }
    }
}
