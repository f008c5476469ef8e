import Foundation
import Testing
import TOMLKit
@testable import StreamConfig

/// TOMLKit 0.6.0 never frees a parsed tree; the kept tree (TOMLTreeCache) is emptied when a
/// new text's tree replaces it. Before, every parse (the start, each reload) left the whole
/// toml++ tree behind: the soak (scripts/soak, a reload a minute of a 200-station file) grew by
/// about 470 KB a reload, which heaptrack traced to `tableCreateFromString` under
/// `ConfigParser.parse` (measured in a process of its own: 40 parses grew it by 26 MB with the
/// trees left, 6.3 MB without; docs/reliability.md). The test process runs hundreds of tests at
/// once, so its memory says nothing here: the test checks the trees themselves.
@Suite("Configuration: a parse leaves no TOML tree behind")
struct ConfigTreeFreedTests {
    static func text(_ n: Int) -> String {
        var text = "[daemon]\nlive = \"s000\"\n"
        for i in 0..<20 {
            text += """
            [[station]]
            id = "s\(String(format: "%03d", i))"
            name = "Station \(i) (\(n))"
              [[station.stream]]
              id = "main"
              url = "http://127.0.0.1:8000/s/\(i)"

            """
        }
        return text
    }

    @Test("each new text's tree replaces the kept one, which is emptied; a text that does not parse leaves the kept one whole")
    func replacedTreesEmptied() throws {
        let cache = TOMLTreeCache()
        var previous: TOMLTable?
        for n in 0..<40 {
            let root = try cache.root(of: Self.text(n)) { try TOMLTable(string: $0) }
            #expect(!root.isEmpty)
            if let previous { #expect(previous.isEmpty, "edit \(n): the replaced tree still holds \(previous.count) keys") }
            previous = root
        }
        #expect(throws: (any Error).self) { try cache.root(of: "a = ") { try TOMLTable(string: $0) } }
        #expect(previous?.isEmpty == false, "a refused text must not empty the kept tree")
    }

    @Test("40 edits parsed in turn give 40 right configurations (nothing read from an emptied tree)")
    func editsParsed() throws {
        for n in 0..<40 {
            let configuration = try StreamdConfiguration.parse(Self.text(n), file: "soak.toml")
            #expect(configuration.stations.count == 20)
            #expect(configuration.stations.first?.name == "Station 0 (\(n))")
        }
    }

    @Test("parses from many tasks at once, of different texts, each read whole")
    func concurrentParses() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<16 {
                group.addTask {
                    let configuration = try StreamdConfiguration.parse(Self.text(n), file: "t.toml")
                    #expect(configuration.stations.count == 20 && configuration.stations.last?.name == "Station 19 (\(n))")
                }
            }
            try await group.waitForAll()
        }
    }
}
