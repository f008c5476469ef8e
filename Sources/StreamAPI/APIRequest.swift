/// What a listener lets its clients do.
enum APIAccess: Sendable, Equatable {
    /// The Unix socket: every route.
    case full
    /// TCP: the `GET` routes and the screen page; `POST` routes answer 403.
    case readOnly
}

/// One route of the API, with what the request said about it.
enum APIEndpoint: Sendable, Equatable {
    case state(ifNoneMatch: String?)
    case stations
    case station(id: String)
    case now(station: String?)
    case next(station: String?)
    case history(station: String, stream: String)
    case events(lastEventID: UInt64?)
    case health
    case metrics
    case screen
    case refresh(station: String?)
    case reload
}

/// A request the router understood: the endpoint, whether it is a `HEAD` (headers only),
/// and the route's label for `streamd_api_requests_total`.
struct RoutedRequest: Sendable, Equatable {
    var endpoint: APIEndpoint
    var headOnly: Bool
    var label: String
}

/// The target of a request split into a percent-decoded path and query items.
struct RequestTarget: Sendable, Equatable {
    var path: String
    var query: [String: String]

    /// Splits `uri`; nil when it is not an origin-form target or not valid percent-encoding.
    init?(_ uri: String) {
        guard uri.hasPrefix("/") else { return nil }
        let mark = uri.firstIndex(of: "?")
        guard let path = RequestTarget.percentDecode(uri[..<(mark ?? uri.endIndex)], plusIsSpace: false) else { return nil }
        var query: [String: String] = [:]
        if let mark {
            for item in uri[uri.index(after: mark)...].split(separator: "&") where !item.isEmpty {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = RequestTarget.percentDecode(pair[0], plusIsSpace: true),
                      let value = RequestTarget.percentDecode(pair.count == 2 ? pair[1] : "", plusIsSpace: true)
                else { return nil }
                if query[name] == nil { query[name] = value }
            }
        }
        self.path = path
        self.query = query
    }

    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        // Most targets have nothing to decode (`/v1/now`): then the text is the answer.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
