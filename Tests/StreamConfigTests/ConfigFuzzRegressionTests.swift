import Foundation
import StreamTestSupport
import Testing
@testable import StreamConfig

/// Inputs found by `make fuzz` (target config; docs/reliability.md). Before the fix toml++
/// (in TOMLKit) hit an assert and aborted the process; now each is a TOML syntax error with
/// its line and column.
@Suite("Configuration: inputs found by fuzzing")
struct ConfigFuzzRegressionTests {
    private func problem(_ text: String) throws -> ConfigProblem {
        do {
            _ = try StreamdConfiguration.parse(text, file: "fuzz.toml")
        } catch {
            return try #require(error.problems.first)
        }
        Issue.record("parsed: \(text)")
        throw CancellationError()
    }

    @Test("the fuzzer's input (the example with [[[tation]]) is a syntax error at its line")
    func fuzzerInput() throws {
        let text = try Fixture.text("fuzz/config-keyless-table-header.toml")
        let found = try problem(text)
        #expect(found.message.contains("table header needs a key"))
        #expect(found.line == 39)
        #expect(found.column == 3)
    }

    @Test("headers without a key", arguments: ["[[[station]]\n", "[=x]\n", "[\n", "[[ #x\n", "  [ ,]\n", "[\r\n"])
    func keyless(_ text: String) throws {
        let found = try problem(text)
        #expect(found.message.hasPrefix("TOML syntax error"))
        #expect(found.line == 1)
    }

    @Test("the second input: quotes in a comment, then a header of 0xFF bytes")
    func quotesInAComment() throws {
        let text = String(decoding: try Fixture.bytes("fuzz/config-keyless-header-after-quotes-in-comment.toml"), as: UTF8.self)
        let found = try problem(text)
        #expect(found.message.contains("table header needs a key"))
        #expect(found.line == 2)
    }

    @Test("the third input: a header after a CRLF line")
    func afterCRLF() throws {
        let text = String(decoding: try Fixture.bytes("fuzz/config-keyless-header-after-crlf.toml"), as: UTF8.self)
        let found = try problem(text)
        #expect(found.message.contains("table header needs a key"))
        #expect(found.line == 2)
        #expect(ConfigParser.keylessTableHeader(in: "a = 1\r\n[=x]\r\n")?.line == 2)
    }

    @Test("quoted keys, spaces and empty headers are left to toml++")
    func notMistaken() {
        #expect(ConfigParser.keylessTableHeader(in: "[ daemon ]\n[[ \"station\" ]]\n  [ 'a'.b ]\n[]\nx = [\n  1,\n]\n") == nil)
        // Checked on every line, also inside a multi-line string.
        #expect(ConfigParser.keylessTableHeader(in: "# \"\"\"\nx = '''\n[=y\n'''\n")?.line == 3)
    }

    @Test("the fourth input: a '}' where an array expects a value (url = [ }...), as the fuzzer found it")
    func braceInArrayFuzzerInput() throws {
        let text = String(decoding: try Fixture.bytes("fuzz/config-brace-in-array.toml"), as: UTF8.self)
        let found = try problem(text)
        #expect(found.message == "TOML syntax error: a '}' where the array expects a value or ']'")
        #expect(found.line == 2 && found.column == 9)
    }

    @Test("a '}' after an array's '[' or ',', across lines and comments, nested", arguments: [
        ("a = [ }\n", 1, 7), ("a = [ 1, }\n", 1, 10), ("a = [\n  # c\n}\n", 3, 1), ("a = [[ }]]\n", 1, 8),
        ("a = { b = [ } }\n", 1, 13), ("s = \"\"\"\n[x\n\"\"\"\nx = [ \"]\", }\n", 4, 12),
    ])
    func braceInArray(text: String, line: Int, column: Int) throws {
        let found = try problem(text)
        #expect(found.message == "TOML syntax error: a '}' where the array expects a value or ']'")
        #expect(found.line == line && found.column == column)
    }

    @Test("valid TOML with braces, brackets and commas in strings, comments and inline tables is not refused by the guard", arguments: [
        "a = [ { b = 1 }, { c = [1, 2] } ]\n", "a = \"[ }\"\n", "a = '[ }'\n", "a = [ 1, # }\n 2 ]\n",
        "a = \"\"\"\n[ }\n\"\"\"\n", "[t]\nx = [\n  1,\n]\n", "a = { b = [] }\n",
    ])
    func validTOML(text: String) {
        #expect(ConfigParser.braceWhereArrayValueExpected(in: text) == nil)
    }
}
