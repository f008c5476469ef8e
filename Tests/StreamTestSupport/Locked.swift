import NIOConcurrencyHelpers

/// A value behind a lock, shareable with closures and threads. A pthread mutex underneath
/// (NIOConcurrencyHelpers), so ThreadSanitizer sees it (it does not see Synchronization.Mutex
/// on Linux).
public final class Locked<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>

    /// A lock around `value`.
    public init(_ value: Value) {
        box = NIOLockedValueBox(value)
    }

    /// Runs `body` with the value, under the lock.
    @discardableResult
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try box.withLockedValue(body)
    }

    /// The value now.
    public var value: Value {
        box.withLockedValue { $0 }
    }
}
