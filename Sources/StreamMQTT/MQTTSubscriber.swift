import CMosquitto
import Foundation
import NIOConcurrencyHelpers

/// Reads topics from a broker: subscribes to `filters` on every connection and delivers each
/// message, retained or live, as it arrives. Keeps reconnecting as the publisher does (1 s
/// doubling to 30 s, failover over the broker list) until the reader stops reading.
/// `streamd watch`, `screen` and the other client commands read a site through it.
public final class MQTTSubscriber: @unchecked Sendable {
    /// What the subscription saw.
    public enum Event: Sendable, Equatable {
        /// The broker accepted the connection and the subscription was sent.
        case connected
        /// One message; `retained` when the broker kept it from before (a late subscriber's copy).
        case message(topic: String, payload: [UInt8], retained: Bool)
        /// The connection could not be made, was refused or was lost; a new one follows.
        case disconnected(String)
    }

    private let settings: MQTTConnectionSettings
    private let filters: [String]
    private let stopSignal = ConditionLock<Int>(value: 0)
    private let lock = NIOLock()
    private var continuation: AsyncStream<Event>.Continuation?
    private var refusal: String?

    /// A subscription to `filters` (MQTT topic filters, `+` and `#` allowed) at QoS 1.
    public init(settings: MQTTConnectionSettings, filters: [String]) {
        self.settings = settings
        self.filters = filters
    }

    /// The events from the first connection on; ending the iteration (or cancelling its task)
    /// ends the connection thread. Call once.
    public func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        lock.withLock { self.continuation = continuation }
        continuation.onTermination = { [self] _ in
            stopSignal.lock()
            stopSignal.unlock(withValue: 1)
        }
        guard MosquittoSession.libraryReady else {
            continuation.yield(.disconnected("libmosquitto could not be initialised"))
            continuation.finish()
            return stream
        }
        let thread = Thread { [self] in
            MosquittoSession.keepConnecting(settings.brokers, stop: stopSignal) { broker in attempt(broker) }
            lock.withLock { self.continuation?.finish() }
        }
        thread.name = "streamd-mqtt-read"
        thread.start()
        return stream
    }

    private func yield(_ event: Event) {
        _ = lock.withLock { continuation?.yield(event) }
    }

    /// One connection, until it ends or the reader stopped. Whether the broker accepted it.
    private func attempt(_ broker: MQTTBroker) -> Bool {
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        let mosq: OpaquePointer
        switch MosquittoSession.client(for: broker, settings: settings, will: nil, inflight: 20, userdata: userdata) {
        case .failure(let failure):
            yield(.disconnected(failure.message))
            return false
        case .success(let client):
            mosq = client
        }
        defer { mosquitto_destroy(mosq) }
        mosquitto_connect_callback_set(mosq) { mosq, userdata, rc in
            Unmanaged<MQTTSubscriber>.fromOpaque(userdata!).takeUnretainedValue().didConnect(mosq!, rc)
        }
        mosquitto_message_callback_set(mosq) { _, userdata, message in
            guard let message = message?.pointee, let topic = message.topic else { return }
            let payload = message.payloadlen > 0 && message.payload != nil
                ? Array(UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen))) : []
            Unmanaged<MQTTSubscriber>.fromOpaque(userdata!).takeUnretainedValue()
                .yield(.message(topic: String(cString: topic), payload: payload, retained: message.retain))
        }
        lock.withLock { refusal = nil }
        var accepted = false
        var rc = mosquitto_connect_async(mosq, broker.host, Int32(broker.port), Int32(settings.keepalive / .seconds(1)))
        var failure = errno
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            while stopSignal.value != 1 {
                rc = mosquitto_loop(mosq, 100, 1)
                failure = errno
                if rc != MOSQ_ERR_SUCCESS.rawValue { break }
                if !accepted { accepted = lock.withLock { refusal == nil && connectedOnce } }
            }
        }
        if stopSignal.value == 1 {
            mosquitto_disconnect(mosq)
            return accepted
        }
        let problem = lock.withLock { refusal } ?? MosquittoSession.describe(rc, errno: failure, broker: broker)
        lock.withLock { connectedOnce = false }
        yield(.disconnected(accepted ? "lost the connection to \(broker): \(problem)" : problem))
        return accepted
    }

    private var connectedOnce = false

    private func didConnect(_ mosq: OpaquePointer, _ rc: Int32) {
        guard rc == 0 else {
            let problem = MosquittoSession.refusal(rc, broker: "the broker", credentials: "--mqtt-user and --mqtt-password-file")
            lock.withLock { refusal = problem }
            return
        }
        for filter in filters {
            _ = mosquitto_subscribe(mosq, nil, filter, 1)
        }
        lock.withLock { connectedOnce = true }
        yield(.connected)
    }
}
