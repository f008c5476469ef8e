import Foundation
import Testing
@testable import StreamOutputs

/// What an output may send: transliteration to ASCII and EBU Latin, the EBU Latin bytes (ETSI
/// TS 101 756 Annex C, as in ODR-PadEnc's charset.cpp), and cutting to a length at a word boundary.
@Suite("Outputs: charset and length")
struct OutputCharsetTests {
    /// Titles of every kind, for the properties that hold of any text.
    static let mixed = [
        "Björk – Jóga", "Sigur Rós", "Motörhead", "Straße", "Ænima", "“Quoted” ‘x’", "naïve…", "A\tB\nC", "🎵 Song 🎶",
        "Ølafur Arnalds", "Þórir", "Łódź", "Œuvre", "ðing", "Dvořák: Symphony No. 9", "Sibelius – Valse triste, Op. 44",
        "Ștefan Țiriac", "Đorđe Balašević", "Mötley Crüe", "Zoë Keating", "Ñandú", "Ça va", "Hüsker Dü", "Ryūichi Sakamoto",
        "Αλέξανδρος", "Чайковский", "坂本龍一", "Ｆｕｌｌｗｉｄｔｈ", "x² + y³", "℃ ™ ® ©", "\u{200B}zero\u{200D}width\u{FEFF}",
        "tab\t\tand\r\nnewlines\u{2028}", "{curly} | pipe \\ back ^ caret ` tick ~ tilde $ dollar", "e\u{301}\u{323}",
        "👨‍👩‍👧 family 1️⃣", "¡Hola! ¿Qué? «Guillemets» ‹single›", "− minus ‐ hyphen ‒ figure ― bar", "£10 €20 ¥30",
        "ſ ĳ ǈ ŉ", "\u{0000}\u{0007}\u{007F}\u{0085}",
    ]

    @Test("ASCII: diacritics dropped, letters spelled out, quotes, dashes, spaces and controls plain, emoji gone")
    func ascii() {
        let cases: [(String, String)] = [
            ("Björk – Jóga", "Bjork - Joga"),
            ("Sigur Rós", "Sigur Ros"),
            ("Motörhead", "Motorhead"),
            ("Straße", "Strasse"),
            ("Ænima", "AEnima"),
            ("“Quoted” ‘x’", "\"Quoted\" 'x'"),
            ("naïve…", "naive..."),
            ("A\tB\nC", "A B C"),
            ("🎵 Song 🎶", "Song"),
            ("Ølafur Arnalds — Þórir, Łódź", "Olafur Arnalds - Thorir, Lodz"),
            ("Œuvre · æther · ðing", "OEuvre - aether - ding"),
            ("A\u{00A0}B\u{2009}C  D", "A B C D"),
            ("Sine\u{301}ad O’Connor", "Sinead O'Connor"),
            ("ﬁne ½", "fine 1/2"),
            ("Beyoncé 👍🏽 🇺🇸 tour", "Beyonce tour"),
        ]
        for (input, want) in cases {
            #expect(OutputCharset.ascii.transliterate(input) == want)
        }
        #expect(OutputCharset.ascii.encode("Bjork - Joga") == Array("Bjork - Joga".utf8))
        #expect(OutputCharset.ascii.encode("Björk") == Array("Bjrk".utf8))
    }

    @Test("UTF-8: as is")
    func utf8() {
        #expect(OutputCharset.utf8.transliterate("Björk – Jóga 🎵\t") == "Björk – Jóga 🎵\t")
        #expect(OutputCharset.utf8.encode("é") == [0xC3, 0xA9])
    }

    @Test("EBU Latin: the table of charset.cpp, 0x20-0xFF, each character once")
    func ebuLatinTable() {
        #expect(OutputCharset.ebuLatinHigh.count == 128)
        #expect(OutputCharset.ebuLatinCodes.count == 224)
    }

    @Test("EBU Latin keeps é ü ñ ß and sends their codes; $ is 0xAB, 0x24 is ł")
    func ebuLatinKeeps() {
        let ebu = OutputCharset.ebuLatin
        #expect(ebu.transliterate("Café Über Niño Straße") == "Café Über Niño Straße")
        #expect(ebu.encode("é") == [0x82])
        #expect(ebu.encode("ü") == [0x99])
        #expect(ebu.encode("ñ") == [0x9A])
        #expect(ebu.encode("ß") == [0x8D])
        #expect(ebu.encode("Ü") == [0xD9])
        #expect(ebu.encode("e\u{301}") == [0x82])
        #expect(ebu.encode("Ab") == [0x41, 0x62])
        #expect(ebu.encode("€5 $3") == [0xA9, 0x35, 0x20, 0xAB, 0x33])
        #expect(ebu.encode("ł Ł Ą") == [0x24, 0x20, 0x5E, 0x20, 0x60])
        #expect(ebu.encode("a🎵b") == [0x61, 0x62])
    }

    @Test("EBU Latin: what it lacks is mapped or dropped")
    func ebuLatinLacks() {
        let ebu = OutputCharset.ebuLatin
        #expect(ebu.transliterate("€5 🎵 $3") == "€5 $3")
        #expect(ebu.transliterate("Björk – Jóga") == "Björk - Jóga")
        #expect(ebu.transliterate("“Quoted” ‘x’ naïve…") == "\"Quoted\" 'x' naïve...")
        #expect(ebu.transliterate("Łódź Æ ø") == "Łódź Æ ø")
        #expect(ebu.transliterate("~{a|b}\\^`") == "-(a/b)/'")
        #expect(ebu.transliterate("Ștefan Țiriac ąę Đorđe Ōtake") == "Ştefan Tiriac ae Ðorđe Otake")
        #expect(ebu.transliterate("A\tB\nC") == "A B C")
    }

    @Test("any text: ASCII within 0x20-0x7E, EBU Latin encoded without a skip, no doubled or edge spaces, stable")
    func withinTheSet() {
        for text in Self.mixed {
            let ascii = OutputCharset.ascii.transliterate(text)
            #expect(ascii.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
            #expect(OutputCharset.ascii.encode(ascii).count == ascii.count)
            #expect(OutputCharset.ascii.transliterate(ascii) == ascii)
            let ebu = OutputCharset.ebuLatin.transliterate(text)
            #expect(OutputCharset.ebuLatin.encode(ebu).count == ebu.count)
            #expect(OutputCharset.ebuLatin.transliterate(ebu) == ebu)
            for out in [ascii, ebu] {
                #expect(!out.hasPrefix(" ") && !out.hasSuffix(" ") && !out.contains("  "))
            }
        }
    }

    @Test("cut: fits unchanged, else whole words with the separators they leave trimmed")
    func cutAtWords() {
        #expect(OutputCut.cut("Clair de lune", maxLength: 20) == "Clair de lune")
        #expect(OutputCut.cut("Claudio Arrau – Clair de lune", maxLength: 20) == "Claudio Arrau")
        #expect(OutputCut.cut("Claudio Arrau – Clair de lune", maxLength: 15) == "Claudio Arrau")
        #expect(OutputCut.cut("Claudio Arrau – Clair de lune", maxLength: 14) == "Claudio Arrau")
        #expect(OutputCut.cut("Claudio Arrau – Clair de lune", maxLength: 13) == "Claudio Arrau")
        #expect(OutputCut.cut("Claudio Arrau – Clair de lune", maxLength: 12) == "Claudio")
        #expect(OutputCut.cut("Claudio Arrau", maxLength: 13) == "Claudio Arrau")
        #expect(OutputCut.cut("Arrau, Clair", maxLength: 5) == "Arrau")
        #expect(OutputCut.cut("Arrau, Clair", maxLength: 7) == "Arrau")
        #expect(OutputCut.cut("Björk – Jóga", maxLength: 8) == "Björk")
    }

    @Test("cut: a first word too long is cut hard; 0 or less: nothing")
    func cutHard() {
        #expect(OutputCut.cut("Supercalifragilistic expialidocious", maxLength: 5) == "Super")
        #expect(OutputCut.cut("Supercalifragilistic", maxLength: 5) == "Super")
        #expect(OutputCut.cut("Clair de lune", maxLength: 0) == "")
        #expect(OutputCut.cut("Clair de lune", maxLength: -3) == "")
        #expect(OutputCut.cut("", maxLength: 5) == "")
    }

    @Test("cut: a 64-character RadioText")
    func radioText() {
        let text = OutputCharset.ascii.transliterate(
            "Berliner Philharmoniker, Herbert von Karajan – Also sprach Zarathustra, Op. 30")
        #expect(text.count == 78)
        #expect(OutputCut.cut(text, maxLength: 64) == "Berliner Philharmoniker, Herbert von Karajan - Also sprach")
    }

    @Test("a hard cut leaves no whitespace at its end (found by the output-text fuzzer)")
    func hardCutTrimmed() {
        let cut = OutputCut.cut(",,,,,,,,,,,,,,, y`No. 9", maxLength: 16)
        #expect(cut == ",,,,,,,,,,,,,,,")
        #expect(OutputCut.cut(cut, maxLength: 16) == cut)
    }
}
