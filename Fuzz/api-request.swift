// The socket API's request path: the bytes of one client connection through the pipeline the
// server builds for it (APIServer.addConnectionHandlers: idle and request time limits, the head
// size guard, NIO's HTTP/1.1 decoder and pipelining handler, the connection handler, the router
// and the responder) on NIO's testing channel, answered from a fixed state document. Then the
// clock jumps 2 minutes (the time limits fire) and the connection closes.
//
// Input: the first byte chooses the listener (odd: TCP, read-only; even: the Unix socket), the
// second how the rest is cut into reads (0: one read; n: reads of n bytes); the rest are the
// bytes the client sends. Whatever they are, the server answers HTTP or closes: anything it
// writes starts with "HTTP/1.", and it never traps.
import Foundation
import Logging
import NIOCore
import NIOEmbedded
@testable import StreamAPI
import StreamState

/// A backend with the fixed document; refresh and reload succeed (reload fails for
/// `?station=` values, never asked).
struct FuzzBackend: StateAPIBackend {
    let document: StateDocument
    let snapshot: DocumentSnapshot?

    init(_ document: StateDocument) {
        self.document = document
        let snapshot = DocumentSnapshot()
        snapshot.publish(document, changed: nil)
        self.snapshot = snapshot
    }

    func currentDocument() async -> StateDocument { document }
    func refresh(station: String?) async -> Bool { station.map { document.station($0) != nil } ?? true }
    func reload() async throws(ReloadError) {}
    func engineAlive() async -> Bool { true }
}

/// WVIA-FM on the air with a program, a song and a next program; WVIA-HD2 off the air.
let fuzzDocument: StateDocument = {
    let seen = fuzzNow.addingTimeInterval(-60)
    let program = ProgramValue(name: "Morning Edition", hosts: ["Steve Inskeep"], start: fuzzNow.addingTimeInterval(-3600),
                               end: fuzzNow.addingTimeInterval(3600), source: "composer", seenAt: seen)
    let next = ProgramValue(name: "Here and Now", hosts: [], start: fuzzNow.addingTimeInterval(3600),
                            end: fuzzNow.addingTimeInterval(7200), source: "composer", seenAt: seen)
    let song = SongValue(title: "Clair de Lune", artist: "Debussy", album: nil, start: fuzzNow.addingTimeInterval(-30),
                         duration: 300, source: "icy", seenAt: seen)
    let fm = StationState(id: "wvia-fm", name: "WVIA-FM", tagline: "89.9 FM", timezone: "America/New_York", onAir: true,
                          now: NowState(program: program, song: song, text: "Debussy – Clair de Lune"), next: [next],
                          recent: [], streams: [], sources: [], changedAt: seen)
    let hd2 = StationState(id: "wvia-hd2", name: "WVIA-HD2", tagline: nil, timezone: "America/New_York", onAir: false,
                           now: NowState(program: nil, song: nil, text: "WVIA-HD2"), next: [], recent: [],
                           streams: [], sources: [], changedAt: seen)
    return StateDocument(sequence: 1842, updatedAt: seen, live: "wvia-fm", stations: [fm, hd2])
}()

let fuzzHub: EventHub = {
    let hub = EventHub()
    hub.seed(fuzzDocument)
    return hub
}()
let fuzzResponder = APIResponder(backend: FuzzBackend(fuzzDocument), hub: fuzzHub, metrics: MetricsRegistry(),
                                 clock: { fuzzNow })
// Small limits, so that short inputs reach them.
let fuzzLimits = APILimits(maxHeadBytes: 2048, maxBodyBytes: 1024, idleTimeout: .seconds(60), requestTimeout: .seconds(20),
                           sseBufferBytes: 4096, heartbeatInterval: .seconds(15))
let fuzzLogger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

/// Feeds one connection's bytes and checks what the server wrote.
func serve(_ input: [UInt8]) async {
    guard input.count >= 2 else { return }
    let access: APIAccess = input[0] & 1 == 1 ? .readOnly : .full
    let chunk = Int(input[1])
    let bytes = input[2...]
    let channel = NIOAsyncTestingChannel()
    let loop = channel.testingEventLoop
    do {
        let shared = try await loop.executeInContext {
            NIOLoopBound(try APIServer.addConnectionHandlers(to: channel, access: access, responder: fuzzResponder,
                                                             limits: fuzzLimits, logger: fuzzLogger), eventLoop: loop)
        }
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/fuzz.sock"))
        var offset = bytes.startIndex
        while offset < bytes.endIndex, channel.isActive {
            let end = chunk == 0 ? bytes.endIndex : min(bytes.endIndex, offset + chunk)
            try await channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
            // Let answers made off the event loop (health, metrics, POST routes) arrive.
            for _ in 0..<64 {
                let busy = (try? await loop.executeInContext { shared.value.answering && fuzzHub.subscriberCount == 0 }) ?? false
                if !busy || !channel.isActive { break }
                await Task.yield()
            }
        }
        await loop.advanceTime(by: .seconds(120))
    } catch {
        // An error the pipeline did not handle (writeInbound rethrows it): the connection
        // would be closed. Not a finding by itself.
    }
    var written: [UInt8] = []
    while let part = try? await channel.readOutbound(as: IOData.self) {
        if case .byteBuffer(let buffer) = part { written += buffer.readableBytesView }
    }
    _ = try? await channel.finish(acceptAlreadyClosed: true)
    if !written.isEmpty, !written.starts(with: Array("HTTP/1.".utf8)) {
        fatalError("the server wrote something that is not an HTTP answer: \(String(decoding: written.prefix(200), as: UTF8.self))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    let done = DispatchSemaphore(value: 0)
    Task {
        await serve(input)
        done.signal()
    }
    done.wait()
    return 0
}
