/// One line of a response head as libcurl hands it over (with its line ending), read from
/// the bytes: a pure parser, no I/O.
///
/// Header text is UTF-8 when it validates, else Latin-1 (each byte one character): servers
/// send `icy-name` in either. Only the parts kept become strings: the status line, or a
/// field's name and value with spaces and tabs trimmed.
enum HTTPHeaderLine: Equatable {
    /// `HTTP/1.1 200 OK` or `ICY 200 OK`: a new head starts (after a redirect or a 100).
    case status(String)
    /// The empty line that ends a head.
    case end
    /// A line starting with a space or tab: obsolete folding, continuing the previous value.
    case continuation(String)
    /// `name: value`.
    case field(name: String, value: String)
    /// Anything else (no colon): ignored.
    case other

    /// Reads one line.
    static func parse(_ raw: UnsafeRawBufferPointer) -> HTTPHeaderLine {
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\n") || raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if end == 0 { return .end }
        let line = UnsafeRawBufferPointer(rebasing: raw[0..<end])
        if line.starts(with: "HTTP/".utf8) || line.starts(with: "ICY ".utf8) { return .status(text(line)) }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") { return .continuation(trimmedText(line)) }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .other }
        return .field(name: trimmedText(UnsafeRawBufferPointer(rebasing: line[..<colon])),
                      value: trimmedText(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])))
    }

    /// `bytes` without leading and trailing spaces and tabs, as text.
    static func trimmedText(_ bytes: UnsafeRawBufferPointer) -> String {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }),
              let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return text(UnsafeRawBufferPointer(rebasing: bytes[first...last]))
    }

    /// `bytes` as UTF-8 when they validate, else as Latin-1.
    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
