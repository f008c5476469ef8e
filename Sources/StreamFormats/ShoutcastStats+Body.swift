import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension ShoutcastStats {
    /// Parses whatever a SHOUTcast server answered, choosing the parser from the BODY, not the
    /// URL: a JSON object (`/stats?json=1`), the DNAS v2 XML (`/stats`, `/statistics`, the
    /// default when `json=1` is missing), or the v1 `/7.html` page. `sid` picks a stream of a
    /// multi-stream XML answer (`<STREAM id="N">`); without it, stream 1 or the first.
    public static func parseAny(_ bytes: [UInt8], sid: Int? = nil) throws(ParseError) -> ShoutcastStats {
        let start = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        let head = String(decoding: start.prefix(256), as: UTF8.self).lowercased()
        if head.hasPrefix("{") { return try parse(bytes) }
        if head.hasPrefix("<?xml") || head.hasPrefix("<shoutcastserver") { return try parseXML(bytes, sid: sid) }
        if head.hasPrefix("<html") || head.hasPrefix("<!doctype html") || head.contains("<body") {
            return try parseSevenHTML(bytes)
        }
        throw ParseError(format: "shoutcast", location: "byte 0",
                         message: "not a SHOUTcast status answer (JSON, XML or 7.html): \(String(head.prefix(40)).debugDescription)")
    }

    /// Parses the DNAS v2 XML: `<SHOUTCASTSERVER>` with the stream's fields directly inside
    /// (`/stats?sid=N`), or `<STREAMSTATS><STREAM id="N">…` for several streams (`/statistics`).
    /// Field names are upper case (`SONGTITLE`, `NEXTTITLE`, `STREAMSTATUS`, `BITRATE`,
    /// `CURRENTLISTENERS`, …); an empty field is no value.
    public static func parseXML(_ bytes: [UInt8], sid: Int? = nil) throws(ParseError) -> ShoutcastStats {
        let reader = ShoutcastXMLReader()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = reader
        guard parser.parse(), reader.sawRoot else {
            throw ParseError(format: "shoutcast-xml", location: "line \(parser.lineNumber)",
                             message: reader.sawRoot ? (parser.parserError.map { "\($0.localizedDescription)" } ?? "malformed XML")
                                 : "expected a <SHOUTCASTSERVER> document")
        }
        let fields: [String: String]
        if reader.streams.isEmpty {
            fields = reader.top
        } else if let sid {
            guard let stream = reader.streams.first(where: { $0.id == sid }) else {
                throw ParseError(format: "shoutcast-xml", location: "STREAM id=\(sid)",
                                 message: "no stream \(sid); the server lists \(reader.streams.map { String($0.id) }.joined(separator: ", "))")
            }
            fields = stream.fields
        } else {
            fields = (reader.streams.first { $0.id == 1 } ?? reader.streams[0]).fields
        }
        func text(_ key: String) -> String? {
            guard let value = fields[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        func number(_ key: String) -> Int? { text(key).flatMap { Int($0) } }
        return ShoutcastStats(songTitle: text("SONGTITLE"), nextTitle: text("NEXTTITLE"), serverTitle: text("SERVERTITLE"),
                              serverGenre: text("SERVERGENRE"), dj: text("DJ"), bitrate: number("BITRATE"),
                              sampleRate: number("SAMPLERATE"), currentListeners: number("CURRENTLISTENERS"),
                              peakListeners: number("PEAKLISTENERS"), maxListeners: number("MAXLISTENERS"),
                              uniqueListeners: number("UNIQUELISTENERS"),
                              sourceConnected: number("STREAMSTATUS").map { $0 == 1 }, content: text("CONTENT"))
    }
}

/// Collects the SHOUTcast XML's leaf elements: those directly under the root, and those of
/// each `<STREAM id="N">`.
private final class ShoutcastXMLReader: NSObject, XMLParserDelegate {
    struct Stream { var id: Int; var fields: [String: String] }
    var sawRoot = false
    var top: [String: String] = [:]
    var streams: [Stream] = []
    private var current: Stream?
    private var element: String?
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let upper = name.uppercased()
        if upper == "SHOUTCASTSERVER" { sawRoot = true; return }
        if upper == "STREAM" {
            current = Stream(id: attributes.first { $0.key.lowercased() == "id" }.flatMap { Int($0.value) } ?? streams.count + 1,
                             fields: [:])
            return
        }
        element = upper
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if element != nil { text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        if element != nil { text += String(decoding: block, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let upper = name.uppercased()
        if upper == "STREAM", let stream = current {
            streams.append(stream)
            current = nil
            return
        }
        guard let element, element == upper else { return }
        if current != nil { current?.fields[element] = text } else { top[element] = text }
        self.element = nil
    }
}
