extension ConfigParser {
    /// The placeholders a `template` or `fallback` may use.
    static let outputPlaceholders = ["artist", "title", "album", "composer", "program", "station", "text"]

    /// The keys every kind takes.
    private static let commonOutputKeys = ["kind", "station", "template", "fallback", "delay", "min_hold", "rate_limit",
                                           "max_length", "charset"]
    /// The keys of each kind, besides the common ones.
    private static let outputKindKeys: [OutputConfig.Kind: [String]] = [
        .file: ["path"], .dls: ["path"], .udp: ["target", "repeat"], .rds: ["target", "dialect"],
        .icecast: ["url", "user", "password_file", "password_env"], .webhook: ["url", "secret_file", "secret_env"],
        .tunein: ["url", "partner_id", "partner_key_file", "partner_key_env", "station_id"],
    ]

    /// An `[[output]]` table; `stationIDs` are the ids written in the file.
    func output(_ table: ConfigTableReader, stationIDs ids: [String]) -> OutputConfig? {
        let kind: OutputConfig.Kind? = table.choice("kind", default: nil)
        let station = table.string("station", required: true, hint: " (the id of the station whose now-playing it sends)")
        if let station, !ids.isEmpty, !ids.contains(station) {
            table.report("station", "no station has id '\(station)' (stations: \(ids.joined(separator: ", ")))"
                         + ConfigSuggestion.hint(for: station, in: ids))
        }
        let template = table.string("template") ?? OutputConfig.defaultTemplate
        if let problem = Self.placeholderProblem(template) { table.report("template", problem) }
        let fallback = table.string("fallback") ?? OutputConfig.defaultFallback
        if let problem = Self.placeholderProblem(fallback) { table.report("fallback", problem) }
        var output = OutputConfig(kind: kind ?? .file, station: station ?? "", template: template, fallback: fallback,
                                  delay: table.duration("delay", default: .zero, minimum: .zero),
                                  minHold: table.duration("min_hold", default: .zero, minimum: .zero))
        if table.has("rate_limit") { output.rateLimit = table.integer("rate_limit", default: 60, range: 1...600) }
        if table.has("max_length") { output.maxLength = table.integer("max_length", default: 64, range: 8...4096) }
        if table.has("charset") { output.charset = table.choice("charset", default: OutputConfig.Charset.utf8) }
        guard let kind else {
            table.rejectUnknownKeys(known: Self.commonOutputKeys + Array(Set(Self.outputKindKeys.values.joined())))
            return nil
        }
        let valid = kindKeys(of: kind, table, into: &output)
        table.rejectUnknownKeys(known: Self.commonOutputKeys + (Self.outputKindKeys[kind] ?? [])) { key in
            if ["password", "secret", "partner_key"].contains(key) {
                return "a secret is never written in the configuration: put it in a file (\(key)_file) or an environment variable (\(key)_env)"
            }
            let kinds = OutputConfig.Kind.allCases.filter { Self.outputKindKeys[$0]?.contains(key) == true }.map(\.rawValue)
            return kinds.isEmpty ? nil : "'\(key)' is a key of kind \(kinds.joined(separator: " or ")), not of kind \(kind.rawValue)"
        }
        guard valid, let station, ids.contains(station) else { return nil }
        return output
    }

    /// Reads the keys of `kind` into `output`; false when a required one is missing or wrong.
    private func kindKeys(of kind: OutputConfig.Kind, _ table: ConfigTableReader, into output: inout OutputConfig) -> Bool {
        switch kind {
        case .file, .dls:
            output.path = table.string("path", required: true, hint: " (the file the text goes to)").map(resolvedPath)
            return output.path != nil
        case .udp, .rds:
            if kind == .udp { output.repeatEvery = table.duration("repeat", default: .seconds(30), minimum: .zero) }
            if kind == .rds { output.dialect = table.choice("dialect", default: .pira) ?? .pira }
            guard let text = table.string("target", required: true, hint: kind == .rds ? " (the encoder's HOST:PORT)"
                                            : " (the display's HOST:PORT, e.g. \"studio-screen:3310\")") else { return false }
            guard let address = Self.listenAddress(text), address.host != nil else {
                table.report("target", "expected HOST:PORT like \"192.0.2.10:3310\" or \"[::1]:3310\", got \"\(text)\"")
                return false
            }
            output.target = address
            return true
        case .icecast:
            output.url = table.url("url", schemes: ["http", "https"], required: true,
                                   hint: " (the mount's URL, e.g. \"http://icecast.example:8000/live\")")
            output.user = table.string("user") ?? "source"
            output.password = secretSource(table, "password", required: true)
            if let url = output.url, let path = url.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3).first, path.isEmpty {
                table.report("url", "names no mount: expected the mount's URL, e.g. \"http://icecast.example:8000/live\"")
                return false
            }
            return output.url != nil && output.password != nil
        case .webhook:
            output.url = table.url("url", schemes: ["http", "https"], required: true, hint: " (where to POST)")
            output.secret = secretSource(table, "secret", required: false)
            return output.url != nil
        case .tunein:
            output.url = table.url("url", schemes: ["http", "https"]) ?? OutputConfig.tuneinURL
            output.partnerID = table.string("partner_id", required: true, hint: " (from TuneIn AIR)")
            output.partnerKey = secretSource(table, "partner_key", required: true)
            output.stationID = table.string("station_id", required: true, hint: " (TuneIn's station id, e.g. \"s12345\")")
            return output.partnerID != nil && output.partnerKey != nil && output.stationID != nil
        }
    }

    /// `NAME_file` or `NAME_env`: one of them, never both, never the secret itself.
    private func secretSource(_ table: ConfigTableReader, _ name: String, required: Bool) -> OutputConfig.SecretSource? {
        let file = table.string("\(name)_file").map(resolvedPath)
        let variable = table.string("\(name)_env")
        switch (file, variable) {
        case (let file?, nil): return .file(file)
        case (nil, let variable?): return .environment(variable)
        case (_?, _?):
            table.report("\(name)_env", "give \(name)_file or \(name)_env, not both")
            return nil
        case (nil, nil):
            if required, !table.has(name) {   // a secret written in the file is refused as such (rejectUnknownKeys)
                table.report("\(name)_file", "missing (a file holding the \(name.replacingOccurrences(of: "_", with: " ")); or \(name)_env, an environment variable; never the \(name) itself)")
            }
            return nil
        }
    }

    /// What is wrong with the placeholders of `text` (`{name}`), or nil.
    static func placeholderProblem(_ text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                return "a '{' without its '}' (placeholders: \(outputPlaceholders.map { "{\($0)}" }.joined(separator: ", ")))"
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard outputPlaceholders.contains(name) else {
                return "unknown placeholder {\(name)} (placeholders: \(outputPlaceholders.map { "{\($0)}" }.joined(separator: ", ")))"
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }
}
