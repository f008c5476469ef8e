import Foundation
import StreamHTTP
import StreamState
import StreamFormats
import StreamAudio

/// One connection to an ICY or Ogg stream, driven by the engine thread: it reads the head,
/// demultiplexes the body in libcurl's buffer (audio is counted, never copied), and reports
/// titles, the measured bitrate and the outcome. This is where a byte from a stream goes.
///
/// Everything but construction happens on the engine thread, inside libcurl's callbacks; the
/// engine stops calling the session the moment its task is cancelled, so a session never
/// reports after its watcher was told to stop.
final class StreamSession: HTTPBodyHandler, @unchecked Sendable {
    /// How the session ended, as the watcher needs to know it.
    struct Outcome: Sendable {
        var result: Result<HTTPTransferSummary, HTTPError>
        /// An HTTP error status or a refused format, found in the head.
        var refusal: ErrorValue?
        /// The audio stopped flowing (too few bytes and, where told, too little audio time):
        /// the session ended the transfer.
        var stall: ErrorValue?
        /// The server's body was an HLS playlist: watch it as HLS.
        var isPlaylist: Bool
        /// Audio arrived.
        var receivedAudio: Bool
        /// A probe got what it came for and hung up on purpose.
        var probeSatisfied: Bool
        /// When the stream was confirmed up (a probe: when the head arrived).
        var upSince: Date?
    }

    private enum Decoder {
        case undecided
        case plain
        case icy(IcyDemuxer)
        case ogg(OggTitleTracker)
    }

    private let spec: StreamSpec
    private let report: @Sendable (StreamEvent) -> Void
    private let clock: @Sendable () -> Date
    private let probe: Bool
    private let tuning: MonitorTuning
    private let charset: TextCharset?
    private let metadataHealth: MetadataHealth

    // Engine-thread state.
    private var decoder = Decoder.undecided
    private var streamName: String?
    private var lastTitle: String?
    /// The payload of the last ICY block that parsed, and whether it carried a title or URL.
    private var lastBlock: (payload: [UInt8], announced: Bool)?
    private var outcome = Outcome(result: .failure(HTTPError(kind: .other, message: "not finished", url: "")),
                                  refusal: nil, stall: nil, isPlaylist: false, receivedAudio: false, probeSatisfied: false)
    private var meter = RateMeter()
    private var audioBytes = 0
    private var head: StreamHead?
    /// Metadata blocks in a row that did not parse; at `MetadataHealth.syncLossBlocks` the
    /// stream is reported degraded, until a block parses again.
    private var unparsedInARow = 0
    /// Whether audio has arrived at a sustained rate (a followed stream is `up` only then).
    private var confirmed = false
    private var sustained: SustainedRate?
    /// Whether the audio still flows (a followed stream; a probe has its time limit).
    private var stallWatch: StallWatch?
    /// What the stream said before it was confirmed: told right after `up`, or never.
    private var held: (metadata: StreamEvent?, degraded: StreamEvent?) = (nil, nil)
    /// What the body is (audio, or a web page pasted where the stream URL belongs), decided
    /// from its first audio bytes; nothing is up before it is audio.
    private var content = StreamContentSniffer.Verdict.undecided
    private var sniffed: [UInt8] = []
    private var contentType: String?
    /// Dead-air detection of an MP3 stream with `silence` set: its audio goes here too.
    private var audioMeter: AudioMeter?
    /// The audio time of a followed MP3 or AAC stream, from its frame headers (Ogg has its
    /// granule positions): what the stall rule counts beside the bytes.
    private var frameClock: AudioFrameClock?

    init(spec: StreamSpec, charset: TextCharset?, probe: Bool, tuning: MonitorTuning, metadataHealth: MetadataHealth,
         clock: @escaping @Sendable () -> Date, report: @escaping @Sendable (StreamEvent) -> Void) {
        self.spec = spec
        self.charset = spec.charset ?? charset
        self.probe = probe
        self.tuning = tuning
        self.metadataHealth = metadataHealth
        self.clock = clock
        self.report = report
    }

    /// Runs the session on `engine` until it ends. Cancelling the task cancels the transfer
    /// at once; when this returns, the connection is closed and the session silent.
    func run(_ request: HTTPRequest, on engine: CurlEngine) async -> Outcome {
        let result = await engine.perform(request, handler: self)
        audioMeter?.stop()   // what it measures from now on belongs to no connection
        // The engine finished with the handler: its state is ours to read.
        outcome.result = result
        if case .success = result, outcome.refusal == nil, !outcome.isPlaylist, content == .undecided {
            decideContent(complete: true)  // a short body: all there is
        }
        if case .success = result, probe, outcome.receivedAudio, !confirmed, case .audio = content {
            confirm(at: clock())  // a probe read a whole (short) body of audio: that is its answer
        }
        return outcome
    }

    // MARK: HTTPBodyHandler (engine thread)

    func transferDidReceiveHead(_ head: HTTPResponseHead) {
        let now = clock()
        let icy = IcyHeaders(head.headers.fields)
        guard head.isSuccess else {
            outcome.refusal = ErrorValue(kind: "http", message: head.statusLine.isEmpty ? "HTTP \(head.status)" : head.statusLine, at: now,
                                         httpStatus: head.status)
            return
        }
        if StreamFormatDetection.isPlaylist(contentType: icy.contentType, url: spec.url) && spec.format != .icy && spec.format != .ogg {
            outcome.isPlaylist = true
            return
        }
        streamName = icy.name
        contentType = icy.contentType
        var unusableMetaint = icy.metaintError
        switch spec.format == .auto ? (icy.isOgg ? .ogg : .icy) : spec.format {
        case .ogg:
            decoder = .ogg(OggTitleTracker())
            unusableMetaint = nil
        default:
            decoder = .plain
            if let metaint = icy.metaint {
                do {
                    decoder = .icy(try IcyDemuxer(metaint: metaint))
                } catch {
                    unusableMetaint = error
                }
            }
        }
        meter.start(at: now, skipping: .seconds(3))
        if let silence = spec.silence, !probe, let codec = isOgg ? AudioCodec.ogg : AudioCodec(contentType: icy.contentType) {
            let report = self.report
            audioMeter = AudioMeter(silence: silence, codec: codec, clock: clock) { reading, at in report(.audio(reading, at: at)) }
        }
        let head = StreamHead(contentType: icy.contentType, name: icy.name, announcedBitrate: icy.bitrate)
        self.head = head
        // Up only once audio proves it: a followed stream when audio arrives at a sustained
        // rate, a probe when it got its first title or `probeAudioBytes` of audio. A server that
        // sends its head and a trickle is not on the air.
        if !probe {
            // The same rate both ways: a 16 kbit/s stream announcing it is held to 1000 bytes/s.
            let rate = tuning.sustainedBytesPerSecond(announcedKbps: icy.bitrate)
            sustained = SustainedRate(bytesPerSecond: rate, seconds: tuning.upAfterSeconds, from: now)
            stallWatch = StallWatch(bytesPerSecond: rate, window: tuning.stallWindow, from: now)
            if !isOgg { frameClock = AudioFrameClock() }
        }
        report(.connected(head, at: now))
        if let unusableMetaint {
            // Audio flows, but its titles cannot be read: say so instead of a stream without titles.
            tell(.degraded(ErrorValue(kind: "metadata", message: "titles cannot be read: \(unusableMetaint.message)", at: now)))
        }
    }

    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard outcome.refusal == nil, !outcome.isPlaylist else { return false }
        outcome.receivedAudio = true
        let before = audioBytes
        let sniffing = content == .undecided
        switch decoder {
        case .undecided, .plain:
            audioBytes += bytes.count
            if sniffing { sniff(bytes) }
            frameClock?.feed(bytes)
            audioMeter?.feed(bytes)
        case .icy(var demuxer):
            decoder = .plain  // release the enum's copy while mutating
            let blocks = demuxer.feed(bytes) { audio in
                audioBytes += audio.count
                if sniffing { sniff(audio) }
                frameClock?.feed(audio)
                audioMeter?.feed(audio)
            }
            decoder = .icy(demuxer)
            for block in blocks { handleICY(block) }
        case .ogg(var tracker):
            decoder = .plain
            audioBytes += bytes.count
            if sniffing { sniff(bytes) }
            let events = tracker.feed(bytes)
            decoder = .ogg(tracker)
            audioMeter?.feed(bytes)
            for case .metadata(_, _, let track) in events { announce(track, raw: track.map { "\($0.artist ?? "")|\($0.title)" }, container: "ogg") }
        }
        if sniffing {
            decideContent(complete: false)
            guard outcome.refusal == nil, !outcome.isPlaylist else { return false }
        }
        let now = clock()
        measure(audioBytes - before, at: now)
        if probe {
            if case .plain = decoder, audioBytes >= tuning.probeAudioBytes { outcome.probeSatisfied = true }
            if outcome.probeSatisfied, case .audio = content {
                if !confirmed { confirm(at: now) }
                return false
            }
        } else {
            let audioSeconds = audioTime
            if var watch = stallWatch {
                let stall = watch.add(audioBytes - before, audioSeconds: audioSeconds, at: now)
                stallWatch = watch
                if let stall {
                    outcome.stall = ErrorValue(kind: "stalled", message: stall, at: now)
                    return false
                }
            }
            if !confirmed, var rate = sustained {
                let sustainedNow = rate.add(audioBytes - before, audioSeconds: audioSeconds, at: now)
                sustained = rate
                if sustainedNow, case .audio = content { confirm(at: now) }
            }
        }
        return true
    }

    /// The audio time the stream has delivered: Ogg's granule positions, else the MP3 or ADTS
    /// frames walked (zero for a stream of neither, judged by its bytes alone).
    private var audioTime: Double? {
        if case .ogg(let tracker) = decoder { return tracker.audioSeconds }
        return frameClock?.seconds
    }

    // MARK: Audio or not

    /// Keeps the first audio bytes until the sniffer has decided.
    private var isOgg: Bool {
        if case .ogg = decoder { return true }
        return false
    }

    private func sniff(_ bytes: UnsafeRawBufferPointer) {
        let room = StreamContentSniffer.bytesNeeded - sniffed.count
        if room > 0 { sniffed.append(contentsOf: bytes.prefix(room)) }
    }

    /// Decides what the body is: audio goes on; an HLS playlist is handed to the HLS watcher;
    /// anything else ends the connection with an error that says what arrived.
    private func decideContent(complete: Bool) {
        content = StreamContentSniffer.classify(contentType: contentType, prefix: sniffed, complete: complete)
        switch content {
        case .undecided, .audio:
            break
        case .hlsPlaylist:
            outcome.isPlaylist = true
        case .notAudio(let what):
            outcome.refusal = ErrorValue(kind: "not-audio", message: StreamContentSniffer.message(what), at: clock())
        }
        if content != .undecided { sniffed = [] }
    }

    // MARK: Titles and rate

    private func handleICY(_ block: IcyMetadataBlock) {
        // A title repeats in every block until it changes (once a second or so per stream):
        // the same bytes as the last block that parsed have nothing new to parse or announce.
        if unparsedInARow == 0, let last = lastBlock, last.payload == block.payload {
            if probe && last.announced { outcome.probeSatisfied = true }
            return
        }
        let metadata: IcyMetadata
        do {
            metadata = try IcyMetadata.parse(block, charset: charset)
        } catch {
            unparsedInARow += 1
            metadataHealth.blockFailed(error, inARow: unparsedInARow)
            if unparsedInARow == MetadataHealth.syncLossBlocks {
                tell(.degraded(ErrorValue(kind: "metadata",
                                            message: "the stream's metadata lost sync: \(unparsedInARow) blocks in a row did not parse (\(error.message))",
                                            at: clock())))
            }
            return
        }
        if unparsedInARow >= MetadataHealth.syncLossBlocks {
            metadataHealth.recovered()
            if confirmed, let head { report(.up(head, at: clock())) } else { held.degraded = nil }
            lastTitle = nil  // announce the title again: the degraded stream's title was cleared
        }
        unparsedInARow = 0
        let announced = metadata.streamTitle != nil || metadata.streamURL != nil
        lastBlock = (block.payload, announced)
        guard announced else { return }
        let raw = (metadata.streamTitle ?? "") + "|" + (metadata.streamURL ?? "")
        announce(metadata.track(streamName: streamName), raw: raw, container: "icy")
    }

    private func announce(_ track: Track?, raw: String?, container: String) {
        if probe { outcome.probeSatisfied = true }
        guard raw != lastTitle || lastTitle == nil else { return }
        lastTitle = raw
        tell(.metadata(track, container: container, at: clock()))
    }

    /// Reports `event` now if the stream is confirmed up, else holds the latest of its kind.
    private func tell(_ event: StreamEvent) {
        guard !confirmed else {
            report(event)
            return
        }
        if case .degraded = event { held.degraded = event } else { held.metadata = event }
    }

    /// Audio has been arriving at a sustained rate: the stream is up, and what it said while
    /// being checked counts now.
    private func confirm(at now: Date) {
        confirmed = true
        outcome.upSince = now
        if let head { report(.up(head, at: now)) }
        if let metadata = held.metadata { report(metadata) }
        if let degraded = held.degraded { report(degraded) }
        held = (nil, nil)
    }

    private func measure(_ count: Int, at now: Date) {
        if let kbps = meter.add(count, at: now, window: tuning.bitrateWindow) {
            report(.bitrate(kbps, at: now))
        }
    }
}

/// Whether audio arrives at a sustained rate: after the connect burst (the first half second,
/// which Icecast fills with up to 64 KiB), at least `seconds` of audio averaging
/// `bytesPerSecond` or more, or, for a stream that tells its audio time (Ogg, MP3, ADTS), three quarters
/// of real time in audio (Vorbis or Opus silence is a few hundred bytes a second). An average,
/// not second-by-second buckets: Ogg and low-bitrate streams arrive in page-sized bursts a
/// second or two apart. A trickle never gets there.
struct SustainedRate: Sendable {
    /// The part of the connection not measured: the connect burst.
    static let burst: TimeInterval = 0.5
    /// The share of the measured time that must arrive as audio time.
    static let audioShare = 0.75

    let bytesPerSecond: Int
    let seconds: Int
    private let start: Date
    private var bytes = 0
    /// The audio time told when the burst was over.
    private var audioAfterBurst: Double?

    init(bytesPerSecond: Int, seconds: Int, from start: Date) {
        self.bytesPerSecond = bytesPerSecond
        self.seconds = max(1, seconds)
        self.start = start
    }

    /// Adds `count` bytes that arrived at `now`, with the audio time the stream has delivered
    /// so far (nil: it does not tell); true once the rate has been sustained.
    mutating func add(_ count: Int, audioSeconds: Double? = nil, at now: Date) -> Bool {
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= Self.burst else { return false }
        bytes += count
        if audioAfterBurst == nil { audioAfterBurst = audioSeconds }
        let measured = elapsed - Self.burst
        guard measured >= Double(seconds) else { return false }
        if Double(bytes) >= Double(bytesPerSecond) * measured { return true }
        guard let audioSeconds, let audioAfterBurst else { return false }
        return audioSeconds - audioAfterBurst >= measured * Self.audioShare
    }
}

/// Measures audio bytes per second over a window, ignoring the burst servers send at
/// connect. Reports a new figure only when it moved by 5 % or more.
struct RateMeter: Sendable {
    private var windowStart: Date?
    private var ignoreUntil: Date?
    private var bytes = 0
    private var reported: Int?

    mutating func start(at now: Date, skipping burst: Duration) {
        ignoreUntil = now.addingTimeInterval(burst.seconds)
        windowStart = nil
        bytes = 0
    }

    /// Adds bytes; returns kbit/s when a window closed with a figure worth reporting.
    mutating func add(_ count: Int, at now: Date, window: Duration) -> Int? {
        if let ignoreUntil, now < ignoreUntil { return nil }
        guard let start = windowStart else {
            windowStart = now
            bytes = 0
            return nil
        }
        bytes += count
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= window.seconds else { return nil }
        let kbps = Int((Double(bytes) * 8 / 1000 / elapsed).rounded())
        windowStart = now
        bytes = 0
        if let reported, abs(kbps - reported) * 20 < max(reported, 1) { return nil }
        reported = kbps
        return kbps
    }
}

/// Tells a playlist from audio.
enum StreamFormatDetection {
    static func isPlaylist(contentType: String?, url: String) -> Bool {
        let type = (contentType ?? "").lowercased()
        if type.contains("mpegurl") { return true }
        let path = url.split(separator: "?").first.map(String.init)?.lowercased() ?? ""
        return path.hasSuffix(".m3u8")
    }
}
