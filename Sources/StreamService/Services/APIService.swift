import ServiceLifecycle
import StreamAPI

/// The socket API as a service. The listeners are bound before the group runs (so a second
/// daemon is refused before it touches anything); on shutdown this closes them and every
/// connection, event streams included, and removes the socket file.
struct APIService: Service {
    let server: APIServer

    func run() async {
        try? await gracefulShutdown()
        await server.shutdown()
    }
}
