import Foundation

/// The streams' histories as the history file holds them (`state.history.json` beside the
/// state file): each stream's minutes run-length encoded, so a day of one condition is one
/// run. Bounded: at most ``StreamHistory/capacity`` minutes a stream.
///
/// ```json
/// {"schema":1,"savedAt":"2026-12-04T10:15:42Z","streams":[
///   {"station":"wvia-fm","stream":"main","lastMinute":"2026-12-04T10:15:00Z",
///    "runs":[[1380,0,0,0,0],[59,60000,0,0,0],[1,42000,0,0,0]]}]}
/// ```
///
/// A run is `[minutes, up, silent, stalled, down]`, the milliseconds of each condition in each
/// of its minutes; runs are oldest first and end with the minute `lastMinute` begins.
public struct SavedHistories: Codable, Sendable, Equatable {
    /// One stream's saved history.
    public struct Stream: Codable, Sendable, Equatable {
        /// The station's id.
        public var station: String
        /// The stream's id.
        public var stream: String
        /// When the newest minute begins.
        public var lastMinute: Date
        /// The minutes, run-length encoded, oldest first.
        public var runs: [[Int]]

        /// Creates a saved stream history.
        public init(station: String, stream: String, lastMinute: Date, runs: [[Int]]) {
            self.station = station
            self.stream = stream
            self.lastMinute = lastMinute
            self.runs = runs
        }
    }

    /// The format's version: 1.
    public var schema: Int
    /// When the file was written.
    public var savedAt: Date
    /// Every stream's history.
    public var streams: [Stream]

    /// The newest schema this build reads.
    public static let currentSchema = 1

    /// Creates saved histories.
    public init(schema: Int = SavedHistories.currentSchema, savedAt: Date, streams: [Stream]) {
        self.schema = schema
        self.savedAt = savedAt
        self.streams = streams
    }
}

extension SavedHistories.Stream {
    /// `history`'s minutes, run-length encoded.
    public init(station: String, stream: String, history: StreamHistory) {
        var runs: [[Int]] = []
        for minute in history.minutes {
            let values = minute.milliseconds.map(Int.init)
            if let last = runs.last, Array(last.dropFirst()) == values {
                runs[runs.count - 1][0] += 1
            } else {
                runs.append([1] + values)
            }
        }
        self.init(station: station, stream: stream,
                  lastMinute: Date(timeIntervalSince1970: Double(history.lastMinute) * 60), runs: runs)
    }

    /// The history these runs describe, its condition unknown from `start`. Throws when a run
    /// is not five numbers, a minute holds more than 60,000 ms or a negative count, or the
    /// runs hold more than 24 hours.
    public func history(start: Date) throws(SavedHistoryError) -> StreamHistory {
        var minutes: [StreamHistory.Minute] = []
        for (i, run) in runs.enumerated() {
            let at = "\(station)/\(stream) run \(i + 1)"
            guard run.count == 5 else { throw SavedHistoryError("\(at): \(run.count) numbers, not 5 (minutes, up, silent, stalled, down)") }
            let count = run[0]
            guard count >= 1, minutes.count + count <= StreamHistory.capacity else {
                throw SavedHistoryError("\(at): \(count) minutes; a history holds 1 to \(StreamHistory.capacity) minutes")
            }
            let values = Array(run.dropFirst())
            guard values.allSatisfy({ $0 >= 0 }), values.reduce(0, +) <= 60_000 else {
                throw SavedHistoryError("\(at): \(values) ms is not a minute (each 0 or more, together at most 60000)")
            }
            minutes.append(contentsOf: repeatElement(StreamHistory.Minute(milliseconds: values.map { UInt16($0) }), count: count))
        }
        let seconds = lastMinute.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else { throw SavedHistoryError("\(station)/\(stream): lastMinute \(seconds) is not a date") }
        return StreamHistory(minutes: minutes, lastMinute: StreamHistory.minute(of: lastMinute), start: start)
    }
}

extension SavedHistories {
    /// Decodes a history file's bytes. Throws what is wrong and where.
    public static func decode(_ bytes: Data) throws(SavedHistoryError) -> SavedHistories {
        guard !bytes.isEmpty else { throw SavedHistoryError("the file is empty") }
        let saved: SavedHistories
        do {
            saved = try StateDocument.makeDecoder().decode(SavedHistories.self, from: bytes)
        } catch {
            throw SavedHistoryError("not a history file (\(bytes.count) bytes): \(DecodingProblem.describe(error))")
        }
        guard saved.schema >= 1, saved.schema <= currentSchema else {
            throw SavedHistoryError("schema \(saved.schema) is not one this streamd reads (1 to \(currentSchema))")
        }
        return saved
    }

    /// The histories of the saved streams that `keep` accepts, each unknown from `start`.
    /// Throws at the first stream that is not valid.
    public func histories(start: Date, keep: (String, String) -> Bool = { _, _ in true })
        throws(SavedHistoryError) -> [StreamKey: StreamHistory]
    {
        var result: [StreamKey: StreamHistory] = [:]
        for stream in streams where keep(stream.station, stream.stream) {
            result[StreamKey(station: stream.station, stream: stream.stream)] = try stream.history(start: start)
        }
        return result
    }
}

/// A stream of a station: the key of its history.
public struct StreamKey: Hashable, Sendable, Comparable {
    /// The station's id.
    public var station: String
    /// The stream's id.
    public var stream: String

    /// Creates a key.
    public init(station: String, stream: String) {
        self.station = station
        self.stream = stream
    }

    /// Station, then stream.
    public static func < (a: StreamKey, b: StreamKey) -> Bool { (a.station, a.stream) < (b.station, b.stream) }
}

/// A history file that cannot be read: what is wrong, and where in it.
public struct SavedHistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
