#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's signal mask.
public enum SignalMask {
    /// Unblocks `signals` for the whole process. A parent may have started us with them
    /// blocked (threads of a Swift concurrency pool block most signals, and children inherit
    /// the mask), and a blocked signal never reaches the handlers that ServiceLifecycle's
    /// `UnixSignalsSequence` installs.
    public static func unblock(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
