import Testing
@testable import StreamConfig

/// The problems `toml` is refused with; records a test failure if it is accepted.
func configProblems(_ toml: String, file: String = "test.toml",
                    sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigProblem] {
    do {
        let configuration = try StreamdConfiguration.parse(toml, file: file)
        Issue.record("expected the configuration to be refused, got \(configuration)", sourceLocation: sourceLocation)
        return []
    } catch {
        #expect(error.file == file, sourceLocation: sourceLocation)
        return error.problems
    }
}

/// The only problem `toml` is refused with (a test failure if there are none or several).
func configProblem(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigProblem? {
    let problems = configProblems(toml, sourceLocation: sourceLocation)
    #expect(problems.count == 1, "problems: \(problems)", sourceLocation: sourceLocation)
    return problems.first
}

/// A valid one-station configuration; `station`, `stream` and `source` add lines to those tables.
func minimalConfig(daemon: String = "", station: String = "", stream: String = "", source: String? = nil) -> String {
    """
    [daemon]
    \(daemon)

    [[station]]
    id = "wvia-fm"
    name = "WVIA-FM"
    \(station)

      [[station.stream]]
      id = "main"
      url = "http://127.0.0.1:8000/live.mp3"
      \(stream)
    \(source.map { "\n  [[station.source]]\n  \($0)" } ?? "")
    """
}
