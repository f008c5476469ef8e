/// OnAirScreen's UDP text commands (its `udp` remote control, one command per datagram, UTF-8):
/// `NOW:` the line of what is on, `NEXT:` the line of what comes next, `WARN:` a warning line
/// (empty clears it). Pure.
public enum OnAirScreenCommands {
    /// The datagrams for a message: `NOW:`, `NEXT:` and `WARN:`, in that order.
    public static func datagrams(now: String, next: String, warning: String) -> [String] {
        ["NOW:\(oneLine(now))", "NEXT:\(oneLine(next))", "WARN:\(oneLine(warning))"]
    }

    /// A line break would end the command: each becomes a space.
    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
