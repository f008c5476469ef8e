import Foundation

extension ConfigParser {
    /// The `[publish]` table: today only `[publish.mqtt]`.
    func publish(_ table: ConfigTableReader) -> MQTTPublishConfig? {
        let mqtt = table.table("mqtt").flatMap(mqtt)
        table.rejectUnknownKeys(known: ["mqtt"])
        return mqtt
    }

    /// `[publish.mqtt]`.
    private func mqtt(_ table: ConfigTableReader) -> MQTTPublishConfig? {
        var brokers: [MQTTBrokerAddress] = []
        var brokersValid = false
        if let urls = table.strings("url", required: true, hint: " (the broker, like \"mqtt://127.0.0.1:1883\")") {
            brokersValid = true
            for url in urls {
                switch MQTTBrokerAddress.parse(url) {
                case .success(let broker): brokers.append(broker)
                case .failure(let error):
                    table.report("url", error.reason)
                    brokersValid = false
                }
            }
        }
        let prefix = table.string("prefix") ?? "streamd"
        if let problem = Self.topicProblem(prefix, levels: true) { table.report("prefix", problem) }
        let site = table.string("site") ?? Self.hostName()
        if let problem = Self.topicProblem(site, levels: false) {
            table.report("site", table.has("site") ? problem : "the host name '\(site)' cannot be a site: \(problem); set site")
        }
        let clientID = table.string("client_id")
        if let clientID, clientID.isEmpty || clientID.utf8.count > 65535 {
            table.report("client_id", "must be 1 to 65535 bytes long")
        }
        let username = table.string("username")
        let passwordFile = table.string("password_file").map(resolvedPath)
        if passwordFile != nil && username == nil {
            table.report("password_file", "a password needs a username")
        }
        let qos = table.integer("qos", default: 1, range: 0...2)
        let caFile = table.string("ca_file").map(resolvedPath)
        if caFile != nil && !brokers.contains(where: \.tls) && brokersValid {
            table.report("ca_file", "applies to mqtts:// brokers only")
        }
        let keepalive = table.duration("keepalive", default: .seconds(30), minimum: .seconds(5))
        table.rejectUnknownKeys(known: ["url", "client_id", "username", "password_file", "prefix", "site", "qos",
                                        "ca_file", "keepalive"])
        guard brokersValid, !brokers.isEmpty else { return nil }
        return MQTTPublishConfig(brokers: brokers, clientID: clientID, username: username, passwordFile: passwordFile,
                                 prefix: prefix, site: site, qos: qos, caFile: caFile, keepalive: keepalive)
    }

    /// What keeps `text` from being topic levels (`levels`: several, separated by `/`), or nil.
    static func topicProblem(_ text: String, levels: Bool) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.contains("+") || text.contains("#") { return "must not contain the MQTT wildcards '+' or '#'" }
        if text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "must not contain control characters" }
        if text.hasPrefix("$") { return "must not start with '$' (the broker's own topics)" }
        if levels {
            if text.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                return "must not have an empty level (a leading, trailing or double '/')"
            }
        } else if text.contains("/") {
            return "must be one topic level, without '/'"
        }
        return nil
    }

    /// The machine's host name (the default site), up to the first dot.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "streamd" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "streamd"
    }

    /// `path` against the configuration file's folder when relative.
    func resolvedPath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = baseDirectory.flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.currentDirectoryPath
        return (base as NSString).appendingPathComponent(path)
    }
}
