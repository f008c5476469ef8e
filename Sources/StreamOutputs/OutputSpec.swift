/// One output as the daemon runs it (made from an `[[output]]` table).
public struct OutputSpec: Sendable, Equatable {
    /// Where the text goes.
    public enum Target: Sendable, Equatable {
        /// A text file, replaced atomically.
        case file(path: String)
    }

    /// Where the text goes.
    public var target: Target
    /// The station whose now-playing it sends.
    public var station: String
    /// The text while a song plays.
    public var template: String
    /// The text while none does; `""`: nothing.
    public var fallback: String
    /// How long after a change it is sent.
    public var delay: Duration

    /// Creates an output.
    public init(target: Target, station: String, template: String, fallback: String, delay: Duration) {
        self.target = target
        self.station = station
        self.template = template
        self.fallback = fallback
        self.delay = delay
    }

    /// `file PATH`, for logs.
    public var name: String {
        switch target {
        case .file(let path): "file \(path)"
        }
    }
}
