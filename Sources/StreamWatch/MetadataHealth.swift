import Foundation
import Logging
import Metrics
import StreamFormats
import NIOConcurrencyHelpers

/// What one stream's metadata blocks that do not parse come to: each is counted
/// (`streamd_stream_metadata_errors_total{station,stream}`), and logged, but at most once a
/// `logInterval` per stream with the count since the last line, so a stream whose demuxer
/// lost sync cannot flood the journal. Lives as long as the stream's watcher, across
/// reconnections; the counter appears with the first failure and goes with the watcher
/// (``close()``), so a station removed by a reload leaves no series behind.
///
/// ``syncLossBlocks`` blocks in a row that do not parse mean the demuxer has lost the
/// stream's metadata interval: the session then reports the stream degraded (its title is
/// no longer trusted) until a block parses again.
public final class MetadataHealth: Sendable {
    /// Unparsable blocks in a row that mark the stream degraded.
    public static let syncLossBlocks = 3
    /// The least time between two log lines about one stream.
    public static let logInterval: Duration = .seconds(600)

    private let station: String
    private let stream: String
    private let logger: Logger
    private let counter = NIOLockedValueBox<Counter?>(nil)
    private let log = NIOLockedValueBox(LogState())

    private struct LogState {
        var lastLine: ContinuousClock.Instant?
        var unlogged = 0
    }

    /// The health of `station`'s stream `stream`.
    public init(station: String, stream: String, logger: Logger) {
        self.station = station
        self.stream = stream
        self.logger = logger
    }

    /// The watcher ended: its counter leaves the metrics.
    public func close() {
        counter.withLockedValue { counter in
            counter?.destroy()
            counter = nil
        }
    }

    /// A block did not parse (`inARow` counts this one).
    func blockFailed(_ error: ParseError, inARow: Int) {
        counter.withLockedValue { counter in
            if counter == nil {
                counter = Counter(label: "streamd_stream_metadata_errors_total",
                                  dimensions: [("station", station), ("stream", stream)])
            }
            counter?.increment()
        }
        let now = ContinuousClock.now
        let line = log.withLockedValue { state -> Int? in
            state.unlogged += 1
            if let last = state.lastLine, now - last < Self.logInterval { return nil }
            defer { state.unlogged = 0; state.lastLine = now }
            return state.unlogged
        }
        guard let count = line else { return }
        let lost = inARow >= Self.syncLossBlocks ? "; metadata sync lost (\(inARow) in a row)" : ""
        logger.warning("stream \(station)/\(stream): \(count) metadata block\(count == 1 ? "" : "s") did not parse since the last report\(lost): \(error)",
                       metadata: ["station": "\(station)", "stream": "\(stream)"])
    }

    /// Blocks parse again after a sync loss.
    func recovered() {
        logger.notice("stream \(station)/\(stream): metadata in sync again")
    }
}
