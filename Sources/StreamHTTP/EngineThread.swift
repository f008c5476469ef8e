#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The identity of the engine's thread, so code that must run there can say so and debug
/// builds check it (as SwiftNIO's `NIOLoopBound` and MPD's `assert(IsInside())` do).
///
/// libcurl's multi handle, every easy handle and every transfer's parsing state belong to
/// the one engine thread; a call from anywhere else is a data race on C memory. `assertInside`
/// turns that rule from a comment into a crash in debug builds (and costs nothing in release).
package final class EngineThread: Sendable {
    private let id = Atomic<UInt>(0)

    package init() {}

    /// Called once, first thing on the engine thread.
    package func adoptCurrentThread() {
        id.store(Self.current, ordering: .releasing)
    }

    /// True when the caller runs on the engine thread.
    package var isInside: Bool {
        id.load(ordering: .acquiring) == Self.current
    }

    /// Stops a debug build when the caller is not the engine thread.
    package func assertInside(_ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        assert(isInside, "\(what()) must run on the curl engine thread", file: file, line: line)
    }

    private static var current: UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }
}
