extension ConfigParser {
    /// The placeholders a `template` or `fallback` may use.
    static let outputPlaceholders = ["artist", "title", "album", "composer", "program", "station", "text"]

    /// An `[[output]]` table; `stationIDs` are the ids written in the file.
    func output(_ table: ConfigTableReader, stationIDs ids: [String]) -> OutputConfig? {
        let kind: OutputConfig.Kind? = table.choice("kind", default: nil)
        let station = table.string("station", required: true, hint: " (the id of the station whose now-playing it sends)")
        if let station, !ids.isEmpty, !ids.contains(station) {
            table.report("station", "no station has id '\(station)' (stations: \(ids.joined(separator: ", ")))"
                         + ConfigSuggestion.hint(for: station, in: ids))
        }
        let path = table.string("path", required: kind == .file, hint: " (the file the text goes to)").map(resolvedPath)
        let template = table.string("template") ?? OutputConfig.defaultTemplate
        if let problem = Self.placeholderProblem(template) { table.report("template", problem) }
        let fallback = table.string("fallback") ?? OutputConfig.defaultFallback
        if let problem = Self.placeholderProblem(fallback) { table.report("fallback", problem) }
        let delay = table.duration("delay", default: .zero, minimum: .zero)
        table.rejectUnknownKeys(known: ["kind", "station", "path", "template", "fallback", "delay"])
        guard let kind, let station, let path, ids.contains(station) else { return nil }
        return OutputConfig(kind: kind, station: station, path: path, template: template, fallback: fallback, delay: delay)
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
