import Foundation
import StreamMQTT
import StreamState

/// One-shot reads of the retained state on a broker, for `streamd now|next|stations|status
/// --mqtt`: the messages a late subscriber gets at once, taken until the broker has been
/// quiet for a moment.
public enum MQTTSiteReader {
    /// A site's document, or why there is none.
    public struct Site: Sendable {
        /// The document, with the station messages newer than it applied.
        public var document: StateDocument
        /// Whether the site's daemon is `online` (false: `offline` or never said).
        public var online: Bool
    }

    /// One site of a listing.
    public struct Listed: Sendable {
        /// The site's topic level.
        public var site: String
        /// `online`, `offline`, or nil when the site never published a status.
        public var status: String?
        /// Its stations, by id.
        public var stations: [StationState]
    }

    /// The document of the site of `topics`. Throws a ``DaemonClientError`` (`unreachable`)
    /// when the broker cannot be reached or has nothing for that site within `timeout`.
    public static func site(_ settings: MQTTConnectionSettings, topics: MQTTTopics,
                            timeout: Duration = .seconds(5)) async throws(DaemonClientError) -> Site {
        let filters = [topics.status, topics.state, topics.stationsPrefix + "+"]
        var assembler = MQTTSiteAssembler(topics: topics)
        var online = false
        let problem = await collect(settings, filters: filters, timeout: timeout) { topic, payload in
            if let changes = try? assembler.receive(topic: topic, payload: payload) {
                if changes.contains(.online) { online = true }
                if changes.contains(.offline) { online = false }
            }
            return assembler.document != nil
        }
        guard let document = assembler.document else {
            throw DaemonClientError(code: .unreachable, message: problem
                ?? "no state for site \(topics.base) on \(settings.brokers.map(\.description).joined(separator: ", ")) (is its streamd publishing there, with this prefix and site?)")
        }
        return Site(document: document, online: online)
    }

    /// Every site under `prefix`: its status and its stations, from the retained messages.
    public static func sites(_ settings: MQTTConnectionSettings, prefix: String,
                             timeout: Duration = .seconds(5)) async throws(DaemonClientError) -> [Listed] {
        var sites: [String: Listed] = [:]
        let problem = await collect(settings, filters: [prefix + "/+/status", prefix + "/+/stations/+"], timeout: timeout) { topic, payload in
            let levels = topic.dropFirst(prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            guard levels.count >= 2 else { return false }
            let site = String(levels[0])
            var listed = sites[site] ?? Listed(site: site, status: nil, stations: [])
            if levels.count == 2, levels[1] == "status" {
                listed.status = String(decoding: payload, as: UTF8.self)
            } else if levels.count == 3, levels[1] == "stations", !payload.isEmpty,
                      let message = try? StateDocument.makeDecoder().decode(StationMessage.self, from: Data(payload)) {
                listed.stations.removeAll { $0.id == message.station.id }
                listed.stations.append(message.station)
            }
            sites[site] = listed
            return true
        }
        if sites.isEmpty, let problem { throw DaemonClientError(code: .unreachable, message: problem) }
        return sites.values.sorted { $0.site < $1.site }.map { site in
            var site = site
            site.stations.sort { $0.id < $1.id }
            return site
        }
    }

    private struct StationMessage: Decodable {
        var station: StationState
    }

    /// Reads messages of `filters` until, once `take` has returned true for one, the broker is
    /// quiet for 300 ms (the retained messages come at once after subscribing), or `timeout`.
    /// The last connection problem, if no connection was made.
    private static func collect(_ settings: MQTTConnectionSettings, filters: [String], timeout: Duration,
                                _ take: (String, [UInt8]) -> Bool) async -> String? {
        let subscriber = MQTTSubscriber(settings: settings, filters: filters)
        let (ticks, tick) = AsyncStream.makeStream(of: MQTTSubscriber.Event?.self)
        let forward = Task {
            for await event in subscriber.events() { tick.yield(event) }
            tick.finish()
        }
        let clock = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                tick.yield(nil)
            }
        }
        defer {
            forward.cancel()
            clock.cancel()
        }
        let deadline = ContinuousClock.now + timeout
        var problem: String?
        var settledAt: ContinuousClock.Instant?
        for await event in ticks {
            let now = ContinuousClock.now
            switch event {
            case .message(let topic, let payload, _)?:
                if take(topic, payload) { settledAt = now + .milliseconds(300) }
            case .connected?:
                problem = nil
                if settledAt == nil { settledAt = now + .milliseconds(500) }
            case .disconnected(let reason)?:
                problem = reason
            case nil:
                break
            }
            if let settledAt, now >= settledAt, problem == nil { return nil }
            if now >= deadline { return problem }
        }
        return problem
    }
}
