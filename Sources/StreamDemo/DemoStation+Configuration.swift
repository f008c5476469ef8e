extension DemoStation {
    /// The configuration that makes the daemon watch this station: `[daemon]` with `socket`,
    /// `state_file` and `live = "demo-fm"`, and one `[[station]]` with the ICY stream
    /// (`follow`), the Triton source (every 5 s) and the Composer source (every 10 s; its
    /// day schedule is `/composer/day`, the `now` URL with its last component replaced); and,
    /// when given, two outputs: the song in `nowPlayingFile` and on the display at UDP port
    /// `displayPort` (both 8 s behind, as a stream's listeners hear it).
    public func configurationTOML(socket: String, stateFile: String, nowPlayingFile: String? = nil, displayPort: Int? = nil) -> String {
        var outputs = ""
        if let nowPlayingFile {
            outputs += """

            [[output]]
            kind = "file"
            station = "\(DemoPlaylist.stationID)"
            path = \(Self.tomlString(nowPlayingFile))
            delay = "8s"

            """
        }
        if let displayPort {
            outputs += """

            [[output]]
            kind = "udp"
            station = "\(DemoPlaylist.stationID)"
            target = "127.0.0.1:\(displayPort)"
            delay = "8s"

            """
        }
        return stationTOML(socket: socket, stateFile: stateFile) + outputs
    }

    /// The configuration without outputs.
    private func stationTOML(socket: String, stateFile: String) -> String {
        """
        # streamd demo: a simulated station served by this process on 127.0.0.1:\(port).

        [daemon]
        socket = \(Self.tomlString(socket))
        state_file = \(Self.tomlString(stateFile))
        live = "\(DemoPlaylist.stationID)"

        [[station]]
        id = "\(DemoPlaylist.stationID)"
        name = "\(DemoPlaylist.stationName)"
        timezone = "\(DemoPlaylist.timeZoneIdentifier)"

          [[station.stream]]
          id = "main"
          url = "\(url("/live.mp3"))"
          mode = "follow"

          [[station.source]]
          kind = "triton"
          url = "\(url("/triton/nowplaying"))"
          interval = "5s"

          [[station.source]]
          kind = "composer"
          url = "\(url("/composer/now"))"
          interval = "10s"

        """
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func tomlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
