import ArgumentParser
import Foundation
import StreamClient
import StreamConfig
import StreamMQTT

/// `--mqtt URL [--site SITE]` and its companions: read the state a streamd publishes to an
/// MQTT broker (`[publish.mqtt]`) instead of a daemon's socket (docs/scale-out.md).
struct MQTTReadOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the state from this MQTT broker instead of the socket.", valueName: "mqtt[s]://HOST[:PORT]"))
    var mqtt: String?
    @Option(help: "With --mqtt: the site to read (its [publish.mqtt] site).")
    var site: String?
    @Option(help: "With --mqtt: the topic prefix the site publishes under.")
    var prefix = "streamd"
    @Option(name: .customLong("mqtt-user"), help: "With --mqtt: the user name the broker asks for.")
    var user: String?
    @Option(name: .customLong("mqtt-password-file"), help: "With --mqtt: a file holding the broker password.")
    var passwordFile: String?
    @Option(name: .customLong("mqtt-ca-file"), help: "With --mqtt: the CA certificates of an mqtts:// broker (default: the system's).")
    var caFile: String?

    /// The broker settings, or nil without `--mqtt`. Prints the problem and throws the usage
    /// exit status (64) for a wrong URL, prefix or site, or an unreadable password file.
    func settings() throws -> MQTTConnectionSettings? {
        guard let mqtt else {
            if site != nil || user != nil || passwordFile != nil || caFile != nil {
                throw usage("--site, --mqtt-user, --mqtt-password-file and --mqtt-ca-file go with --mqtt")
            }
            return nil
        }
        let broker: MQTTBrokerAddress
        switch MQTTBrokerAddress.parse(mqtt) {
        case .success(let parsed): broker = parsed
        case .failure(let error): throw usage("--mqtt: \(error.reason)")
        }
        var password: String?
        if let passwordFile {
            do {
                password = try ConfigSecret.read(file: passwordFile, what: "password").value
            } catch {
                throw usage("--mqtt-password-file: \(error.lines.joined(separator: "; "))")
            }
        }
        return MQTTConnectionSettings(brokers: [MQTTBroker(host: broker.host, port: broker.port, tls: broker.tls)],
                                      clientID: "streamd-reader-\(getpid())", username: user, password: password,
                                      caFile: caFile, keepalive: .seconds(30))
    }

    /// The topics of `--site` under `--prefix`; `what` names the command for the usage error
    /// when there is no `--site`.
    func topics(for what: String) throws -> MQTTTopics {
        guard let site else {
            throw usage("\(what) --mqtt needs --site SITE (streamd stations --mqtt URL lists the sites)")
        }
        return MQTTTopics(prefix: prefix, site: site)
    }

    /// Prints `message`; the usage exit status, to throw.
    private func usage(_ message: String) -> ExitCode {
        printError("streamd: \(message)")
        return ExitStatus.usage
    }
}
