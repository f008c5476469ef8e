/// Durations as the configuration writes them: `"15s"`, `"2m"`, `"1h"`, `"500ms"`,
/// `"1m30s"`, `"1.5s"`; a bare TOML integer means seconds.
///
/// A string is one or more `NUMBER UNIT` parts with units `h`, `m`, `s`, `ms`, each used at
/// most once and largest first; a number may have a fraction (`"1.5s"`). No sign, no spaces.
public enum ConfigDuration {
    /// The duration `text` writes, or nil when it is not one.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total = Duration.zero
        var lastRank = Int.max
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), number.first != ".", number.last != ".",
                  let (rank, scale) = units[String(unit)], rank < lastRank else { return nil }
            lastRank = rank
            let milliseconds = value * scale
            guard milliseconds.isFinite, milliseconds < 1e15 else { return nil }
            total += .milliseconds(Int64(milliseconds.rounded()))
        }
        return total
    }

    /// A duration written back the way the configuration writes it: `"15s"`, `"1m30s"`,
    /// `"500ms"`, `"0s"`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        guard ms > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where ms >= size {
            text += "\(ms / size)\(unit)"
            ms %= size
        }
        return text
    }

    /// Unit → (rank, milliseconds). Parts must come in decreasing rank.
    private static let units: [String: (Int, Double)] = [
        "h": (3, 3_600_000), "m": (2, 60_000), "s": (1, 1000), "ms": (0, 1),
    ]
}
