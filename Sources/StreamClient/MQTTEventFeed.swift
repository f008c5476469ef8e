import StreamMQTT
import StreamState

/// Follows one site on an MQTT broker with the socket's event model: the retained document as
/// a `snapshot` event, then a `station` event for each newer station message (the event id is
/// the document sequence, as on the socket). The site's `offline` (a clean stop, or the last
/// will of a daemon that vanished) and a lost broker connection are losses; `online` after one
/// is a reconnection.
public struct MQTTEventFeed: StateEventSource {
    /// How to reach the broker.
    public let settings: MQTTConnectionSettings
    /// The site's topics.
    public let topics: MQTTTopics

    /// A feed of the site of `topics` on the broker of `settings`.
    public init(settings: MQTTConnectionSettings, topics: MQTTTopics) {
        self.settings = settings
        self.topics = topics
    }

    /// `site PREFIX/SITE on mqtt://host:port`.
    public var origin: String {
        "site \(topics.base) on \(settings.brokers.map(\.description).joined(separator: ", "))"
    }

    /// The broker's problem, as the loss says it.
    public func unreachable(_ loss: EventFeed.Loss) -> (message: String, permissionDenied: Bool) {
        (loss.detail, false)
    }

    /// Follows until the task is cancelled or `handle` returns false.
    public func follow(_ handle: (EventFeed.Event) async -> Bool) async {
        let subscriber = MQTTSubscriber(settings: settings, filters: [topics.status, topics.state, topics.stationsPrefix + "+"])
        var site = MQTTSiteAssembler(topics: topics)
        var everConnected = false
        var offline = false
        for await event in subscriber.events() {
            let outgoing: [EventFeed.Event]
            switch event {
            case .connected:
                everConnected = true
                outgoing = [.connected]
            case .disconnected(let problem):
                outgoing = [.disconnected(EventFeed.Loss(detail: problem, status: nil, everConnected: everConnected))]
            case .message(let topic, let payload, _):
                let changes: [MQTTSiteAssembler.Change]
                do {
                    changes = try site.receive(topic: topic, payload: payload)
                } catch {
                    changes = []
                }
                outgoing = changes.compactMap { change in
                    switch change {
                    case .snapshot(let document, let json):
                        return .message(SSEParser.Message(id: document.sequence, event: "snapshot",
                                                          data: String(decoding: json, as: UTF8.self)))
                    case .station(let station, let sequence):
                        return .message(SSEParser.Message(id: sequence, event: "station",
                                                          data: String(decoding: station.jsonBytes, as: UTF8.self)))
                    case .offline:
                        offline = true
                        return .disconnected(EventFeed.Loss(
                            detail: "site \(topics.base) is offline (its streamd stopped, or vanished and the broker published its last will)",
                            status: nil, everConnected: everConnected))
                    case .online:
                        defer { offline = false }
                        return offline ? .connected : nil
                    }
                }
            }
            for item in outgoing {
                guard await handle(item) else { return }
            }
        }
    }
}
