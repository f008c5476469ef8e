/// An `[[output]]` table: what is on, sent on to something that shows it (docs/outputs.md).
/// Today one kind, `file`; the others of issue 18 come with their own keys.
public struct OutputConfig: Sendable, Equatable {
    /// `kind`: what the output feeds.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A text file, replaced atomically, for playout systems and video overlays.
        case file
    }

    /// `kind`.
    public var kind: Kind
    /// `station`: the id of the station whose now-playing it sends.
    public var station: String
    /// `path` (file): where the text goes; relative paths against the configuration's folder.
    public var path: String
    /// `template`: the text while a song plays (default `{artist} – {title}`).
    public var template: String
    /// `fallback`: the text while none does (talk, ads, station IDs, stale values; default
    /// `{text}`, the station's one line); `""` writes nothing into the file.
    public var fallback: String
    /// `delay`: how long after a change the output sends it (default 0), so that it does not
    /// run ahead of the audio its listeners hear.
    public var delay: Duration

    /// The default `template`.
    public static let defaultTemplate = "{artist} – {title}"
    /// The default `fallback`.
    public static let defaultFallback = "{text}"

    /// Creates an output. Not validated.
    public init(kind: Kind, station: String, path: String, template: String = OutputConfig.defaultTemplate,
                fallback: String = OutputConfig.defaultFallback, delay: Duration = .zero) {
        self.kind = kind
        self.station = station
        self.path = path
        self.template = template
        self.fallback = fallback
        self.delay = delay
    }
}
