/// Collects the problems found while reading one configuration, each with its line.
final class ConfigProblemLog {
    let file: String
    private let index: ConfigLineIndex
    private(set) var problems: [ConfigProblem] = []

    init(file: String, text: String) {
        self.file = file
        self.index = ConfigLineIndex(text)
    }

    /// Records that `keyPath` is wrong; the line is the key's, else its table's.
    func report(_ keyPath: String, _ message: String) {
        problems.append(ConfigProblem(keyPath: keyPath, line: index.line(of: keyPath), message: message))
    }

    /// Whether a problem was reported at `keyPath` or inside it.
    func hasProblem(under keyPath: String) -> Bool {
        problems.contains { $0.keyPath == keyPath || $0.keyPath.hasPrefix(keyPath + ".") || $0.keyPath.hasPrefix(keyPath + "[") }
    }

    /// The error to throw: every problem, ordered by line (those without one last).
    var error: ConfigError {
        let ordered = problems.enumerated().sorted { a, b in
            (a.element.line ?? .max, a.offset) < (b.element.line ?? .max, b.offset)
        }
        return ConfigError(file: file, problems: ordered.map(\.element))
    }
}

/// "Did you mean" for misspelt keys and values.
enum ConfigSuggestion {
    /// The candidate closest to `word` (case-insensitively), if close enough to be a typo.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased())
        let limit = target.count >= 5 ? 2 : 1
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// ` (did you mean 'x'?)` or nothing.
    static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// "a, b or c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + (items.last ?? "")
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
