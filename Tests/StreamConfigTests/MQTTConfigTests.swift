import Testing
@testable import StreamConfig

/// `[publish.mqtt]`: every key read, the defaults, and each mistake refused with the key it is at.
@Suite("Configuration: [publish.mqtt]")
struct MQTTConfigTests {
    private func withMQTT(_ lines: String) -> String {
        minimalConfig() + "\n[publish.mqtt]\n" + lines + "\n"
    }

    @Test("every key, a failover list, and the defaults")
    func everyKey() throws {
        let full = try StreamdConfiguration.parse(withMQTT("""
            url = ["mqtts://broker-a.example.org", "mqtt://[::1]:1884", "mqtt://10.0.0.5:1885/"]
            client_id = "studio-1"
            username = "studio"
            password_file = "/etc/streamd/mqtt.pw"
            prefix = "radio/streamd"
            site = "pittston"
            qos = 2
            ca_file = "/etc/ssl/broker-ca.pem"
            keepalive = "10s"
            """), file: "t.toml")
        let mqtt = try #require(full.mqtt)
        #expect(mqtt.brokers == [MQTTBrokerAddress(host: "broker-a.example.org", port: 8883, tls: true),
                                 MQTTBrokerAddress(host: "::1", port: 1884, tls: false),
                                 MQTTBrokerAddress(host: "10.0.0.5", port: 1885, tls: false)])
        #expect(mqtt.brokers.map(\.description) == ["mqtts://broker-a.example.org:8883", "mqtt://[::1]:1884", "mqtt://10.0.0.5:1885"])
        #expect(mqtt.clientID == "studio-1")
        #expect(mqtt.username == "studio")
        #expect(mqtt.passwordFile == "/etc/streamd/mqtt.pw")
        #expect(mqtt.prefix == "radio/streamd")
        #expect(mqtt.site == "pittston")
        #expect(mqtt.qos == 2)
        #expect(mqtt.caFile == "/etc/ssl/broker-ca.pem")
        #expect(mqtt.keepalive == .seconds(10))

        let plain = try #require(try StreamdConfiguration.parse(withMQTT("url = \"mqtt://127.0.0.1\"\nsite = \"a\""), file: "t.toml").mqtt)
        #expect(plain.brokers == [MQTTBrokerAddress(host: "127.0.0.1", port: 1883, tls: false)])
        #expect(plain.prefix == "streamd")
        #expect(plain.clientID == "streamd-a")
        #expect(plain.qos == 1)
        #expect(plain.keepalive == .seconds(30))
        #expect(plain.username == nil && plain.passwordFile == nil && plain.caFile == nil)

        let hostDefault = try #require(try StreamdConfiguration.parse(withMQTT("url = \"mqtt://127.0.0.1\""), file: "t.toml").mqtt)
        #expect(hostDefault.site == ConfigParser.hostName())
        #expect(try StreamdConfiguration.parse(minimalConfig(), file: "t.toml").mqtt == nil)
    }

    @Test("a relative password_file or ca_file is read from the configuration file's folder")
    func relativePaths() throws {
        let text = withMQTT("url = \"mqtts://b\"\nsite = \"a\"\nusername = \"u\"\npassword_file = \"mqtt.pw\"\nca_file = \"ca.pem\"")
        let mqtt = try #require(try ConfigParser.parse(text, file: "/etc/streamd/streamd.toml",
                                                       sourceFile: "/etc/streamd/streamd.toml").mqtt)
        #expect(mqtt.passwordFile == "/etc/streamd/mqtt.pw")
        #expect(mqtt.caFile == "/etc/streamd/ca.pem")
    }

    @Test("mistakes, each refused at its key", arguments: [
        ("", "publish.mqtt.url", "missing required key 'url' (the broker, like \"mqtt://127.0.0.1:1883\")"),
        ("url = \"http://broker\"", "publish.mqtt.url", "expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT], got \"http://broker\""),
        ("url = \"mqtt://user:pw@broker\"", "publish.mqtt.url", "put the user name in username and the password in password_file, not in the URL"),
        ("url = \"mqtt://broker:0\"", "publish.mqtt.url", "the port must be 1 to 65535, got 0"),
        ("url = \"mqtt://broker:x\"", "publish.mqtt.url", "expected a port number after ':', got \"mqtt://broker:x\""),
        ("url = \"mqtt://broker/topic\"", "publish.mqtt.url", "a broker URL has no path or query, got \"mqtt://broker/topic\""),
        ("url = []", "publish.mqtt.url", "expected a string or a non-empty array of strings, got an array"),
        ("url = \"mqtt://b\"\nsite = \"a/b\"", "publish.mqtt.site", "must be one topic level, without '/'"),
        ("url = \"mqtt://b\"\nsite = \"a+\"", "publish.mqtt.site", "must not contain the MQTT wildcards '+' or '#'"),
        ("url = \"mqtt://b\"\nsite = \"a\"\nprefix = \"radio//x\"", "publish.mqtt.prefix", "must not have an empty level (a leading, trailing or double '/')"),
        ("url = \"mqtt://b\"\nsite = \"a\"\nprefix = \"$SYS\"", "publish.mqtt.prefix", "must not start with '$' (the broker's own topics)"),
        ("url = \"mqtt://b\"\nsite = \"a\"\nqos = 3", "publish.mqtt.qos", "must be between 0 and 2, got 3"),
        ("url = \"mqtt://b\"\nsite = \"a\"\npassword_file = \"p\"", "publish.mqtt.password_file", "a password needs a username"),
        ("url = \"mqtt://b\"\nsite = \"a\"\nca_file = \"ca.pem\"", "publish.mqtt.ca_file", "applies to mqtts:// brokers only"),
        ("url = \"mqtt://b\"\nsite = \"a\"\nkeepalive = \"1s\"", "publish.mqtt.keepalive", "must be at least 5s, got \"1s\""),
        ("url = \"mqtt://b\"\nsite = \"a\"\nretain = true", "publish.mqtt.retain", "unknown key 'retain'"),
    ])
    func mistakes(lines: String, keyPath: String, message: String) throws {
        let problem = try #require(configProblem(withMQTT(lines)))
        #expect(problem.keyPath == keyPath)
        #expect(problem.message == message)
    }

    @Test("[publish] knows only mqtt")
    func unknownOutput() throws {
        let problem = try #require(configProblem(minimalConfig() + "\n[publish.mqqt]\nurl = \"mqtt://b\"\n"))
        #expect(problem.keyPath == "publish.mqqt")
        #expect(problem.message == "unknown key 'mqqt' (did you mean 'mqtt'?)")
    }
}
