import StreamConfig
import StreamMQTT
import Logging

extension MQTTPublisher {
    /// The publisher of `[publish.mqtt]`, its password read from `password_file`. Throws the
    /// ``ConfigError`` of a file that cannot be read or is empty: the daemon does not start
    /// (exit 78), as for a Spinitron `token_file`.
    static func configured(_ config: MQTTPublishConfig, stateInterval: Duration, logger: Logger) throws(ConfigError)
        -> MQTTPublisher
    {
        let connection = MQTTConnectionSettings(
            brokers: config.brokers.map { MQTTBroker(host: $0.host, port: $0.port, tls: $0.tls) },
            clientID: config.clientID, username: config.username, password: try config.password()?.value,
            caFile: config.caFile, keepalive: config.keepalive)
        let settings = Settings(connection: connection, topics: MQTTTopics(prefix: config.prefix, site: config.site),
                                qos: config.qos, stateInterval: max(stateInterval, .milliseconds(100)))
        return MQTTPublisher(settings: settings, logger: logger)
    }
}
