import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-Z (SIGTSTP) for the screen: the terminal must be put back before the process stops,
/// so the signal is caught and the screen stops itself. ServiceLifecycle's `UnixSignal` has no
/// SIGTSTP, which is why this one signal has its own small source.
final class SuspendSignal: @unchecked Sendable {
    private let source: DispatchSourceSignal

    init(_ events: AsyncStream<ScreenEvent>.Continuation) {
        signal(SIGTSTP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGTSTP, queue: .global())
        source.setEventHandler { events.yield(.suspend) }
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
