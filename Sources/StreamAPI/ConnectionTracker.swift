import NIOCore
import NIOConcurrencyHelpers

/// The open connections of every listener of a server: admits up to the limit, and closes
/// them all at shutdown.
final class ConnectionTracker: Sendable {
    private let limit: Int
    private let state = NIOLockedValueBox(State())

    struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var closing = false
    }

    init(limit: Int) { self.limit = limit }

    /// Registers `channel` unless the server is at its limit or shutting down.
    func admit(_ channel: any Channel) -> Bool {
        let admitted = state.withLockedValue { s -> Bool in
            guard !s.closing, s.channels.count < limit else { return false }
            s.channels[ObjectIdentifier(channel)] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { [weak self] _ in
                _ = self?.state.withLockedValue { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }
        return admitted
    }

    /// How many connections are open.
    var count: Int { state.withLockedValue { $0.channels.count } }

    /// Refuses new connections and closes every open one, all at once (one by one, each close
    /// would wait its turn on an event loop busy writing to the others).
    func closeAll() async {
        let channels = state.withLockedValue { s in
            s.closing = true
            return Array(s.channels.values)
        }
        await withDiscardingTaskGroup { group in
            for channel in channels {
                group.addTask { try? await channel.close() }
            }
        }
    }
}
