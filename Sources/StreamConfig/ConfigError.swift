/// One thing wrong with a configuration: where (key path and line) and what.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The key in the brief's form, 0-based: `station[2].source[1].kind`, `daemon.live`.
    /// Empty for problems with the file as a whole (unreadable, TOML syntax).
    public var keyPath: String
    /// The 1-based line where the key (or, for a missing key, its table) is written; nil
    /// when it cannot be found.
    public var line: Int?
    /// The 1-based column, for TOML syntax errors.
    public var column: Int?
    /// What is wrong, e.g. `unknown key 'intervall' (did you mean 'interval'?)`.
    public var message: String

    /// Creates a problem.
    public init(keyPath: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    /// `KEYPATH: message`, or the message alone when there is no key path.
    public var description: String { keyPath.isEmpty ? message : "\(keyPath): \(message)" }
}

/// A configuration that cannot be used: the file and every problem found in it (not only
/// the first).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file's path as given (or a label such as `<embedded default>`).
    public var file: String
    /// Every problem, in the order of their lines (problems without a line last).
    public var problems: [ConfigProblem]

    /// Creates an error.
    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `FILE:LINE: KEYPATH: message` (`FILE:LINE:COLUMN: message` for
    /// syntax errors; `FILE: KEYPATH: message (line unknown)` when the line is not known;
    /// `FILE: message` for problems with the file as a whole).
    public var lines: [String] {
        problems.map { problem in
            switch (problem.line, problem.column) {
            case let (line?, column?): return "\(file):\(line):\(column): \(problem)"
            case let (line?, nil): return "\(file):\(line): \(problem)"
            default: return problem.keyPath.isEmpty ? "\(file): \(problem)" : "\(file): \(problem) (line unknown)"
            }
        }
    }

    /// ``lines`` joined with newlines.
    public var description: String { lines.joined(separator: "\n") }
}
