import Dispatch
import Foundation

/// The signals the daemon acts on, as an async sequence: SIGHUP (reload), SIGTERM and
/// SIGINT (stop), and SIGUSR2 (block the engine, a test hook) when `STREAMD_TEST_HOOKS=1`.
enum SignalStream {
    enum Received: Sendable {
        case reload
        case hang
        case stop(Int32)
    }

    static func make() -> AsyncStream<Received> {
        let (stream, continuation) = AsyncStream<Received>.makeStream()
        var sources: [DispatchSourceSignal] = []
        var wanted: [(Int32, Received)] = [(SIGHUP, .reload), (SIGTERM, .stop(SIGTERM)), (SIGINT, .stop(SIGINT))]
        if ProcessInfo.processInfo.environment["STREAMD_TEST_HOOKS"] == "1" { wanted.append((SIGUSR2, .hang)) }
        // A parent may have started us with these blocked (threads of a Swift concurrency
        // pool block most signals, and children inherit the mask): unblock what we handle.
        var handled = sigset_t()
        sigemptyset(&handled)
        for (number, _) in wanted { sigaddset(&handled, number) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        for (number, event) in wanted {
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
