/// `[[station]]` tables for the daemon's configuration.
enum StationTOML {
    /// A station with the given `[[station.stream]]` and `[[station.source]]` tables.
    static func station(_ id: String, streams: [String], sources: [String] = []) -> String {
        var text = """
            [[station]]
            id = "\(id)"
            name = "Station \(id)"

            """
        for stream in streams { text += "  [[station.stream]]\n" + stream }
        for source in sources { text += "  [[station.source]]\n" + source }
        return text + "\n"
    }

    /// A stream table body.
    static func stream(_ url: String, id: String = "main", mode: String = "follow", interval: String? = nil) -> String {
        var text = "  id = \"\(id)\"\n  url = \"\(url)\"\n  mode = \"\(mode)\"\n"
        if let interval { text += "  interval = \"\(interval)\"\n" }
        return text
    }

    /// An `icecast` source table body.
    static func icecast(_ url: String, mount: String, interval: String = "1s") -> String {
        "  kind = \"icecast\"\n  url = \"\(url)\"\n  mount = \"\(mount)\"\n  interval = \"\(interval)\"\n"
    }
}
