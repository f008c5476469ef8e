import Foundation
import TOMLKit
import StreamFormats

/// TOML text to a validated ``StreamdConfiguration``, collecting every problem.
struct ConfigParser {
    let log: ConfigProblemLog
    /// The directory relative `token_file` paths are resolved against.
    let baseDirectory: String?

    /// Parses and validates `text`; `file` names it in errors.
    static func parse(_ text: String, file: String, sourceFile: String?) throws(ConfigError) -> StreamdConfiguration {
        guard !text.utf8.contains(0) else {
            throw ConfigError(file: file, problems: [ConfigProblem(keyPath: "", message: "contains a NUL byte; not a configuration file")])
        }
        if let (line, column) = keylessTableHeader(in: text) {
            throw ConfigError(file: file, problems: [ConfigProblem(
                keyPath: "", line: line, column: column,
                message: "TOML syntax error: a table header needs a key after '[' or '[['")])
        }
        if let (line, column) = braceWhereArrayValueExpected(in: text) {
            throw ConfigError(file: file, problems: [ConfigProblem(
                keyPath: "", line: line, column: column,
                message: "TOML syntax error: a '}' where the array expects a value or ']'")])
        }
        let directory = sourceFile.map { ($0 as NSString).deletingLastPathComponent }
        let parser = ConfigParser(log: ConfigProblemLog(file: file, text: text), baseDirectory: directory)
        let configuration: StreamdConfiguration
        do {
            // Parsed (or the kept tree of the same text) and read under the cache's lock: another
            // parse must not empty this tree meanwhile.
            configuration = try TOMLTreeCache.shared.withRoot(of: text, parse: { try TOMLTable(string: $0) }) { root in
                parser.configuration(ConfigTableReader(root, path: "", log: parser.log), sourceFile: sourceFile)
            }
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            let line = begin.line > 0 ? Int(begin.line) : nil
            let column = begin.column > 0 ? Int(begin.column) : nil
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let lineText = line.flatMap { $0 <= lines.count ? String(lines[$0 - 1]) : nil }
            throw ConfigError(file: file, problems: [ConfigProblem(
                keyPath: "", line: line, column: column,
                message: "TOML syntax error: " + TOMLSyntaxMessage.plain(error.description, lineText: lineText, column: column))])
        } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(keyPath: "", message: "TOML syntax error: \(error)")])
        }
        guard parser.log.problems.isEmpty else { throw parser.log.error }
        return configuration
    }

    /// The line and column of a table header whose '[' or '[[' (and spaces) is followed by
    /// something that cannot start a key: not a letter, digit, '_', '-', quote or ']'
    /// (`[[[station]]`, `[=x]`, `[` at the end of a line). toml++ (in TOMLKit) asserts on these
    /// instead of reporting an error, and its asserts are compiled in (no NDEBUG), so the
    /// daemon aborted on such a file, at start or on reload (found by `make fuzz`, target
    /// config; Tests/Fixtures/fuzz/). Every line is checked, also one inside a multi-line
    /// string or array (telling those apart needs a TOML lexer, and `"""` in a comment fooled
    /// a simple one): such a line is refused too, though no streamd value is written so.
    static func keylessTableHeader(in text: String) -> (line: Int, column: Int)? {
        // Split on the byte: as Characters, "\r\n" is one and does not split at "\n".
        for (index, line) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line)
            var i = 0
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { continue }
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "[") { i += 1 }
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            let next = i < bytes.count ? bytes[i] : 0x0A
            let keyStart = (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) || (next >= 0x30 && next <= 0x39)
                || next == UInt8(ascii: "_") || next == UInt8(ascii: "-") || next == UInt8(ascii: "\"")
                || next == UInt8(ascii: "'") || next == UInt8(ascii: "]")
            if !keyStart { return (index + 1, i + 1) }
        }
        return nil
    }

    private func configuration(_ root: ConfigTableReader, sourceFile: String?) -> StreamdConfiguration {
        let daemonTable = root.table("daemon")
        let stationTables = root.tables("station")
        if stationTables.isEmpty && !log.hasProblem(under: "station") {
            log.report("station", "no stations: add a [[station]] table")
        }
        let stations = stationTables.compactMap(station)
        checkUnique(stationTables, what: "station")
        let mqtt = root.table("publish").flatMap(publish)
        // Station ids as written, so `live` and outputs are checked even when a station has other problems.
        let ids = stationTables.compactMap { $0.peekString("id") }
        let outputTables = root.tables("output")
        let outputs = outputTables.compactMap { output($0, stationIDs: ids) }
        checkUniquePaths(outputTables)
        root.rejectUnknownKeys(known: ["daemon", "station", "publish", "output"])
        let daemon = daemonTable.map { daemonConfig($0, stationIDs: ids) } ?? DaemonConfig(live: ids.first ?? "")
        var configuration = StreamdConfiguration(daemon: daemon, stations: stations, sourceFile: sourceFile)
        configuration.mqtt = mqtt
        configuration.outputs = outputs
        return configuration
    }

    // MARK: [daemon]

    private func daemonConfig(_ table: ConfigTableReader, stationIDs ids: [String]) -> DaemonConfig {
        var daemon = DaemonConfig(live: ids.first ?? "")
        if let socket = table.string("socket") {
            if socket.isEmpty || socket.utf8.count > 107 {
                table.report("socket", "a Unix socket path must be 1 to 107 bytes long, got \(socket.utf8.count)")
            } else {
                daemon.socket = socket
            }
        }
        if let mode = socketMode(table) { daemon.socketMode = mode }
        if let stateFile = table.string("state_file") {
            if stateFile.isEmpty { table.report("state_file", "must not be empty") } else { daemon.stateFile = stateFile }
        }
        daemon.maxConnections = table.integer("max_connections", default: 1024, range: 1...1_000_000)
        daemon.maxSubscribers = table.integer("max_subscribers", default: 1000, range: 1...1_000_000)
        daemon.stateWriteInterval = table.duration("state_write_interval", default: .seconds(1), minimum: .zero)
        if let pretty = table.bool("state_pretty") { daemon.statePretty = pretty }
        if let live = table.string("live"), !ids.isEmpty {
            if ids.contains(live) {
                daemon.live = live
            } else {
                let names = ids.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                table.report("live", "no station has id '\(live)' (stations: \(names.joined(separator: ", ")))"
                             + ConfigSuggestion.hint(for: live, in: ids))
            }
        }
        daemon.logLevel = table.choice("log_level", default: ConfigLogLevel.info) ?? .info
        if let listen = table.string("listen") {
            if let address = Self.listenAddress(listen) {
                daemon.listen = address
            } else {
                table.report("listen", "expected HOST:PORT like \"127.0.0.1:8080\", \"[::1]:8080\" or \":8080\", got \"\(listen)\"")
            }
        }
        if let suffix = table.string("user_agent_suffix") {
            if suffix.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) }) {
                table.report("user_agent_suffix", "must be one line of printable text")
            } else {
                daemon.userAgentSuffix = suffix
            }
        }
        table.rejectUnknownKeys(known: ["socket", "socket_mode", "state_file", "state_write_interval", "state_pretty", "max_connections",
                                        "max_subscribers", "live", "log_level", "listen", "user_agent_suffix"])
        return daemon
    }

    /// `socket_mode`: an octal string ("0660") or a TOML octal integer (0o660), at most 0777.
    private func socketMode(_ table: ConfigTableReader) -> UInt32? {
        guard table.has("socket_mode") else { return nil }
        let problem = "expected permission bits as an octal string like \"0660\" (or 0o660)"
        let mode: UInt32?
        if let number = table.integerValue("socket_mode") {
            mode = (0...0o777).contains(number) ? UInt32(number) : nil
        } else if let text = table.string("socket_mode") {
            mode = (1...4).contains(text.count) ? UInt32(text, radix: 8).flatMap { $0 <= 0o777 ? $0 : nil } : nil
        } else {
            return nil
        }
        guard let mode else {
            table.report("socket_mode", problem)
            return nil
        }
        return mode
    }

    /// `127.0.0.1:8080`, `[::1]:8080`, `:8080`, `localhost:8080`.
    static func listenAddress(_ text: String) -> ListenAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.isEmpty { return ListenAddress(host: nil, port: port) }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = String(host.dropFirst().dropLast())
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
            return ListenAddress(host: host, port: port)
        }
        if host.allSatisfy({ $0.isNumber || $0 == "." }) {
            var address = in_addr()
            guard inet_pton(AF_INET, host, &address) == 1 else { return nil }
            return ListenAddress(host: host, port: port)
        }
        let hostname = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        return hostname ? ListenAddress(host: host, port: port) : nil
    }

    // MARK: [[station]]

    private func station(_ table: ConfigTableReader) -> StationConfig? {
        let id = table.identifier("id")
        let name = table.string("name", required: true)
        let tagline = table.string("tagline")
        var timezone = "UTC"
        if let zone = table.string("timezone") {
            if TimeZone(identifier: zone) != nil {
                timezone = zone
            } else {
                let hint = ConfigSuggestion.hint(for: zone, in: TimeZone.knownTimeZoneIdentifiers)
                table.report("timezone", "unknown time zone \"\(zone)\""
                             + (hint.isEmpty ? " (expected an IANA name like 'America/New_York')" : hint))
            }
        }
        let charset = charset(table)
        let streamTables = table.tables("stream")
        if streamTables.isEmpty && !log.hasProblem(under: table.keyPath("stream")) {
            table.report("stream", "a station needs at least one [[station.stream]]")
        }
        let streams = streamTables.compactMap(stream)
        checkUnique(streamTables, what: "stream")
        let sourceTables = table.tables("source")
        let sources = sourceTables.compactMap(source)
        table.rejectUnknownKeys(known: ["id", "name", "tagline", "timezone", "charset", "stream", "source"])
        guard let id, let name, streams.count == streamTables.count, sources.count == sourceTables.count else { return nil }
        return StationConfig(id: id, name: name, tagline: tagline, timezone: timezone, charset: charset,
                             streams: streams, sources: sources)
    }

    private func charset(_ table: ConfigTableReader) -> TextCharset? {
        guard let name = table.string("charset") else { return nil }
        if let charset = TextCharset(ianaName: name) { return charset }
        table.report("charset", "expected \(ConfigSuggestion.list(TextCharset.allCases.map(\.rawValue))), got \"\(name)\"")
        return nil
    }

    // MARK: [[station.stream]]

    private func stream(_ table: ConfigTableReader) -> StreamConfig? {
        let id = table.identifier("id")
        let url = table.url("url", schemes: ["http", "https", "file"], required: true)
        let mode = table.choice("mode", default: StreamConfig.Mode.follow) ?? .follow
        let interval = table.duration("interval", default: .seconds(60), minimum: .seconds(1))
        let format = table.choice("format", default: StreamConfig.Format.auto) ?? .auto
        let charset = charset(table)
        let silence = silence(table)
        if silence != nil, mode == .probe {
            table.report("silence", "a probed stream is not listened to: silence needs mode = \"follow\"")
        }
        table.rejectUnknownKeys(known: ["id", "url", "mode", "interval", "format", "charset", "silence"])
        guard let id, let url else { return nil }
        return StreamConfig(id: id, url: url, mode: mode, interval: interval, format: format, charset: charset, silence: silence)
    }

    // MARK: Shared checks

    /// Reports each output `path` written before, at the later table's `path`.
    private func checkUniquePaths(_ tables: [ConfigTableReader]) {
        checkUnique(tables, key: "path") { path, earlier in "\(earlier) writes '\(path)' already" }
    }

    /// Reports each id seen before, at the later table's `id`.
    private func checkUnique(_ tables: [ConfigTableReader], what: String) {
        checkUnique(tables, key: "id") { id, earlier in "duplicate \(what) id '\(id)' (first at \(earlier))" }
    }

    /// Reports each value of `key` seen before, at the later table's `key`, in the words of
    /// `message(value, the earlier table's path)`.
    private func checkUnique(_ tables: [ConfigTableReader], key: String, message: (String, String) -> String) {
        var first: [String: String] = [:]
        for table in tables {
            guard let value = table.peekString(key) else { continue }
            if let earlier = first[value] {
                table.report(key, message(value, earlier))
            } else {
                first[value] = table.path
            }
        }
    }
}
