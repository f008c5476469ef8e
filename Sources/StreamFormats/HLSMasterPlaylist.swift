import Foundation

/// One `#EXT-X-STREAM-INF` variant of a master playlist.
public struct HLSVariant: Sendable, Equatable {
    /// Peak bits per second (`BANDWIDTH`, required).
    public var bandwidth: Int
    /// `AVERAGE-BANDWIDTH`, if given.
    public var averageBandwidth: Int?
    /// `CODECS`, split on commas (e.g. `["mp4a.40.2"]`); empty when not given.
    public var codecs: [String]
    /// `RESOLUTION`, if given (video variants).
    public var resolution: String?
    /// All attributes as written.
    public var attributes: [String: String]
    /// The media playlist URI as written.
    public var uri: String
    /// The URI resolved against the master playlist URL.
    public var url: URL?

    /// True when nothing says it carries video: no `RESOLUTION` and no video codec.
    public var isAudioOnly: Bool {
        let video = ["avc", "hvc", "hev", "vp0", "av01", "dvh", "dva"]
        return resolution == nil && !codecs.contains { c in video.contains { c.lowercased().hasPrefix($0) } }
    }
}

/// An HLS master (multivariant) playlist.
public struct HLSMasterPlaylist: Sendable, Equatable {
    /// The variants in playlist order.
    public var variants: [HLSVariant]

    /// Which variant `preferredVariant` picks.
    public enum Preference: Sendable {
        /// The highest `BANDWIDTH` (the default: the quality listeners hear).
        case highestBandwidth
        /// The lowest `BANDWIDTH` (cheapest to watch).
        case lowestBandwidth
    }

    /// The media playlist to watch: among audio-only variants if there are any (else all),
    /// the highest (or lowest) `BANDWIDTH`; on a tie, the first listed. Nil without variants.
    public func preferredVariant(_ preference: Preference = .highestBandwidth) -> HLSVariant? {
        let audio = variants.filter(\.isAudioOnly)
        let pool = audio.isEmpty ? variants : audio
        switch preference {
        case .highestBandwidth:
            return pool.reduce(nil) { best, v in v.bandwidth > (best?.bandwidth ?? -1) ? v : best }
        case .lowestBandwidth:
            return pool.reduce(nil) { best, v in v.bandwidth < (best?.bandwidth ?? .max) ? v : best }
        }
    }

    /// Parses a master playlist; URIs are resolved against `url` when given. Throws at the
    /// line of an `#EXT-X-STREAM-INF` without a numeric `BANDWIDTH` or without a URI after it.
    public static func parse(_ bytes: [UInt8], url: URL? = nil) throws(ParseError) -> HLSMasterPlaylist {
        var variants: [HLSVariant] = []
        var pending: (line: Int, attributes: [String: String], bandwidth: Int)?
        for (number, line) in try HLSLines(bytes).lines {
            if let v = HLSLines.value(of: "#EXT-X-STREAM-INF", in: line) {
                if let p = pending { throw noURI(p.line) }
                let attributes = HLSValues.attributes(v)
                guard let bandwidth = attributes["BANDWIDTH"].flatMap({ Int($0) }), bandwidth >= 0 else {
                    throw ParseError(format: "hls", location: "line \(number).BANDWIDTH",
                                     message: "#EXT-X-STREAM-INF needs a numeric BANDWIDTH")
                }
                pending = (number, attributes, bandwidth)
            } else if !line.hasPrefix("#"), let p = pending {
                let codecs = (p.attributes["CODECS"] ?? "").split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                variants.append(HLSVariant(
                    bandwidth: p.bandwidth, averageBandwidth: p.attributes["AVERAGE-BANDWIDTH"].flatMap { Int($0) },
                    codecs: codecs, resolution: p.attributes["RESOLUTION"], attributes: p.attributes,
                    uri: String(line), url: HLSLines.resolve(line, against: url)))
                pending = nil
            }
        }
        if let p = pending { throw noURI(p.line) }
        return HLSMasterPlaylist(variants: variants)
    }

    private static func noURI(_ line: Int) -> ParseError {
        ParseError(format: "hls", location: "line \(line)", message: "#EXT-X-STREAM-INF is not followed by a URI")
    }
}
