import Dispatch
import NIOConcurrencyHelpers
import StreamState

/// The one-line summary systemd shows in `systemctl status` (`STATUS=`), made from the
/// document. Pure.
public enum ServiceStatus {
    /// e.g. `2/3 stations on air; live wvia-fm: Morning Edition; 1 source failing (wvia-fm/triton)`.
    public static func line(_ document: StateDocument) -> String {
        let onAir = document.stations.filter(\.onAir).count
        var parts = ["\(onAir)/\(document.stations.count) station\(document.stations.count == 1 ? "" : "s") on air"]
        if let live = document.live.flatMap(document.station) {
            parts.append("live \(live.id): \(live.now.text)")
        }
        let failingSources = document.stations.flatMap { station in
            station.sources.filter { $0.status == .stale || $0.status == .error }.map { "\(station.id)/\($0.kind)" }
        }
        let failingStreams = document.stations.flatMap { station in
            station.streams.filter { $0.status == .down || $0.status == .stalled }.map { "\(station.id)/\($0.id)" }
        }
        if !failingStreams.isEmpty {
            parts.append("\(failingStreams.count) stream\(failingStreams.count == 1 ? "" : "s") down (\(failingStreams.prefix(3).joined(separator: ", ")))")
        }
        if !failingSources.isEmpty {
            parts.append("\(failingSources.count) source\(failingSources.count == 1 ? "" : "s") failing (\(failingSources.prefix(3).joined(separator: ", ")))")
        }
        if document.stale { parts.append("serving the saved state until refreshed") }
        return parts.joined(separator: "; ")
    }
}

/// Sends `STATUS=` to systemd when the summary line changes, at most once per ``interval``.
///
/// Making the line reads every station; made at every change of the document it was a fifth
/// of the daemon's CPU with 300 followed streams changing titles (Benchmarks/README.md). The
/// changes within an interval are coalesced: the newest document's line is made when the
/// interval is over.
public final class ServiceStatusPublisher: StatePublisher {
    /// The least time between two lines.
    public static let interval: Duration = .seconds(1)

    private let notifier: SystemdNotifier
    private let last = LastLine()
    private struct Pending {
        var document: StateDocument?
        var armed = false
    }
    private let pending = NIOLockedValueBox(Pending())
    private let queue = DispatchQueue(label: "streamd.systemd-status")

    /// A publisher sending through `notifier`.
    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    /// Keeps `document`; its line goes out within ``interval``, if it differs from the last.
    public func publish(_ document: StateDocument, changed: StationState?) {
        let arm = pending.withLockedValue { pending -> Bool in
            pending.document = document
            defer { pending.armed = true }
            return !pending.armed
        }
        guard arm else { return }
        let (seconds, attoseconds) = Self.interval.components
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))) { [self] in
            let document = pending.withLockedValue { pending -> StateDocument? in
                pending.armed = false
                defer { pending.document = nil }
                return pending.document
            }
            guard let document else { return }
            let line = ServiceStatus.line(document)
            if last.replace(with: line) { notifier.status(line) }
        }
    }
}

final class LastLine: Sendable {
    private let value = NIOLockedValueBox<String?>(nil)

    /// Stores `line`; true when it differs from what was stored.
    func replace(with line: String) -> Bool {
        value.withLockedValue { stored in
            guard stored != line else { return false }
            stored = line
            return true
        }
    }
}
