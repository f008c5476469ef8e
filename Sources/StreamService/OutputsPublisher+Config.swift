import Logging
import StreamConfig
import StreamHTTP
import StreamOutputs

extension OutputsPublisher {
    /// The publisher of the `[[output]]` tables, nil when there are none; secrets are read
    /// now. Throws the configuration error of a secret that cannot be read (exit 78).
    static func configured(_ outputs: [OutputConfig], engine: CurlEngine, logger: Logger) throws(ConfigError) -> OutputsPublisher? {
        guard !outputs.isEmpty else { return nil }
        var specs: [OutputSpec] = []
        for output in outputs { specs.append(try OutputSpec(output)) }
        return OutputsPublisher(specs, sinks: specs.map { OutputSinks.make($0, engine: engine) }, logger: logger)
    }
}

extension OutputSpec {
    /// The output of an `[[output]]` table, its secrets read.
    init(_ output: OutputConfig) throws(ConfigError) {
        func secret(_ source: OutputConfig.SecretSource?, _ what: String) throws(ConfigError) -> OutputSecret? {
            try source.map { source throws(ConfigError) in OutputSecret(try source.read(what: what).value) }
        }
        let target: Target
        switch output.kind {
        case .file: target = .file(path: output.path ?? "")
        case .dls: target = .dls(path: output.path ?? "")
        case .udp: target = .udp(host: output.target?.host ?? "localhost", port: output.target?.port ?? 0)
        case .rds:
            target = .rds(host: output.target?.host ?? "localhost", port: output.target?.port ?? 0,
                          dialect: RDSDialect(rawValue: output.dialect.rawValue) ?? .pira)
        case .icecast:
            target = .icecast(url: output.url ?? "", user: output.user,
                              password: try secret(output.password, "Icecast password") ?? OutputSecret(""))
        case .webhook:
            target = .webhook(url: output.url ?? "", secret: try secret(output.secret, "webhook secret"))
        case .tunein:
            target = .tunein(url: output.url ?? OutputConfig.tuneinURL, partnerID: output.partnerID ?? "",
                             partnerKey: try secret(output.partnerKey, "TuneIn partner key") ?? OutputSecret(""),
                             stationID: output.stationID ?? "")
        }
        self.init(target: target, station: output.station, template: output.template, fallback: output.fallback,
                  delay: output.delay, minHold: output.minHold, perMinute: output.rateLimit, maxLength: output.maxLength,
                  charset: output.charset.flatMap { OutputCharset(rawValue: $0.rawValue) },
                  repeatEvery: output.kind == .udp ? output.repeatEvery : .zero)
    }
}
