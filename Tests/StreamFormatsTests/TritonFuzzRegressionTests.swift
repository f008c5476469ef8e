import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// Inputs found by `make fuzz` (target triton; docs/reliability.md). Before the fix each one
/// crashed the process inside Foundation's XMLParser (a processing instruction without data
/// is a NULL dereference on Linux); now each is a clear ParseError or a value.
@Suite struct TritonFuzzRegressionTests {
    private func expectParseError(_ text: String) {
        #expect(throws: ParseError.self) { try TritonNowPlaying.parse(Array(text.utf8)) }
    }

    @Test func fuzzerInputIsAParseErrorNotACrash() throws {
        let bytes = try Fixture.bytes("fuzz/triton-processing-instruction-without-data.xml")
        #expect(throws: ParseError.self) { try TritonNowPlaying.parse(bytes) }
    }

    @Test func processingInstructionsWithoutDataAreIgnored() throws {
        // Removed before XMLParser sees them: the rest parses as usual.
        let empty = try TritonNowPlaying.parse(Array("<nowplaying-info-list><?x?></nowplaying-info-list>".utf8))
        #expect(empty.current == nil)
        _ = try TritonNowPlaying.parse(Array("<?xml?><nowplaying-info-list/>".utf8))
        _ = try TritonNowPlaying.parse(Array("<?xml version=\"1.0\"?><nowplaying-info-list><?x?></nowplaying-info-list>".utf8))
        // An unterminated one runs to the end and goes with it.
        _ = try TritonNowPlaying.parse(Array("<nowplaying-info-list/><?x?><?y".utf8))
    }

    @Test func realFeedWithAProcessingInstructionStillParses() throws {
        var text = try Fixture.text("triton/triton_nowplaying_WBOSFMAAC_1item.xml")
        let plain = try TritonNowPlaying.parse(Array(text.utf8))
        text = text.replacingOccurrences(of: "<nowplaying-info ", with: "<?pi?>\n<nowplaying-info ")
        let withInstruction = try TritonNowPlaying.parse(Array(text.utf8))
        #expect(withInstruction == plain)
        #expect(plain.current != nil)
    }

    @Test func doctypeIsRefused() {
        // An entity can carry a processing instruction as character references.
        expectParseError("<!DOCTYPE a [<!ENTITY e \"&#60;?x?>\">]><nowplaying-info-list>&e;</nowplaying-info-list>")
        expectParseError("<!DOCTYPE a [<?x?>]><nowplaying-info-list/>")
    }

    @Test func instructionsInCommentsAndCDATAAreLeftAlone() {
        let text = "<a><!-- <?x?> --><![CDATA[<?y?>]]></a>"
        #expect(XMLParserGuard.sanitized(Array(text.utf8)) == Array(text.utf8))
        #expect(XMLParserGuard.sanitized(Array("<a>\n<?x\n?></a>".utf8)) == Array("<a>\n\n</a>".utf8))
    }
}
