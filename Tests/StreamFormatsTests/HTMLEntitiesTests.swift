import Testing
@testable import StreamFormats

@Suite struct HTMLEntitiesTests {
    @Test func numericReferences() {
        #expect(HTMLEntities.decode("Beyoncé &#8211; Déjà Vu") == "Beyoncé – Déjà Vu")
        #expect(HTMLEntities.decode("a &#x2013; b &#X2014; c") == "a – b — c")
        #expect(HTMLEntities.decode("Don&#39;t &#128512;") == "Don't 😀")
        #expect(HTMLEntities.decode("Don&#146;t") == "Don\u{2019}t")   // Windows-1252 range
    }

    @Test func namedReferences() {
        #expect(HTMLEntities.decode("Simon &amp; Garfunkel") == "Simon & Garfunkel")
        #expect(HTMLEntities.decode("&lt;b&gt; &quot;x&quot; &apos;y&apos;") == "<b> \"x\" 'y'")
        #expect(HTMLEntities.decode("a&nbsp;b") == "a\u{A0}b")
        #expect(HTMLEntities.decode("Sigur R&oacute;s &ndash; Hopp&iacute;polla") == "Sigur Rós – Hoppípolla")
        #expect(HTMLEntities.decode("&Agrave;&yuml;&iexcl;&times;") == "Àÿ¡×")
        #expect(HTMLEntities.decode("&AMP;") == "&AMP;")   // names are case-sensitive
    }

    @Test func malformedAndUnknownStayAsWritten() {
        for text in ["AT&T", "a & b", "&;", "&#;", "&#x;", "&#xZZ;", "&bogus;", "&amp", "&#8211",
                     "&#0;", "&#xD800;", "&#x110000;", "&#99999999999999999999;", "&#-5;",
                     "&", "&&&", "&#x0010FFFFF;", "&veryveryverylongname;"] {
            #expect(HTMLEntities.decode(text) == text, "\(text)")
        }
    }

    @Test func singlePassLeavesDoubleEscapingOnce() {
        #expect(HTMLEntities.decode("&amp;#8211;") == "&#8211;")
        #expect(HTMLEntities.decode("&amp;&amp;") == "&&")
    }

    @Test func everyLatin1ByteRoundTrips() {
        #expect(HTMLEntities.decode("&#xFF;&#160;") == "ÿ\u{A0}")
        #expect(HTMLEntities.decode("&thorn;&THORN;&szlig;&eth;") == "þÞßð")
    }
}
