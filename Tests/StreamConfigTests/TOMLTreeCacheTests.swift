import Testing
import TOMLKit
@testable import StreamConfig

/// TOMLKit never frees a parsed tree, so the last text's tree is kept and read again: a reload
/// of an unchanged file parses nothing new, and what it reads is the same.
@Suite("Configuration: the last TOML tree, read again for the same text")
struct TOMLTreeCacheTests {
    @Test("the same text is parsed once; another text is parsed and replaces it; a failed parse keeps the last")
    func parsedOnce() throws {
        let cache = TOMLTreeCache()
        var parses = 0
        let parse = { (text: String) throws -> TOMLTable in parses += 1; return try TOMLTable(string: text) }
        let first = try cache.root(of: "a = 1", parse: parse)
        let again = try cache.root(of: "a = 1", parse: parse)
        #expect(first === again)
        #expect(parses == 1)
        let other = try cache.root(of: "a = 2", parse: parse)
        #expect(other !== first)
        #expect(parses == 2)
        #expect(throws: (any Error).self) { try cache.root(of: "a = ", parse: parse) }
        #expect(try cache.root(of: "a = 2", parse: parse) === other)
        #expect(parses == 3)
    }

    @Test("parsing the same configuration twice gives the same configuration and the same problems")
    func sameTwice() throws {
        let text = minimalConfig(station: "tagline = \"89.9 FM\"")
        #expect(try StreamdConfiguration.parse(text, file: "a.toml") == StreamdConfiguration.parse(text, file: "a.toml"))
        let bad = minimalConfig(station: "taglin = \"x\"")
        #expect(configProblems(bad) == configProblems(bad))
        #expect(configProblems(bad).first?.message.contains("unknown key 'taglin'") == true)
    }
}
