import CMosquitto
import Foundation
import NIOConcurrencyHelpers

/// What the publisher and the reader share of libmosquitto: a client made for one attempt at
/// a broker, the words for what went wrong, and the loop of attempts with backoff and
/// failover. The callbacks and what a connection does stay with each of them.
enum MosquittoSession {
    /// libmosquitto initialised (once per process).
    static let libraryReady: Bool = mosquitto_lib_init() == MOSQ_ERR_SUCCESS.rawValue

    /// The last will of a client: published by the broker when the client vanishes.
    struct Will {
        var topic: String
        var payload: [UInt8]
        var qos: Int
    }

    /// A new client for one attempt at `broker` (MQTT 3.1.1, clean session, threaded): its
    /// id, credentials, TLS and will; `userdata` comes back in every callback. The problem,
    /// in words, when libmosquitto refuses a setting.
    static func client(for broker: MQTTBroker, settings: MQTTConnectionSettings, will: Will?, inflight: Int,
                       userdata: UnsafeMutableRawPointer) -> Result<OpaquePointer, MQTTFailure> {
        guard let mosq = mosquitto_new(settings.clientID, true, userdata) else {
            return .failure(MQTTFailure("libmosquitto could not make a client"))
        }
        _ = mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311)
        _ = mosquitto_threaded_set(mosq, true)
        _ = mosquitto_max_inflight_messages_set(mosq, UInt32(inflight))
        if let will {
            _ = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(mosq, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), true)
            }
        }
        if let username = settings.username {
            _ = mosquitto_username_pw_set(mosq, username, settings.password)
        }
        if broker.tls {
            let rc = settings.caFile.map { mosquitto_tls_set(mosq, $0, nil, nil, nil, nil) }
                ?? mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                mosquitto_destroy(mosq)
                return .failure(MQTTFailure("cannot use TLS with ca_file \(settings.caFile ?? "(the system's)"): "
                                            + String(cString: mosquitto_strerror(rc))))
            }
        }
        return .success(mosq)
    }

    /// Why a connection could not be made or ended (`rc` from libmosquitto, `failure` the
    /// errno right after it).
    static func describe(_ rc: Int32, errno failure: Int32, broker: MQTTBroker) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue {
            return "cannot connect to \(broker): \(String(cString: strerror(failure)))"
        }
        if rc == MOSQ_ERR_TLS.rawValue {
            return "cannot connect to \(broker): the TLS handshake failed (is ca_file the CA that signed the broker's "
                + "certificate, and the URL's host one the certificate names?)"
        }
        return "cannot connect to \(broker): \(String(cString: mosquitto_strerror(rc)))"
    }

    /// Why the broker refused the connection (its CONNACK code); `credentials` names where the
    /// user name and password come from, for a refusal of them.
    static func refusal(_ rc: Int32, broker: String, credentials: String) -> String {
        var problem = "\(broker) refused the connection: \(String(cString: mosquitto_connack_string(rc)))"
        if rc == 4 || rc == 5 { problem += " (check \(credentials))" }
        return problem
    }

    /// Makes attempts until `stop` holds 1: `attempt(broker)` runs one connection to its end
    /// and returns whether the broker accepted it. Between attempts it waits 1 s, doubling
    /// to 30 s while none is accepted, and moves on to the next broker after one that was not.
    static func keepConnecting(_ brokers: [MQTTBroker], stop: ConditionLock<Int>, attempt: (MQTTBroker) -> Bool) {
        var index = 0
        var delay: Duration = .milliseconds(500)
        while stop.value != 1 {
            let accepted = attempt(brokers[index % brokers.count])
            if stop.value == 1 { break }
            if !accepted { index += 1 }
            delay = accepted ? .seconds(1) : min(delay * 2, .seconds(30))
            if stop.lock(whenValue: 1, timeoutSeconds: delay / .seconds(1)) { stop.unlock() }
        }
    }
}

/// A problem with the broker, in words.
struct MQTTFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
