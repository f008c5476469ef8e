import Foundation
import StreamTestSupport
import Testing
@testable import StreamState

/// The state types' own JSON writer makes, byte for byte, what the document's `JSONEncoder`
/// makes (keys sorted, explicit nulls, dates in whole seconds, escapes), on random documents
/// with every awkward character, date and number the encoder treats specially.
@Suite("State JSON writer: the encoder's bytes")
struct StateJSONWriterTests {
    func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try StateDocument.makeEncoder().encode(value), as: UTF8.self)
    }

    func written(_ value: some StateJSONEncodable) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }

    @Test("500 random documents, and the /v1/now, /v1/next and /v1/stations answers made from them")
    func randomDocuments() throws {
        var random = SeededRandom(seed: 0x5EED_5747_E1D0)
        for round in 0..<500 {
            let document = random.document()
            let expected = try encoded(document)
            try #require(written(document) == expected, "round \(round)")
            for station in document.stations {
                let now = Date(timeIntervalSince1970: random.seconds())
                let answer = NowAnswer(station: station, document: document, now: now)
                #expect(written(answer) == (try encoded(answer)), "round \(round): /v1/now")
                let next = NextAnswer(station: station, document: document, now: now)
                #expect(written(next) == (try encoded(next)), "round \(round): /v1/next")
            }
            let summaries = document.stations.map(StationSummary.init)
            #expect(written(summaries) == (try encoded(summaries)), "round \(round): /v1/stations")
        }
    }

    @Test("strings: control characters, quotes, backslashes, slashes, non-ASCII, U+2028 and emoji")
    func strings() throws {
        var all = ""
        for scalar in 0..<0x80 { all.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        all += "é–€\u{2028}\u{FEFF}😀"
        let error = ErrorValue(kind: all, message: "a/b \"c\" \\d", at: Date(timeIntervalSince1970: 0))
        #expect(written(error) == (try encoded(error)))
    }

    @Test("dates: before 1970, fractions rounded down, leap days, far years, absurd ones")
    func dates() throws {
        for seconds in [-1.5, -86_400.25, 0, 0.999, 951_782_400.5, 1_733_300_000.999_999, 4_107_542_400, 253_402_300_799.9,
                        253_402_300_800, -62_135_596_801, 1e18, -1e18, 1e300] {
            let error = ErrorValue(kind: "k", message: "m", at: Date(timeIntervalSince1970: seconds))
            let expected = try encoded(error)
            #expect(written(error) == expected, "\(seconds)")
        }
    }

    @Test("numbers: integral and fractional doubles, exponents, negative zero, large integers")
    func numbers() throws {
        for duration in [0, -0.0, 212, 212.5, 0.1, 1e-7, 1e20, 3e15, 1e16, 100.0 / 3, Double(Int64.max), -17.25] {
            let song = SongValue(title: "t", artist: nil, album: nil, start: nil, duration: duration, source: "icy",
                                 seenAt: Date(timeIntervalSince1970: 0))
            #expect(written(song) == (try encoded(song)), "\(duration)")
        }
        for bitrate in [0, -1, 128, Int.max, Int.min] {
            let stream = StreamStatus(id: "main", url: "u", mode: "follow", status: .up, bitrate: bitrate, reconnects: bitrate)
            #expect(written(stream) == (try encoded(stream)), "\(bitrate)")
        }
        let document = StateDocument(sequence: .max, updatedAt: Date(timeIntervalSince1970: 0), live: nil, stations: [])
        #expect(written(document) == (try encoded(document)))
        #expect(written(document).contains("\"live\":null"), "the schema requires live, null or not")
    }

    @Test("/v1/now of a song with an absurd duration (1e20 s): elapsed, no remaining, no trap (it was a crash of the daemon)")
    func absurdDuration() throws {
        let start = Date(timeIntervalSince1970: 1_733_300_000)
        let song = SongValue(title: "t", artist: nil, album: nil, start: start, duration: 1e20, source: "azuracast", seenAt: start)
        let station = StationState(id: "s", name: "S", tagline: nil, timezone: "UTC", onAir: true,
                                   now: NowState(program: nil, song: song, text: "t"), next: [], recent: [], streams: [],
                                   sources: [], changedAt: start)
        let document = StateDocument(sequence: 1, updatedAt: start, live: "s", stations: [station])
        let answer = NowAnswer(station: station, document: document, now: start.addingTimeInterval(30))
        #expect(answer.elapsed == 30)
        #expect(answer.remaining == nil)
    }
}

/// Random state values from the test kit's seeded generator, so a failure repeats.
extension SeededRandom {
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    mutating func seconds() -> Double {
        Double.random(in: -100_000_000...4_200_000_000, using: &self).rounded(.down)
            + (chance(0.5) ? Double.random(in: 0..<1, using: &self) : 0)
    }

    mutating func date() -> Date { Date(timeIntervalSince1970: seconds()) }

    mutating func maybeDate() -> Date? { chance(0.3) ? nil : date() }

    mutating func text() -> String {
        let pool: [String] = ["a", "Z", " ", "0", "\"", "\\", "/", "\n", "\t", "\r", "\u{0}", "\u{1}", "\u{8}", "\u{c}",
                              "\u{1f}", "\u{7f}", "é", "–", "\u{2028}", "😀", "Clair de Lune", "http://x.invalid/a?b=c"]
        return (0..<Int.random(in: 0...12, using: &self)).map { _ in pool.randomElement(using: &self)! }.joined()
    }

    mutating func maybeText() -> String? { chance(0.3) ? nil : text() }

    mutating func error() -> ErrorValue? {
        chance(0.5) ? nil : ErrorValue(kind: text(), message: text(), at: date(), httpStatus: chance(0.5) ? nil : Int.random(in: 100...599, using: &self))
    }

    mutating func program() -> ProgramValue {
        ProgramValue(name: text(), hosts: (0..<Int.random(in: 0...3, using: &self)).map { _ in text() },
                     start: maybeDate(), end: maybeDate(), source: text(), seenAt: date())
    }

    mutating func song() -> SongValue {
        let durations: [Double] = [0, 212, 212.5, 0.1, 1e-7, 1e20, 3e15, 100.0 / 3, -0.0]
        return SongValue(title: text(), artist: maybeText(), album: maybeText(), composer: maybeText(), start: maybeDate(),
                         duration: chance(0.3) ? nil : (chance(0.5) ? durations.randomElement(using: &self)! : Double.random(in: 0...10_000, using: &self)),
                         source: text(), seenAt: date())
    }

    mutating func station() -> StationState {
        let streams = (0..<Int.random(in: 0...3, using: &self)).map { _ in
            StreamStatus(id: text(), url: text(), mode: text(), status: [.pending, .up, .degraded, .stalled, .down].randomElement(using: &self)!,
                         contentType: maybeText(), bitrate: chance(0.5) ? nil : Int.random(in: -10...100_000, using: &self),
                         name: maybeText(), since: maybeDate(), checkedAt: maybeDate(), error: error(),
                         reconnects: Int.random(in: 0...1_000_000, using: &self),
                         audio: chance(0.5) ? nil : AudioStatus(levelDb: (Double.random(in: -1200...0, using: &self)).rounded() / 10,
                                                                 peakDb: Double.random(in: -120...0, using: &self), silentSince: maybeDate()))
        }
        let sources = (0..<Int.random(in: 0...3, using: &self)).map { _ in
            SourceStatus(kind: text(), url: text(), status: [.pending, .ok, .error, .stale].randomElement(using: &self)!,
                         checkedAt: maybeDate(), okAt: maybeDate(), error: error())
        }
        return StationState(id: text(), name: text(), tagline: maybeText(), timezone: text(), onAir: chance(0.5),
                            now: NowState(program: chance(0.5) ? program() : nil, song: chance(0.5) ? song() : nil, text: text()),
                            next: (0..<Int.random(in: 0...4, using: &self)).map { _ in program() },
                            recent: (0..<Int.random(in: 0...4, using: &self)).map { _ in song() },
                            streams: streams, sources: sources, changedAt: date(),
                            outputs: (0..<Int.random(in: 0...2, using: &self)).map { _ in
                                OutputStatus(kind: text(), target: text(), status: [.idle, .ok, .error].randomElement(using: &self)!,
                                             lastText: maybeText(), lastSentAt: maybeDate(), pending: Int.random(in: 0...9, using: &self),
                                             error: error())
                            })
    }

    mutating func document() -> StateDocument {
        StateDocument(schema: 1, sequence: UInt64.random(in: 0...UInt64.max, using: &self), updatedAt: date(),
                      live: maybeText(), stale: chance(0.5),
                      stations: (0..<Int.random(in: 0...4, using: &self)).map { _ in station() })
    }
}
