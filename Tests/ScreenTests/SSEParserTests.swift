import Foundation
@testable import StreamClient
import Testing

@Suite("The client's Server-Sent Events parser")
struct SSEParserTests {
    @Test("messages split anywhere come out whole; heartbeats are skipped; data lines join")
    func splits() {
        let text = "retry: 2000\n\nid: 7\nevent: snapshot\ndata: {\"a\":1}\n\n: heartbeat\n\nid: 8\r\nevent: station\r\ndata: one\r\ndata: two\r\n\r\n"
        let bytes = Array(text.utf8)
        for size in 1...bytes.count {
            var parser = SSEParser()
            var messages: [SSEParser.Message] = []
            var offset = 0
            while offset < bytes.count {
                messages += parser.feed(Array(bytes[offset..<min(offset + size, bytes.count)]))
                offset += size
            }
            #expect(messages == [SSEParser.Message(id: 7, event: "snapshot", data: "{\"a\":1}"),
                                 SSEParser.Message(id: 8, event: "station", data: "one\ntwo")], "split \(size)")
        }
    }
}
