import Foundation

extension ShoutcastStats {
    /// Parses whatever a SHOUTcast server answered, choosing the parser from the BODY, not the
    /// URL: a JSON object (`/stats?json=1`, or `/statistics?json=1` with `streams[]`), the
    /// DNAS XML (`/stats`, `/statistics`, the default when `json=1` is missing, and v1's
    /// `admin.cgi?mode=viewxml`), or the v1 `/7.html` page (seven comma-separated fields, with
    /// or without its HTML around them). `sid` picks a stream of a multi-stream answer
    /// (`<STREAM id="N">`, `streams[].id`); without it, stream 1 or the first. Any other
    /// body, a web page included, is a `ParseError` that says what it looks like.
    public static func parseAny(_ bytes: [UInt8], sid: Int? = nil) throws(ParseError) -> ShoutcastStats {
        let start = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        let head = String(decoding: start.prefix(256), as: UTF8.self).lowercased()
        if head.hasPrefix("{") || head.hasPrefix("//") { return try parseJSON(bytes, sid: sid) }
        if head.hasPrefix("<?xml") || head.hasPrefix("<shoutcastserver") { return try parseXML(bytes, sid: sid) }
        if isSevenHTML(bytes) { return try parseSevenHTML(bytes) }
        if head.hasPrefix("<") {
            throw ParseError(format: "shoutcast", location: "byte 0",
                             message: "a web page (HTML), not a SHOUTcast status answer (JSON, XML or 7.html)")
        }
        throw ParseError(format: "shoutcast", location: "byte 0",
                         message: "not a SHOUTcast status answer (JSON, XML or 7.html): \(String(head.prefix(40)).debugDescription)")
    }

    /// Parses a JSON answer: one stream's object (`/stats?sid=N&json=1`), or `/statistics?json=1`,
    /// whose server-wide values come first and whose streams are in `streams[]` (picked by
    /// `id` = `sid`, else id 1 or the first; none listed is a stream with no source).
    public static func parseJSON(_ bytes: [UInt8], sid: Int? = nil) throws(ParseError) -> ShoutcastStats {
        let json = try LooseJSON.parse(bytes, format: "shoutcast", allowingLineComments: true)
        guard let list = json["streams"] else { return try parse(bytes) }
        let streams = list.elements.filter { if case .object = $0 { return true } else { return false } }
        guard !streams.isEmpty else { return ShoutcastStats(currentListeners: json["currentlisteners"]?.int, sourceConnected: false) }
        let stream: LooseJSON
        if let sid {
            guard let found = streams.first(where: { $0["id"]?.int == sid }) else {
                throw ParseError(format: "shoutcast", location: "streams",
                                 message: "no stream \(sid); the server lists \(streams.compactMap { $0["id"]?.int }.map(String.init).joined(separator: ", "))")
            }
            stream = found
        } else {
            stream = streams.first { $0["id"]?.int == 1 } ?? streams[0]
        }
        return ShoutcastStats(stream: stream)
    }

    /// Parses the DNAS XML: `<SHOUTCASTSERVER>` with the stream's fields directly inside
    /// (`/stats?sid=N`, v1 `admin.cgi?mode=viewxml`), or `<STREAMSTATS><STREAM id="N">…` for
    /// several streams (`/statistics`). Field names are upper case (`SONGTITLE`, `NEXTTITLE`,
    /// `STREAMSTATUS`, `BITRATE`, `CURRENTLISTENERS`, v1's `REPORTEDLISTENERS`, …); an empty
    /// field is no value; only the stream's own children count (v1's `<SONGHISTORY><SONG>
    /// <TITLE>` is not the current title). Read leniently (`LenientXML`): v1 servers write
    /// `&` unescaped.
    public static func parseXML(_ bytes: [UInt8], sid: Int? = nil) throws(ParseError) -> ShoutcastStats {
        guard let root = LenientXML.parse(ShoutcastText.decode(bytes)),
              root.name.caseInsensitiveCompare("SHOUTCASTSERVER") == .orderedSame else {
            throw ParseError(format: "shoutcast-xml", location: "line 1", message: "expected a <SHOUTCASTSERVER> document")
        }
        let streams = (root.child("STREAMSTATS") ?? root).children(named: "STREAM")
        let element: LenientXMLElement
        if streams.isEmpty {
            element = root
        } else {
            let ids = streams.enumerated().map { i, s in s.attributes.first { $0.key.lowercased() == "id" }.flatMap { Int($0.value) } ?? i + 1 }
            if let sid {
                guard let index = ids.firstIndex(of: sid) else {
                    throw ParseError(format: "shoutcast-xml", location: "STREAM id=\(sid)",
                                     message: "no stream \(sid); the server lists \(ids.map(String.init).joined(separator: ", "))")
                }
                element = streams[index]
            } else {
                element = streams[ids.firstIndex(of: 1) ?? 0]
            }
        }
        func number(_ key: String) -> Int? { element.value(key).flatMap { Int($0) } }
        return ShoutcastStats(songTitle: element.value("SONGTITLE"), nextTitle: element.value("NEXTTITLE"),
                              serverTitle: element.value("SERVERTITLE"), serverGenre: element.value("SERVERGENRE"),
                              dj: element.value("DJ"), bitrate: number("BITRATE"), sampleRate: number("SAMPLERATE"),
                              currentListeners: number("CURRENTLISTENERS"), peakListeners: number("PEAKLISTENERS"),
                              maxListeners: number("MAXLISTENERS"),
                              uniqueListeners: number("UNIQUELISTENERS") ?? number("REPORTEDLISTENERS"),
                              sourceConnected: number("STREAMSTATUS").map { $0 == 1 }, content: element.value("CONTENT"))
    }

    /// Whether the body (between `<body>` tags, or the whole text) is seven comma-separated
    /// fields whose first six are numbers or empty: `/7.html`, with or without its HTML.
    private static func isSevenHTML(_ bytes: [UInt8]) -> Bool {
        let body = ShoutcastText.firstBody(of: ShoutcastText.decode(Array(bytes.prefix(16_384))))
        let fields = body.split(separator: ",", maxSplits: 6, omittingEmptySubsequences: false)
        guard fields.count == 7 else { return false }
        return fields.prefix(6).allSatisfy { field in
            let text = field.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty || Int(text) != nil
        }
    }
}
