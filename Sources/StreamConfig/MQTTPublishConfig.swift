import Foundation

/// The `[publish.mqtt]` table: publishing the state document to an MQTT broker, retained, so
/// that screens and sites elsewhere follow it (docs/configuration.md, docs/scale-out.md).
public struct MQTTPublishConfig: Sendable, Equatable {
    /// `url`: the broker, or a list of brokers tried in turn (failover).
    public var brokers: [MQTTBrokerAddress]
    /// `client_id` (default `streamd-SITE`).
    public var clientID: String
    /// `username`, if the broker wants one.
    public var username: String?
    /// `password_file`: a file holding the password (its first line), read at start.
    public var passwordFile: String?
    /// `prefix`: the first topic levels (default `streamd`).
    public var prefix: String
    /// `site`: this daemon's topic level under the prefix (default: the host name).
    public var site: String
    /// `qos`: 0, 1 (the default) or 2.
    public var qos: Int
    /// `ca_file`: the certificate authorities that sign an `mqtts://` broker's certificate
    /// (default: the system's, `/etc/ssl/certs/ca-certificates.crt`).
    public var caFile: String?
    /// `keepalive`: how often the broker hears from streamd when nothing changes, and so how
    /// soon after streamd vanishes it publishes the last will (default 30 s).
    public var keepalive: Duration

    /// Creates the settings; unspecified values are the defaults.
    public init(brokers: [MQTTBrokerAddress], clientID: String? = nil, username: String? = nil,
                passwordFile: String? = nil, prefix: String = "streamd", site: String, qos: Int = 1,
                caFile: String? = nil, keepalive: Duration = .seconds(30)) {
        self.brokers = brokers
        self.clientID = clientID ?? "streamd-\(site)"
        self.username = username
        self.passwordFile = passwordFile
        self.prefix = prefix
        self.site = site
        self.qos = qos
        self.caFile = caFile
        self.keepalive = keepalive
    }
}

/// One broker: `mqtt://host[:port]` (1883) or `mqtts://host[:port]` (8883, TLS).
public struct MQTTBrokerAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host name or address (IPv6 without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// Whether the connection is TLS (`mqtts://`).
    public var tls: Bool

    /// Creates an address.
    public init(host: String, port: Int, tls: Bool) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// Parses `mqtt://host[:port]` or `mqtts://host[:port]`; nil with the reason otherwise.
    public static func parse(_ text: String) -> Result<MQTTBrokerAddress, MQTTBrokerAddressError> {
        let tls: Bool
        let rest: Substring
        if text.hasPrefix("mqtt://") {
            tls = false
            rest = text.dropFirst(7)
        } else if text.hasPrefix("mqtts://") {
            tls = true
            rest = text.dropFirst(8)
        } else {
            return .failure(.init(reason: "expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT], got \"\(text)\""))
        }
        var authority = rest
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains("@") {
            return .failure(.init(reason: "put the user name in username and the password in password_file, not in the URL"))
        }
        if authority.contains("/") || authority.contains("?") || authority.contains("#") {
            return .failure(.init(reason: "a broker URL has no path or query, got \"\(text)\""))
        }
        var host = authority
        var port = tls ? 8883 : 1883
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                return .failure(.init(reason: "an IPv6 address needs its closing ']', got \"\(text)\""))
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else {
                    return .failure(.init(reason: "expected a port after ']:', got \"\(text)\""))
                }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let number = Int(authority[authority.index(after: colon)...]) else {
                return .failure(.init(reason: "expected a port number after ':', got \"\(text)\""))
            }
            host = authority[..<colon]
            port = number
        }
        guard (1...65535).contains(port) else {
            return .failure(.init(reason: "the port must be 1 to 65535, got \(port)"))
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else {
            return .failure(.init(reason: "expected a host name or address, got \"\(host)\""))
        }
        return .success(MQTTBrokerAddress(host: String(host), port: port, tls: tls))
    }

    /// As written: `mqtt://host:port`.
    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "mqtts" : "mqtt")://\(shown):\(port)"
    }
}

/// Why a broker URL was refused.
public struct MQTTBrokerAddressError: Error, Sendable, Equatable {
    /// What is wrong, for the configuration error.
    public var reason: String
}

extension MQTTPublishConfig {
    /// The password from `password_file` (surrounding whitespace removed), read when the
    /// daemon starts; nil without one. Throws when the file cannot be read or is empty.
    public func password() throws(ConfigError) -> ConfigSecret? {
        guard let passwordFile else { return nil }
        return try ConfigSecret.read(file: passwordFile, what: "password")
    }
}
