extension StreamdConfiguration {
    /// The configuration `streamd run` uses when no file is given and
    /// `/etc/streamd/streamd.toml` does not exist: WVIA-FM, Pittston PA.
    public static let embeddedDefaultTOML = """
        # streamd's built-in configuration: WVIA-FM, Pittston PA.
        [daemon]
        live = "wvia-fm"

        [[station]]
        id = "wvia-fm"
        name = "WVIA-FM"
        tagline = "89.9 FM"
        timezone = "America/New_York"

          [[station.stream]]
          id = "main"
          url = "https://playerservices.streamtheworld.com/api/livestream-redirect/WVIAFM.mp3"
          mode = "follow"

          [[station.source]]
          kind = "triton"
          mount = "WVIAFM"
          interval = "15s"
        """

    /// ``embeddedDefaultTOML`` parsed and validated like any file (a test holds it valid).
    public static let embeddedDefault: StreamdConfiguration = {
        do {
            return try ConfigParser.parse(embeddedDefaultTOML, file: "<embedded default>", sourceFile: nil)
        } catch {
            preconditionFailure("streamd's embedded default configuration is invalid:\n\(error)")
        }
    }()
}
