/// One broker: `mqtt://host:port` or, with TLS, `mqtts://host:port`.
public struct MQTTBroker: Sendable, Equatable, CustomStringConvertible {
    /// Host name or address (IPv6 without brackets).
    public var host: String
    /// TCP port.
    public var port: Int
    /// TLS (`mqtts://`).
    public var tls: Bool

    /// Creates a broker address.
    public init(host: String, port: Int, tls: Bool) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// `mqtt://host:port`.
    public var description: String {
        "\(tls ? "mqtts" : "mqtt")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}

/// How to reach the broker: what a publisher and a reader share.
public struct MQTTConnectionSettings: Sendable {
    /// The brokers, tried in turn (failover).
    public var brokers: [MQTTBroker]
    /// The MQTT client id.
    public var clientID: String
    /// The user name, if the broker wants one.
    public var username: String?
    /// The password (from a file; never logged).
    public var password: String?
    /// The CA file for TLS brokers; nil: the system's certificates.
    public var caFile: String?
    /// The MQTT keepalive.
    public var keepalive: Duration

    /// Creates the settings.
    public init(brokers: [MQTTBroker], clientID: String, username: String? = nil, password: String? = nil,
                caFile: String? = nil, keepalive: Duration = .seconds(30)) {
        self.brokers = brokers
        self.clientID = clientID
        self.username = username
        self.password = password
        self.caFile = caFile
        self.keepalive = keepalive
    }
}
