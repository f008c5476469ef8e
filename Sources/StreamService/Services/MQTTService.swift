import ServiceLifecycle
import StreamMQTT

/// Publishing to the MQTT broker of `[publish.mqtt]` as a service. It starts before watching
/// and stops after it, so the final state (written at watching's stop) is published too; then
/// it sends what is left, `offline`, and disconnects.
struct MQTTService: Service {
    let publisher: MQTTPublisher

    func run() async throws {
        try publisher.start()
        try? await gracefulShutdown()
        await publisher.stop()
    }
}
