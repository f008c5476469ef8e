import Foundation
import StreamState

extension StreamdConfiguration {
    /// The stations as the monitor watches them. Fails only when a Spinitron `token_file`
    /// cannot be read (the one part of a configuration read at start, not at check time).
    public func stationSpecs() throws(ConfigError) -> [StationSpec] {
        var specs: [StationSpec] = []
        for station in stations {
            specs.append(try station.spec(file: sourceFile ?? "<embedded>"))
        }
        return specs
    }
}

extension StationConfig {
    /// This station as the monitor watches it.
    func spec(file: String) throws(ConfigError) -> StationSpec {
        var sources: [SourceSpec] = []
        for source in self.sources {
            sources.append(try source.spec())
        }
        return StationSpec(
            id: id, name: name, tagline: tagline, timeZone: TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 0)!,
            timeZoneName: timezone, charset: charset,
            streams: streams.map { stream in
                StreamSpec(id: stream.id, url: stream.url, mode: StreamMode(rawValue: stream.mode.rawValue) ?? .follow,
                           format: StreamFormat(rawValue: stream.format.rawValue) ?? .auto,
                           probeInterval: stream.interval, charset: stream.charset,
                           silence: stream.silence)
            },
            sources: sources)
    }
}

extension SourceConfig {
    /// This source as a poller polls it.
    func spec() throws(ConfigError) -> SourceSpec {
        let selector: String?
        var token: String?
        switch settings {
        case .icecast(let mount): selector = mount
        case .azuracast(let station): selector = station
        case .shoutcast(let sid): selector = String(sid)  // picks the stream of a multi-stream XML answer
        case .spinitron(let configured):
            selector = nil
            token = try configured.secret().value
        default: selector = nil
        }
        return SourceSpec(kind: kind, url: nowURL,
                          secondaryURL: scheduleURLWithoutDate, interval: interval, timeout: timeout,
                          selector: selector, token: token)
    }
}
