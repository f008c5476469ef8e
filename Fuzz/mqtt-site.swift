// A site put together from broker messages: MQTTSiteAssembler.receive (compiled in from
// Sources/StreamMQTT, see scripts/fuzz) over a run of messages. The input is split at 0xFF
// bytes into messages; each message's first byte picks its topic (status, state, one of two
// stations, another site's state), the rest is the payload. Then the document it holds is
// encoded, as `now --mqtt` and the feed do.
import Foundation
import StreamState

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let topics = MQTTTopics(prefix: "streamd", site: "fuzz")
    let names = [topics.status, topics.state, topics.station("wvia-fm"), topics.station("wvia-hd2"), "streamd/other/state"]
    var site = MQTTSiteAssembler(topics: topics)
    for message in fuzzBytes(data, size).split(separator: 0xFF, omittingEmptySubsequences: false) {
        guard let first = message.first else { continue }
        let payload = Array(message.dropFirst())
        do {
            for change in try site.receive(topic: names[Int(first) % names.count], payload: payload) {
                if case .station(let station, _) = change { _ = station.jsonBytes }
            }
        } catch {
            _ = error.description
        }
    }
    if let document = site.document { _ = document.jsonBytes }
    return 0
}
