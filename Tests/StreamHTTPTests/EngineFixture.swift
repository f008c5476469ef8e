import StreamTestSupport
@testable import StreamHTTP

/// A running engine and loopback server for one test, torn down after it.
func withEngine(_ body: (CurlEngine, LoopbackServer) async throws -> Void) async throws {
    let engine = try CurlEngine()
    let server = try await LoopbackServer.start()
    do {
        try await body(engine, server)
    } catch {
        engine.shutdown()
        await server.shutdown()
        throw error
    }
    engine.shutdown()
    await server.shutdown()
}

/// Runs `body`, expecting it to throw an ``HTTPError``, and returns that error.
func expectHTTPError(_ body: () async throws -> Void) async -> HTTPError? {
    do {
        try await body()
        return nil
    } catch let error as HTTPError {
        return error
    } catch {
        return nil
    }
}
