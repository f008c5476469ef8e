import Foundation

/// Runs blocking work (sockets, waiting for processes) on a thread of its own: it must never
/// hold one of the few threads of the Swift concurrency pool (the machine has 2 cores; a
/// blocked pool thread starves the other tests).
public func onOwnThread<T: Sendable>(_ name: String = "test.blocking",
                                     _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
