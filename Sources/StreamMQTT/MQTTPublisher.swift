import CMosquitto
import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import StreamState

/// Publishes the state document to an MQTT broker: each station retained at
/// `PREFIX/SITE/stations/ID` when it changes, the whole document at `PREFIX/SITE/state` (at
/// most once a second), and `PREFIX/SITE/status` `online`, with `offline` as the retained last
/// will and on a clean shutdown (docs/scale-out.md).
///
/// The connection runs on a thread of its own (``start()``): connect, keep the session, and
/// after a loss reconnect with backoff (1 s doubling to 30 s), to the next broker of the list
/// when one cannot be reached. ``publish(_:changed:)`` is called on the store's executor and
/// never waits for the broker: it keeps the latest payload per topic (``MQTTOutbox``) and hands
/// the broker what its window allows; what cannot go now goes on the next connection.
public final class MQTTPublisher: StatePublisher, @unchecked Sendable {
    /// What the publisher needs from the configuration.
    public struct Settings: Sendable {
        /// The brokers and how to log in.
        public var connection: MQTTConnectionSettings
        /// The topics.
        public var topics: MQTTTopics
        /// 0, 1 or 2.
        public var qos: Int
        /// The least time between two messages of the whole document.
        public var stateInterval: Duration

        /// Creates the settings.
        public init(connection: MQTTConnectionSettings, topics: MQTTTopics, qos: Int, stateInterval: Duration = .seconds(1)) {
            self.connection = connection
            self.topics = topics
            self.qos = qos
            self.stateInterval = stateInterval
        }
    }

    /// What the connection is doing, for the log.
    private struct Status: Sendable, Equatable {
        /// Connected to a broker (its CONNACK accepted).
        public var connected: Bool
        /// The broker connected to, or tried last.
        public var broker: String
        /// The last problem, if the last attempt failed.
        public var problem: String?
    }

    private let settings: Settings
    private let logger: Logger
    private let lock = NIOLock()
    /// 1 once ``stop()`` was called; the connection thread sleeps on it between attempts.
    private let stopSignal = ConditionLock<Int>(value: 0)
    private let connectedGauge = Gauge(label: "streamd_mqtt_connected")
    private let sentCounter = Counter(label: "streamd_mqtt_messages_total")

    // Under `lock`:
    private var outbox = MQTTOutbox()
    private var handle: OpaquePointer?
    private var connected = false
    private var connectedThisAttempt = false
    private var document: StateDocument?
    private var stateDue = false
    private var stateSentAt: ContinuousClock.Instant?
    private var status: Status
    private var loggedProblem: String?
    private var thread: Thread?
    private var finished = false

    /// A publisher that connects once ``start()`` is called.
    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.status = Status(connected: false, broker: settings.connection.brokers.first?.description ?? "", problem: nil)
        connectedGauge.record(0)
    }

    // MARK: StatePublisher

    /// Keeps the changed station's message (all of them, for a document-level change) and
    /// sends what the window allows; the whole document goes from the connection thread.
    public func publish(_ document: StateDocument, changed: StationState?) {
        let topics = settings.topics
        var messages: [(String, [UInt8])] = []
        if let changed {
            messages.append((topics.station(changed.id), MQTTStatePayloads.station(changed, in: document)))
        } else {
            messages = document.stations.map { (topics.station($0.id), MQTTStatePayloads.station($0, in: document)) }
        }
        lock.withLock {
            self.document = document
            stateDue = true
            for (topic, payload) in messages { outbox.set(topic, payload) }
            if changed == nil {
                outbox.clear(prefix: topics.stationsPrefix, keeping: Set(messages.map(\.0)))
            }
            sendLocked()
        }
    }

    // MARK: Running

    /// Starts the connection thread. Throws when libmosquitto cannot be initialised.
    public func start() throws(MQTTPublishError) {
        guard MosquittoSession.libraryReady else {
            throw MQTTPublishError(code: .library, message: "libmosquitto could not be initialised")
        }
        let thread = Thread { [self] in run() }
        thread.name = "streamd-mqtt"
        lock.withLock { self.thread = thread }
        thread.start()
    }

    /// Sends what is still to be sent, `offline`, and disconnects; returns when the connection
    /// thread has ended (within about 1.5 s, however the broker behaves).
    public func stop() async {
        stopSignal.lock()
        stopSignal.unlock(withValue: 1)
        let started = lock.withLock { thread != nil }
        guard started else { return }
        while !lock.withLock({ finished }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private var isStopping: Bool { stopSignal.value == 1 }

    /// The connection thread: one attempt after another until stopped.
    private func run() {
        MosquittoSession.keepConnecting(settings.connection.brokers, stop: stopSignal) { broker in attempt(broker) }
        lock.withLock { finished = true }
    }

    /// One connection to `broker`, until it ends or the publisher stops. Whether it was ever
    /// accepted.
    private func attempt(_ broker: MQTTBroker) -> Bool {
        guard let mosq = makeHandle(for: broker) else { return false }
        defer { mosquitto_destroy(mosq) }
        lock.withLock {
            handle = mosq
            connectedThisAttempt = false
            status.broker = broker.description
            status.problem = nil
        }
        var rc = mosquitto_connect_async(mosq, broker.host, Int32(broker.port),
                                         Int32(settings.connection.keepalive / .seconds(1)))
        var failure = errno
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            while !isStopping {
                rc = mosquitto_loop(mosq, 100, 1)
                failure = errno
                if rc != MOSQ_ERR_SUCCESS.rawValue { break }
                sendStateIfDue(force: false)
            }
        }
        let accepted = lock.withLock { connectedThisAttempt }
        if isStopping && lock.withLock({ connected }) {
            finish(mosq)
        }
        lock.withLock {
            handle = nil
            connected = false
            outbox.disconnected()
        }
        connectedGauge.record(0)
        if !isStopping {
            let problem = lock.withLock { status.problem } ?? MosquittoSession.describe(rc, errno: failure, broker: broker)
            noteProblem(problem, broker: broker, wasConnected: accepted)
        }
        return accepted
    }

    /// Clean shutdown: the last changes and the document, then `offline`, then DISCONNECT.
    private func finish(_ mosq: OpaquePointer) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(1)
        sendStateIfDue(force: true)
        while clock.now < deadline, !lock.withLock({ outbox.isSettled }) {
            if mosquitto_loop(mosq, 20, 1) != MOSQ_ERR_SUCCESS.rawValue { return }
        }
        lock.withLock {
            outbox.set(settings.topics.status, MQTTStatePayloads.offline)
            sendLocked()
        }
        let offlineDeadline = clock.now + .milliseconds(500)
        while clock.now < offlineDeadline, !lock.withLock({ outbox.isSettled }) {
            if mosquitto_loop(mosq, 20, 1) != MOSQ_ERR_SUCCESS.rawValue { return }
        }
        mosquitto_disconnect(mosq)
        _ = mosquitto_loop(mosq, 20, 1)
        logger.info("MQTT: published offline and disconnected from \(lock.withLock { status.broker })")
    }

    /// A new libmosquitto client for one attempt, with `offline` as its last will and the
    /// publisher's callbacks.
    private func makeHandle(for broker: MQTTBroker) -> OpaquePointer? {
        let will = MosquittoSession.Will(topic: settings.topics.status, payload: MQTTStatePayloads.offline, qos: settings.qos)
        switch MosquittoSession.client(for: broker, settings: settings.connection, will: will, inflight: outbox.window,
                                       userdata: Unmanaged.passUnretained(self).toOpaque()) {
        case .failure(let failure):
            noteProblem(failure.message, broker: broker, wasConnected: false)
            return nil
        case .success(let mosq):
            mosquitto_connect_callback_set(mosq) { _, userdata, rc in
                Unmanaged<MQTTPublisher>.fromOpaque(userdata!).takeUnretainedValue().didConnect(rc)
            }
            mosquitto_publish_callback_set(mosq) { _, userdata, _ in
                Unmanaged<MQTTPublisher>.fromOpaque(userdata!).takeUnretainedValue().didPublish()
            }
            return mosq
        }
    }

    // MARK: Callbacks (the connection thread, inside mosquitto_loop)

    private func didConnect(_ rc: Int32) {
        let broker = lock.withLock { status.broker }
        guard rc == 0 else {
            let problem = MosquittoSession.refusal(rc, broker: broker, credentials: "[publish.mqtt] username and password_file")
            lock.withLock { status.problem = problem }
            return
        }
        lock.withLock {
            connected = true
            connectedThisAttempt = true
            status.connected = true
            status.problem = nil
            loggedProblem = nil
            outbox.set(settings.topics.status, MQTTStatePayloads.online)
            outbox.connected()
            stateDue = document != nil
            stateSentAt = nil
            sendLocked()
        }
        connectedGauge.record(1)
        logger.info("MQTT: connected to \(broker); publishing under \(settings.topics.base)")
    }

    private func didPublish() {
        lock.withLock {
            outbox.confirmed()
            sendLocked()
        }
    }

    // MARK: Sending

    /// Hands the broker what the window allows. Under `lock`.
    private func sendLocked() {
        guard connected, let handle else { return }
        let messages = outbox.take()
        for (offset, message) in messages.enumerated() {
            let rc = message.payload.withUnsafeBytes { bytes in
                mosquitto_publish(handle, nil, message.topic, Int32(bytes.count), bytes.baseAddress,
                                  Int32(settings.qos), true)
            }
            guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                for unsent in messages[offset...] { outbox.putBack(unsent.topic) }
                return
            }
            sentCounter.increment()
        }
    }

    /// Encodes and sends the whole document when it changed and the interval has passed
    /// (`force`: whatever the interval). The connection thread only.
    private func sendStateIfDue(force: Bool) {
        let now = ContinuousClock.now
        let document: StateDocument? = lock.withLock {
            guard connected, stateDue else { return nil }
            if !force, let sentAt = stateSentAt, now - sentAt < settings.stateInterval { return nil }
            stateDue = false
            stateSentAt = now
            return self.document
        }
        guard let document else { return }
        let payload = MQTTStatePayloads.state(document)
        lock.withLock {
            outbox.set(settings.topics.state, payload)
            sendLocked()
        }
    }

    // MARK: Problems

    /// Logs a failed or lost connection: an error the first time, debug while it repeats.
    private func noteProblem(_ problem: String, broker: MQTTBroker, wasConnected: Bool) {
        let repeated = lock.withLock { () -> Bool in
            status.connected = false
            status.problem = problem
            defer { loggedProblem = problem }
            return loggedProblem == problem
        }
        if wasConnected {
            logger.warning("MQTT: lost the connection to \(broker): \(problem); reconnecting")
        } else if repeated {
            logger.debug("MQTT: \(problem); retrying")
        } else {
            logger.error("MQTT: \(problem); retrying with backoff (up to 30 s)")
        }
    }
}
