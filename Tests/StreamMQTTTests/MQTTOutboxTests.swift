import Testing
@testable import StreamMQTT

/// The outbox keeps the latest payload per topic, sends each once per change within the
/// window, and everything again after a reconnection.
@Suite("MQTT outbox: latest value per topic, window, reconnection")
struct MQTTOutboxTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("a topic changed three times while nothing could be sent goes once, with its last value")
    func coalesces() {
        var outbox = MQTTOutbox(window: 8)
        outbox.set("s/a", bytes("1"))
        outbox.set("s/a", bytes("2"))
        outbox.set("s/a", bytes("3"))
        outbox.set("s/b", bytes("x"))
        let sent = outbox.take()
        #expect(sent.map(\.topic) == ["s/a", "s/b"])
        #expect(sent.map(\.payload) == [bytes("3"), bytes("x")])
        #expect(outbox.take().isEmpty)
    }

    @Test("the same payload again is no change and is not sent")
    func unchanged() {
        var outbox = MQTTOutbox()
        let first = outbox.set("s/a", bytes("1"))
        #expect(first)
        _ = outbox.take()
        outbox.confirmed()
        let again = outbox.set("s/a", bytes("1"))
        #expect(!again)
        #expect(outbox.take().isEmpty)
        #expect(outbox.isSettled)
    }

    @Test("no more than the window is in flight; confirmations let the rest go")
    func window() {
        var outbox = MQTTOutbox(window: 2)
        for i in 0..<5 { outbox.set("s/\(i)", bytes("\(i)")) }
        #expect(outbox.take().map(\.topic) == ["s/0", "s/1"])
        #expect(outbox.take().isEmpty)
        outbox.confirmed()
        #expect(outbox.take().map(\.topic) == ["s/2"])
        outbox.confirmed()
        outbox.confirmed()
        #expect(outbox.take().map(\.topic) == ["s/3", "s/4"])
        outbox.confirmed()
        outbox.confirmed()
        #expect(outbox.isSettled)
    }

    @Test("after a reconnection every topic is sent again, in-flight ones included")
    func reconnection() {
        var outbox = MQTTOutbox(window: 10)
        outbox.set("s/a", bytes("1"))
        outbox.set("s/b", bytes("2"))
        _ = outbox.take()
        outbox.confirmed()
        outbox.disconnected()
        #expect(outbox.inFlight == 0)
        outbox.connected()
        #expect(outbox.take().map(\.topic) == ["s/a", "s/b"])
    }

    @Test("a message that could not be handed over is kept to be sent")
    func putBack() {
        var outbox = MQTTOutbox(window: 10)
        outbox.set("s/a", bytes("1"))
        let taken = outbox.take()
        outbox.putBack(taken[0].topic)
        #expect(outbox.inFlight == 0)
        #expect(outbox.take().map(\.payload) == [bytes("1")])
    }

    @Test("a station gone after a reload is cleared with an empty retained message, once")
    func clearsRemoved() {
        var outbox = MQTTOutbox(window: 10)
        outbox.set("p/site/stations/a", bytes("A"))
        outbox.set("p/site/stations/b", bytes("B"))
        outbox.set("p/site/state", bytes("{}"))
        _ = outbox.take()
        for _ in 0..<3 { outbox.confirmed() }
        outbox.clear(prefix: "p/site/stations/", keeping: ["p/site/stations/a"])
        let sent = outbox.take()
        #expect(sent.map(\.topic) == ["p/site/stations/b"])
        #expect(sent.first?.payload.isEmpty == true)
        outbox.confirmed()
        outbox.clear(prefix: "p/site/stations/", keeping: ["p/site/stations/a"])
        #expect(outbox.take().isEmpty)
    }
}
