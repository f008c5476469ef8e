import Foundation
import NIOCore

/// The demo station's endless MP3 stream on one connection, Icecast-style: an `HTTP/1.0`
/// head with `icy-*` headers, then silent MPEG-1 Layer III frames (128 kbps, 48 kHz, mono,
/// 384 bytes each, so exactly 16 000 bytes per second) paced to real time from the moment
/// of connection, with no initial burst.
///
/// When the client sent `Icy-MetaData: 1`, a metadata block follows every `metaint` audio
/// bytes: `StreamTitle='...';` when the title changed since the last block (the first block
/// always carries it), else an empty block. Like Icecast, a client that falls more than
/// `maximumBacklog` seconds behind is disconnected.
///
/// Lives on the channel's event loop: every method runs there, so the mutable state is never
/// shared (hence `@unchecked Sendable`, needed to schedule the ticks).
final class DemoICYStream: @unchecked Sendable {
    /// Audio bytes per second (128 kbps).
    static let bytesPerSecond = 16_000
    /// Audio bytes between metadata blocks.
    static let metaint = 16_000
    /// How often bytes are sent.
    static let tick = TimeAmount.milliseconds(50)
    /// How far behind (seconds of audio) a client may fall before it is dropped.
    static let maximumBacklog = 10
    /// One silent frame: header FF FB 94 C4 (MPEG-1 Layer III, no CRC, 128 kbps, 48 kHz,
    /// mono), then zeroed side information and main data (no coded audio: silence).
    static let frame: [UInt8] = [0xFF, 0xFB, 0x94, 0xC4] + [UInt8](repeating: 0, count: 380)

    private let channel: any Channel
    private let service: DemoService
    private let metadata: Bool
    private var started = NIODeadline.now()
    private var audioSent: Int64 = 0
    private var sinceMetadata = 0
    private var lastTitle: String?

    init(channel: any Channel, service: DemoService, metadata: Bool) {
        self.channel = channel
        self.service = service
        self.metadata = metadata
    }

    /// Sends the head, then (unless `headOnly`) starts the paced body.
    func start(headOnly: Bool) {
        var head = "HTTP/1.0 200 OK\r\nServer: streamd-demo (Icecast-compatible)\r\nConnection: Close\r\n"
        head += "Content-Type: audio/mpeg\r\nCache-Control: no-cache, no-store\r\nPragma: no-cache\r\n"
        head += "Access-Control-Allow-Origin: *\r\n"
        head += "icy-br:128\r\nicy-description:A simulated station served by streamd demo\r\n"
        head += "icy-genre:Various\r\nicy-name:\(DemoPlaylist.stationName)\r\nicy-pub:0\r\n"
        if metadata { head += "icy-metadata:1\r\nicy-metaint:\(Self.metaint)\r\n" }
        head += "\r\n"
        let written = channel.writeAndFlush(channel.allocator.buffer(string: head))
        guard !headOnly else {
            let channel = self.channel
            written.whenComplete { _ in channel.close(promise: nil) }
            return
        }
        started = NIODeadline.now()
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: Self.tick, delay: Self.tick) { task in
            self.send(task)
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }

    /// Sends the audio (and metadata) due since the last tick.
    private func send(_ task: RepeatedTask) {
        guard channel.isActive else { task.cancel(); return }
        let elapsed = (NIODeadline.now() - started).nanoseconds
        let due = elapsed / (1_000_000_000 / Int64(Self.bytesPerSecond)) - audioSent
        guard due > 0 else { return }
        guard channel.isWritable else {
            if due > Int64(Self.maximumBacklog * Self.bytesPerSecond) { channel.close(promise: nil) }
            return
        }
        var left = Int(min(due, Int64(4 * Self.bytesPerSecond)))
        var buffer = channel.allocator.buffer(capacity: left + left / Self.metaint * 256 + 256)
        while left > 0 {
            let run = metadata ? min(left, Self.metaint - sinceMetadata) : left
            writeAudio(run, into: &buffer)
            left -= run
            if metadata {
                sinceMetadata += run
                if sinceMetadata == Self.metaint {
                    sinceMetadata = 0
                    buffer.writeBytes(metadataBlock())
                }
            }
        }
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Appends `count` bytes of the frame pattern, continuing where the stream left off.
    private func writeAudio(_ count: Int, into buffer: inout ByteBuffer) {
        var left = count
        while left > 0 {
            let offset = Int(audioSent % Int64(Self.frame.count))
            let run = min(left, Self.frame.count - offset)
            buffer.writeBytes(Self.frame[offset..<(offset + run)])
            audioSent += Int64(run)
            left -= run
        }
    }

    /// The block for this boundary: the title if it changed, else an empty block.
    private func metadataBlock() -> [UInt8] {
        let play = service.playlist.play(at: service.clock())
        let title = DemoPayloads.icyTitle(play.item, length: service.playlist.songLength)
        guard title != lastTitle else { return [0] }
        lastTitle = title
        return DemoPayloads.icyMetadataBlock(title: title)
    }
}
