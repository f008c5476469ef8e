/// Polls `condition` every `every` until it returns a value (returned), or throws a
/// ``TestFailure`` naming `what` (and whatever `detail` says at that moment) after `timeout`.
/// A wait, never an assertion on timing: the timeout only bounds how long a broken test hangs.
@discardableResult
public func eventually<T>(_ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
                          every: Duration = .milliseconds(50), detail: () -> String = { "" },
                          _ condition: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await condition() { return value }
        if ContinuousClock.now >= deadline {
            let extra = detail()
            throw TestFailure("timed out after \(timeout) waiting for \(what())" + (extra.isEmpty ? "" : "\n  last seen: \(extra)"))
        }
        try await Task.sleep(for: every)
    }
}

/// ``eventually(_:timeout:every:detail:_:)`` for a condition that holds or not.
public func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
                       every: Duration = .milliseconds(50), detail: () -> String = { "" },
                       _ condition: () async throws -> Bool) async throws {
    try await eventually(what(), timeout: timeout, every: every, detail: detail) { try await condition() ? true : nil }
}
