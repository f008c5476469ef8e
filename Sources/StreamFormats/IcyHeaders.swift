/// What a stream's HTTP response headers say about it: ICY metadata interval, station
/// name and the like, content type and whether the body is Ogg.
///
/// Names are matched case-insensitively; values are trimmed of spaces and tabs (servers
/// send both `icy-metaint:16000` and `icy-metaint: 16000`). With repeated headers the
/// first wins. Empty values count as absent. `icy-br` is optional; it may read `128` or
/// `128,128` (the first number is taken); without it, `ice-audio-info`'s `bitrate=` is used.
public struct IcyHeaders: Sendable, Equatable {
    /// The metadata interval, when `icy-metaint` is present and valid (see `IcyDemuxer`).
    public var metaint: Int?
    /// Why a present `icy-metaint` was rejected (not a number, zero, too large).
    public var metaintError: ParseError?
    /// `icy-name`.
    public var name: String?
    /// `icy-genre`.
    public var genre: String?
    /// `icy-description`.
    public var description: String?
    /// `icy-url`.
    public var url: String?
    /// Nominal bitrate in kbit/s, from `icy-br` or `ice-audio-info`.
    public var bitrate: Int?
    /// The media type from `Content-Type`, lower-cased, parameters dropped (`audio/mpeg`).
    public var contentType: String?

    /// Whether the body is an Ogg container (`application/ogg`, `audio/ogg`, ...): track
    /// changes come from Ogg comment headers, not ICY blocks.
    public var isOgg: Bool {
        guard let contentType else { return false }
        return Self.oggTypes.contains(contentType)
    }

    /// Whether the body carries ICY metadata blocks (a valid `icy-metaint`).
    public var isIcy: Bool { metaint != nil }

    private static let oggTypes: Set<String> = [
        "application/ogg", "audio/ogg", "video/ogg", "application/x-ogg", "audio/x-ogg",
    ]

    /// Reads the headers from `(name, value)` pairs in the order received.
    public init(_ headers: [(name: String, value: String)]) {
        var first: [String: String] = [:]
        for (name, value) in headers {
            let key = name.trimmingSpacesAndTabs().lowercased()
            let trimmed = value.trimmingSpacesAndTabs()
            if first[key] == nil, !trimmed.isEmpty { first[key] = trimmed }
        }
        name = first["icy-name"]
        genre = first["icy-genre"]
        description = first["icy-description"]
        url = first["icy-url"]
        bitrate = first["icy-br"].flatMap(Self.leadingNumber)
            ?? first["ice-audio-info"].flatMap(Self.audioInfoBitrate)
        contentType = first["content-type"].map {
            ($0.split(separator: ";").first.map(String.init) ?? $0).trimmingSpacesAndTabs().lowercased()
        }
        if let raw = first["icy-metaint"] {
            do throws(ParseError) {
                guard let value = Int(raw) else {
                    throw ParseError(format: "icy", location: "icy-metaint",
                                     message: "\"\(raw)\" is not a number")
                }
                metaint = try IcyDemuxer(metaint: value).metaint
            } catch {
                metaintError = error
            }
        }
    }

    /// Reads a raw header block (status line, `Name: value` lines, CRLF or LF, optional
    /// blank line). Each line is decoded with `TextDecoding` (UTF-8, else Latin-1), since
    /// `icy-name` is often not UTF-8. Returns the status line (`ICY 200 OK`,
    /// `HTTP/1.0 200 OK`) if the block starts with one.
    public static func parse(rawHeaderBlock bytes: [UInt8]) -> (status: String?, headers: IcyHeaders) {
        var status: String?
        var pairs: [(name: String, value: String)] = []
        for (number, lineBytes) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = TextDecoding.decode(lineBytes.last == UInt8(ascii: "\r") ? lineBytes.dropLast() : lineBytes)
            if line.isEmpty { if pairs.isEmpty && status == nil { continue } else { break } }
            if let colon = line.firstIndex(of: ":"), !line[..<colon].contains(" ") {
                pairs.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            } else if number == 0 {
                status = line
            }
        }
        return (status, IcyHeaders(pairs))
    }

    /// `128` from `128`, `128,128` or `128 kbps`; nil when there is no positive number.
    private static func leadingNumber(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard let value = Int(digits), value > 0 else { return nil }
        return value
    }

    /// `128` from `channels=2;samplerate=44100;bitrate=128`.
    private static func audioInfoBitrate(_ text: String) -> Int? {
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpacesAndTabs().lowercased() == "bitrate" ||
                pair[0].trimmingSpacesAndTabs().lowercased() == "ice-bitrate" {
                return leadingNumber(pair[1].trimmingSpacesAndTabs())
            }
        }
        return nil
    }
}
