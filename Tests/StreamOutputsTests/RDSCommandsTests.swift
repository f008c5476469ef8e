import Testing
@testable import StreamOutputs

/// The lines an `rds` output sends to an encoder's ASCII port in each dialect, the RT+ tags that fit
/// and those dropped, and the replies that are refusals.
@Suite("Outputs: RDS encoder commands")
struct RDSCommandsTests {
    static let text = "Claudio Arrau - Clair de lune"
    static let tags = RDSTags(artist: 0..<13, title: 16..<29)

    @Test("Pira: RT1= then RTP= with type, start and length minus one, each ended by CR")
    func pira() {
        #expect(RDSCommands.lines(text: Self.text, tags: Self.tags, dialect: .pira)
            == ["RT1=Claudio Arrau - Clair de lune\r", "RTP=04,00,12,01,16,12\r"])
    }

    @Test("Inovonics: TEXT= then RTP=, each ended by CR LF")
    func inovonics() {
        #expect(RDSCommands.lines(text: Self.text, tags: Self.tags, dialect: .inovonics)
            == ["TEXT=Claudio Arrau - Clair de lune\r\n", "RTP=04,00,12,01,16,12\r\n"])
    }

    @Test("Nautel: TEXT= alone, ended by CR LF; no RT+")
    func nautel() {
        #expect(RDSCommands.lines(text: Self.text, tags: Self.tags, dialect: .nautel)
            == ["TEXT=Claudio Arrau - Clair de lune\r\n"])
    }

    @Test("a text without tags clears the previous text's tags where the dialect has RT+")
    func withoutTags() {
        #expect(RDSCommands.lines(text: "WVIA-FM 89.9", tags: nil, dialect: .pira)
            == ["RT1=WVIA-FM 89.9\r", "RTP=00,00,00,00,00,00\r"])
        #expect(RDSCommands.lines(text: "WVIA-FM 89.9", tags: nil, dialect: .inovonics)
            == ["TEXT=WVIA-FM 89.9\r\n", "RTP=00,00,00,00,00,00\r\n"])
        #expect(RDSCommands.lines(text: "WVIA-FM 89.9", tags: RDSTags(), dialect: .nautel)
            == ["TEXT=WVIA-FM 89.9\r\n"])
    }

    @Test("a tag beyond the text or the RT+ limits is dropped, the other kept in tag 1")
    func beyondLimits() {
        #expect(RDSCommands.lines(text: Self.text, tags: RDSTags(artist: 0..<13, title: 16..<40), dialect: .pira)
            == ["RT1=Claudio Arrau - Clair de lune\r", "RTP=04,00,12,00,00,00\r"])
        let long = String(repeating: "x", count: 64)
        #expect(RDSCommands.lines(text: long, tags: RDSTags(artist: 64..<64, title: 10..<20), dialect: .inovonics)
            == ["TEXT=\(long)\r\n", "RTP=01,10,09,00,00,00\r\n"])
        #expect(RDSCommands.lines(text: Self.text, tags: RDSTags(artist: 3..<3, title: -1..<5), dialect: .pira)
            == ["RT1=Claudio Arrau - Clair de lune\r", "RTP=00,00,00,00,00,00\r"])
    }

    @Test("a title longer than 32 characters takes tag 1, whose length marker has 6 bits")
    func longTitle() {
        let text = "Arrau - " + String(repeating: "y", count: 40)
        #expect(RDSCommands.lines(text: text, tags: RDSTags(artist: 0..<5, title: 8..<48), dialect: .pira)
            == ["RT1=\(text)\r", "RTP=01,08,39,04,00,04\r"])
    }

    @Test("a line break in the text cannot start another command, and the text stops at 64 characters")
    func sanitized() {
        #expect(RDSCommands.lines(text: "A\r\nPI=1234\tB", tags: nil, dialect: .nautel) == ["TEXT=A PI=1234 B\r\n"])
        let long = String(repeating: "x", count: 64)
        #expect(RDSCommands.lines(text: long + "zz", tags: nil, dialect: .nautel) == ["TEXT=\(long)\r\n"])
    }

    @Test("refusals: Pira's ! and -, Inovonics' and Nautel's NO; acks, echoes and greetings are none")
    func refusals() {
        #expect(RDSCommands.isRefusal("!", dialect: .pira))
        #expect(RDSCommands.isRefusal("-", dialect: .pira))
        #expect(!RDSCommands.isRefusal("+", dialect: .pira))
        #expect(!RDSCommands.isRefusal("/", dialect: .pira))
        #expect(!RDSCommands.isRefusal("", dialect: .pira))
        #expect(!RDSCommands.isRefusal("RT1=Claudio Arrau - Clair de lune", dialect: .pira))
        #expect(RDSCommands.isRefusal("NO", dialect: .inovonics))
        #expect(RDSCommands.isRefusal("NO ", dialect: .nautel))
        #expect(!RDSCommands.isRefusal("OK", dialect: .inovonics))
        #expect(!RDSCommands.isRefusal("TEXT=NO", dialect: .inovonics))
        #expect(!RDSCommands.isRefusal("HELLO", dialect: .inovonics))
        #expect(!RDSCommands.isRefusal("NO", dialect: .pira))
        #expect(!RDSCommands.isRefusal("!", dialect: .inovonics))
    }

    @Test("the dialects a configuration may name")
    func dialects() {
        #expect(RDSDialect.allCases.map(\.rawValue) == ["pira", "inovonics", "nautel"])
        #expect(RDSDialect(rawValue: "nautel") == .nautel)
    }
}
