import Foundation
import StreamState

/// One site's state put together from its topics (pure: messages in, changes out): the
/// retained document (`PREFIX/SITE/state`) as the snapshot, then each station message newer
/// than what was seen, and the site's `online`/`offline`. The same model as the socket's event
/// stream: a snapshot first, then station changes; a repeat (after a reconnection, or a
/// document older than its stations' messages) changes nothing.
public struct MQTTSiteAssembler: Sendable {
    /// What a message changed.
    public enum Change: Sendable, Equatable {
        /// The whole document (the first one, or one with changes no station message carried);
        /// `json` is its text as published.
        case snapshot(StateDocument, json: [UInt8])
        /// One station, newer than before, in the document of `sequence`.
        case station(StationState, sequence: UInt64)
        /// The site's daemon said `online`.
        case online
        /// The site's daemon said `offline`, or the broker published its last will.
        case offline
    }

    /// The topics of the site.
    public let topics: MQTTTopics
    /// The document as known: the last snapshot with the newer station messages applied.
    public private(set) var document: StateDocument?
    /// Station messages that came before any document, kept to apply to it.
    private var early: [String: (StationState, UInt64)] = [:]
    /// The sequence each station was last seen at.
    private var seen: [String: UInt64] = [:]

    /// An assembler for the site of `topics`.
    public init(topics: MQTTTopics) {
        self.topics = topics
    }

    /// The changes `payload` on `topic` makes. Throws when a message of the site does not
    /// decode; messages of other topics change nothing.
    public mutating func receive(topic: String, payload: [UInt8]) throws(MQTTMessageError) -> [Change] {
        if topic == topics.status {
            switch String(decoding: payload, as: UTF8.self) {
            case "online": return [.online]
            case "offline": return [.offline]
            default: return []
            }
        }
        if topic == topics.state {
            guard !payload.isEmpty else { return [] }
            return try receiveDocument(payload)
        }
        if topic.hasPrefix(topics.stationsPrefix) {
            guard !payload.isEmpty else { return removeStation(String(topic.dropFirst(topics.stationsPrefix.count))) }
            return try receiveStation(payload, topic: topic)
        }
        return []
    }

    private mutating func receiveDocument(_ payload: [UInt8]) throws(MQTTMessageError) -> [Change] {
        var incoming: StateDocument
        do {
            incoming = try StateDocument.makeDecoder().decode(StateDocument.self, from: Data(payload))
        } catch {
            throw MQTTMessageError(topic: topics.state, reason: "not a state document: \(error)")
        }
        if let current = document, incoming.sequence <= current.sequence { return [] }
        // A station whose own message was newer than this document keeps that message's value.
        var patched = false
        for (index, station) in incoming.stations.enumerated() {
            if let (newer, sequence) = early[station.id], sequence > incoming.sequence {
                incoming.stations[index] = newer
                patched = true
            } else if let current = document?.station(station.id), let sequence = seen[station.id],
                      sequence > incoming.sequence {
                incoming.stations[index] = current
                patched = true
            }
        }
        early.removeAll()
        for station in incoming.stations where (seen[station.id] ?? 0) < incoming.sequence {
            seen[station.id] = incoming.sequence
        }
        document = incoming
        return [.snapshot(incoming, json: patched ? incoming.jsonBytes : payload)]
    }

    private mutating func receiveStation(_ payload: [UInt8], topic: String) throws(MQTTMessageError) -> [Change] {
        let message: MQTTStationMessage
        do {
            message = try StateDocument.makeDecoder().decode(MQTTStationMessage.self, from: Data(payload))
        } catch {
            throw MQTTMessageError(topic: topic, reason: "not a station message: \(error)")
        }
        let station = message.station
        guard (seen[station.id] ?? 0) < message.sequence else { return [] }
        seen[station.id] = message.sequence
        guard var current = document else {
            early[station.id] = (station, message.sequence)
            return []
        }
        if let index = current.stations.firstIndex(where: { $0.id == station.id }) {
            current.stations[index] = station
        } else {
            current.stations.append(station)
        }
        current.sequence = max(current.sequence, message.sequence)
        current.updatedAt = max(current.updatedAt, message.updatedAt)
        document = current
        return [.station(station, sequence: message.sequence)]
    }

    /// An empty retained message: the station was removed (a reload); the next document says so.
    private mutating func removeStation(_ id: String) -> [Change] {
        early[id] = nil
        return []
    }
}

/// The message of `PREFIX/SITE/stations/ID`.
struct MQTTStationMessage: Decodable {
    var sequence: UInt64
    var station: StationState
    var updatedAt: Date
}

/// A message of a site's topics that does not decode.
public struct MQTTMessageError: Error, Sendable, CustomStringConvertible {
    /// The topic it came on.
    public var topic: String
    /// What is wrong with it.
    public var reason: String

    /// `topic: reason`.
    public var description: String { "\(topic): \(reason)" }
}
