import StreamTestSupport
import Testing
@testable import StreamHTTP

/// The response-head line parser that every transfer's header callback goes through.
@Suite("HTTP: one line of a response head, read from its bytes")
struct HTTPHeaderLineTests {
    static func parse(_ bytes: [UInt8]) -> HTTPHeaderLine {
        bytes.withUnsafeBytes { HTTPHeaderLine.parse($0) }
    }

    static func parse(_ text: String) -> HTTPHeaderLine { parse(Array(text.utf8)) }

    @Test("status lines, fields, the end of the head, folding, and lines without a colon")
    func kinds() {
        #expect(Self.parse("HTTP/1.1 200 OK\r\n") == .status("HTTP/1.1 200 OK"))
        #expect(Self.parse("ICY 200 OK\r\n") == .status("ICY 200 OK"))
        #expect(Self.parse("\r\n") == .end)
        #expect(Self.parse("\n") == .end)
        #expect(Self.parse("") == .end)
        #expect(Self.parse("Content-Type: audio/mpeg\r\n") == .field(name: "Content-Type", value: "audio/mpeg"))
        #expect(Self.parse("icy-metaint:16000\r\n") == .field(name: "icy-metaint", value: "16000"))
        #expect(Self.parse("  X-Name \t:  \t spaced value\t \r\n") == .continuation("X-Name \t:  \t spaced value"))
        #expect(Self.parse("X-Name \t:  \t spaced value\t \r\n") == .field(name: "X-Name", value: "spaced value"))
        #expect(Self.parse("Location: http://a/b?c=d:e\r\n") == .field(name: "Location", value: "http://a/b?c=d:e"))
        #expect(Self.parse("X-Empty:\r\n") == .field(name: "X-Empty", value: ""))
        #expect(Self.parse("\tcontinued\r\n") == .continuation("continued"))
        #expect(Self.parse("no colon here\r\n") == .other)
    }

    @Test("UTF-8 text as it is; bytes that are not UTF-8 read as Latin-1, one character each")
    func encodings() {
        #expect(Self.parse("icy-name: WVIA – Pittston ✓\r\n") == .field(name: "icy-name", value: "WVIA – Pittston ✓"))
        let latin1: [UInt8] = Array("icy-name: Radio ".utf8) + [0xE9, 0xE8] + Array(" Caf\r\n".utf8) + [0xE9]
        #expect(Self.parse(Array(latin1.dropLast())) == .field(name: "icy-name", value: "Radio éè Caf"))
    }

    @Test("10,000 random lines: never a crash; the line ending changes nothing; a field's name and value are trimmed")
    func randomLines() {
        var random = SeededRandom(seed: 0x4845_4144)
        let alphabet: [UInt8] = Array("ab:: \t\r\nHTTP/ICY".utf8) + [0x00, 0xC3, 0xA9, 0xFF, 0xE2, 0x80]
        for _ in 0..<10_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let parsed = Self.parse(bytes)
            if bytes.last != UInt8(ascii: "\r") && bytes.last != UInt8(ascii: "\n") {
                #expect(Self.parse(bytes + Array("\r\n".utf8)) == parsed && Self.parse(bytes + [10]) == parsed, "\(bytes)")
            }
            switch parsed {
            case .field(let name, let value):
                for text in [name, value] {
                    #expect(text.first != " " && text.first != "\t" && text.last != " " && text.last != "\t", "\(bytes)")
                }
                #expect(!name.contains(":"), "\(bytes)")
            case .end:
                #expect(bytes.allSatisfy { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }, "\(bytes)")
            case .status, .continuation, .other:
                break
            }
        }
    }
}
