import Dispatch
import Foundation

/// The signals the daemon acts on, as an async sequence: SIGHUP (reload), SIGTERM and
/// SIGINT (stop).
enum SignalStream {
    enum Received: Sendable {
        case reload
        case stop(Int32)
    }

    static func make() -> AsyncStream<Received> {
        let (stream, continuation) = AsyncStream<Received>.makeStream()
        var sources: [DispatchSourceSignal] = []
        for (number, event) in [(SIGHUP, Received.reload), (SIGTERM, .stop(SIGTERM)), (SIGINT, .stop(SIGINT))] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(event) }
            source.resume()
            sources.append(source)
        }
        let keep = SourceBox(sources)
        continuation.onTermination = { _ in keep.cancel() }
        return stream
    }

    private final class SourceBox: @unchecked Sendable {
        let sources: [DispatchSourceSignal]
        init(_ sources: [DispatchSourceSignal]) { self.sources = sources }
        func cancel() { sources.forEach { $0.cancel() } }
    }
}
