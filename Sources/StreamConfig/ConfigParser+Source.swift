import Foundation

extension ConfigParser {
    /// Keys every source takes.
    static let commonSourceKeys = ["kind", "url", "interval", "timeout"]

    /// Keys particular to each kind.
    static let sourceKeys: [SourceConfig.Kind: [String]] = [
        .triton: ["mount", "count"],
        .composer: ["ucs", "day_url"],
        .cadence: ["uuid", "day_url"],
        .icecast: ["mount"],
        .shoutcast: ["sid"],
        .azuracast: ["station"],
        .spinitron: ["token", "token_file"],
    ]

    /// A `[[station.source]]` table.
    func source(_ table: ConfigTableReader) -> SourceConfig? {
        let kind: SourceConfig.Kind? = table.choice("kind", default: nil)
        let interval = table.duration("interval", default: .seconds(15), minimum: .seconds(1))
        let timeout = table.duration("timeout", default: .seconds(10), minimum: .milliseconds(100))
        let required = kind.map { [.icecast, .shoutcast, .azuracast].contains($0) } ?? false
        let url = table.url("url", schemes: ["http", "https", "file"], required: required,
                            hint: " (the server's base URL, like \"http://radio.example.org:8000\")")
        guard let kind else {
            let all = Self.commonSourceKeys + Self.sourceKeys.values.flatMap { $0 }
            table.rejectUnknownKeys(known: all)
            return nil
        }
        let known = Self.commonSourceKeys + (Self.sourceKeys[kind] ?? [])
        table.rejectUnknownKeys(known: known) { key in
            guard Self.sourceKeys.values.contains(where: { $0.contains(key) }) else { return nil }
            return "'\(key)' does not apply to kind '\(kind.rawValue)' (its own keys: \((Self.sourceKeys[kind] ?? []).joined(separator: ", ")))"
        }
        let urlWritten = table.has("url")
        let settings: SourceConfig.Settings?
        switch kind {
        case .triton:
            let mount = table.string("mount", required: !urlWritten, hint: " (the StreamTheWorld mount, like \"WVIAFM\"; or set url)")
            let count = table.integer("count", default: 5, range: 1...50)
            settings = mount != nil || urlWritten ? .triton(mount: mount, count: count) : nil
        case .composer:
            let ucs = table.string("ucs", required: !urlWritten, hint: " (the station's Composer UCS id; or set url)")
            let dayURL = table.url("day_url", schemes: ["http", "https", "file"])
            if let url, dayURL == nil, !table.has("day_url"), URL(string: url)?.lastPathComponent != "now" {
                table.report("url", "cannot derive the day URL: the last path component of \"\(url)\" is not 'now'; set day_url")
            }
            settings = ucs != nil || urlWritten ? .composer(ucs: ucs, dayURL: dayURL) : nil
        case .cadence:
            let uuid = table.string("uuid", required: !urlWritten, hint: " (the station's Cadence widget id; or set url)")
            let dayURL = table.url("day_url", schemes: ["http", "https", "file"])
            settings = uuid != nil || urlWritten ? .cadence(uuid: uuid, dayURL: dayURL) : nil
        case .icecast:
            let mount = table.string("mount").map { $0.hasPrefix("/") ? $0 : "/" + $0 }
            settings = .icecast(mount: mount)
        case .shoutcast:
            settings = .shoutcast(sid: table.integer("sid", default: 1, range: 1...Int(Int32.max)))
        case .azuracast:
            let full = url.map(SourceConfig.isAzuraCastNowPlayingURL) ?? false
            let station = table.string("station", required: url != nil && !full,
                                       hint: " (the station's shortcode; or give the full now-playing URL as url)")
            settings = station != nil || full ? .azuracast(station: station) : nil
        case .spinitron:
            settings = spinitronToken(table).map { .spinitron(token: $0) }
        }
        guard let settings, urlWritten == (url != nil) else { return nil }
        return SourceConfig(settings: settings, url: url, interval: interval, timeout: timeout)
    }

    /// `token` or `token_file`: exactly one.
    private func spinitronToken(_ table: ConfigTableReader) -> SpinitronToken? {
        let token = table.string("token")
        let file = table.string("token_file")
        switch (table.has("token"), table.has("token_file")) {
        case (true, true):
            table.report("token_file", "set token or token_file, not both")
            return nil
        case (false, false):
            table.report("token", "missing required key 'token' (the Spinitron API key; or token_file, a file holding it)")
            return nil
        default:
            if let token {
                guard !token.isEmpty else {
                    table.report("token", "must not be empty")
                    return nil
                }
                return .inline(ConfigSecret(token))
            }
            guard let file, !file.isEmpty else {
                if file != nil { table.report("token_file", "must not be empty") }
                return nil
            }
            if file.hasPrefix("/") { return .file(file) }
            let base = baseDirectory.flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.currentDirectoryPath
            return .file((base as NSString).appendingPathComponent(file))
        }
    }
}
