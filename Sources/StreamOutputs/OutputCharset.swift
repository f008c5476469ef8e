import Foundation

/// The characters an output may send (an `[[output]]`'s `charset`).
///
/// Transliterate first, then cut to the output's length (`OutputCut`), then encode: after
/// `transliterate` with `ascii` or `ebuLatin`, every `Character` is one byte.
public enum OutputCharset: String, Sendable, CaseIterable {
    /// Unicode, sent as UTF-8, as is.
    case utf8 = "utf-8"
    /// Printable ASCII, 0x20-0x7E, only.
    case ascii
    /// The EBU Latin set of DAB labels and DLS (ETSI TS 101 756 Annex C) and RDS RadioText
    /// (IEC 62106 Annex E), bytes 0x20-0xFF as ODR-PadEnc encodes them.
    case ebuLatin = "ebu-latin"

    /// `text` with every character this charset cannot carry replaced by its nearest equivalent:
    /// letters lose diacritics they cannot keep (é -> e in ASCII, kept in EBU Latin), ß -> ss, æ -> ae,
    /// Æ -> AE, ø -> o, œ -> oe, þ -> th, ð -> d, ł -> l, curly quotes -> ' and ", dashes (– — ‐ −) -> -,
    /// … -> ..., non-breaking and other spaces -> space, control characters (tabs, newlines) -> one
    /// space, emoji and other unmappable characters dropped (and the doubled spaces that leaves
    /// collapsed). For `ascii` and `ebuLatin` runs of spaces become one and the ends are trimmed;
    /// `utf8` returns `text` as is. Never returns characters outside the set. Pure.
    public func transliterate(_ text: String) -> String {
        guard self != .utf8 else { return text }
        var out = ""
        var pendingSpace = false
        func emit(_ replacement: String) {
            for character in replacement {
                if character == " " {
                    pendingSpace = true
                } else if carries(character) {
                    if pendingSpace, !out.isEmpty { out.append(" ") }
                    pendingSpace = false
                    out.append(character)
                }
            }
        }
        for character in text {
            if character.isWhitespace || Self.isControl(character) {
                pendingSpace = true
            } else {
                emit(replacement(for: character))
            }
        }
        return out
    }

    /// The bytes of `text` (already transliterated) in this charset: UTF-8 for `utf8`, ASCII bytes
    /// for `ascii`, the EBU Latin code of each character for `ebuLatin` (a character not in the
    /// set: skipped).
    public func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8: Array(text.utf8)
        case .ascii: text.compactMap(Self.asciiByte)
        case .ebuLatin: text.compactMap { Self.ebuLatinCodes[$0] }
        }
    }

    /// Whether this charset has `character` (one byte of it for `ascii` and `ebuLatin`).
    func carries(_ character: Character) -> Bool {
        switch self {
        case .utf8: true
        case .ascii: Self.asciiByte(character) != nil
        case .ebuLatin: Self.ebuLatinCodes[character] != nil
        }
    }

    // MARK: - Replacing one character

    /// What `character` (neither whitespace nor a control) becomes: itself if carried, else a
    /// substitute, else its compatibility decomposition (NFKD) with the marks this charset cannot
    /// keep left off, else nothing. Each result is checked again by `emit`.
    private func replacement(for character: Character) -> String {
        if carries(character) { return String(character) }
        if let substitute = substitute(for: character) { return substitute }
        // e.g. "ḗ" -> "e" + macron + acute: "ē" in EBU Latin, "e" in ASCII; "ﬁ" -> "fi"; "½" -> "1⁄2".
        let scalars = Array(String(character).decomposedStringWithCompatibilityMapping.unicodeScalars)
        var out = ""
        var start = 0
        while start < scalars.count {
            var end = start + 1
            while end < scalars.count, Self.isMark(scalars[end]) { end += 1 }
            out += baseReplacement(Array(scalars[start..<end]))
            start = end
        }
        return out
    }

    /// One decomposed cluster (a base and its marks): the base with as many of its marks as make a
    /// carried character, else the base's substitute, else nothing. A mark alone or a space (from
    /// spacing accents such as "¨") is nothing.
    private func baseReplacement(_ cluster: [Unicode.Scalar]) -> String {
        guard let base = cluster.first, !Self.isMark(base), !base.properties.isWhitespace else { return "" }
        for count in stride(from: cluster.count, through: 1, by: -1) {
            var candidate = String.UnicodeScalarView()
            candidate.append(contentsOf: cluster[0..<count])
            let string = String(candidate)
            if string.count == 1, let composed = string.first, carries(composed) { return string }
        }
        return substitute(for: Character(base)) ?? ""
    }

    /// The first of `character`'s substitutes that this charset carries in full.
    private func substitute(for character: Character) -> String? {
        Self.substitutes[character]?.first { $0.allSatisfy { $0 == " " || carries($0) } }
    }

    /// Replacements for characters that no decomposition yields, best first (the last is ASCII,
    /// or nothing at all).
    private static let substitutes: [Character: [String]] = [
        // Letters
        "ß": ["ss"], "ẞ": ["SS"], "æ": ["ae"], "Æ": ["AE"], "œ": ["oe"], "Œ": ["OE"],
        "ø": ["o"], "Ø": ["O"], "þ": ["th"], "Þ": ["Th"], "ð": ["d"], "Ð": ["D"],
        "đ": ["d"], "Đ": ["Ð", "D"], "ł": ["l"], "Ł": ["L"], "ħ": ["h"], "Ħ": ["H"],
        "ı": ["i"], "ĸ": ["k"], "ŋ": ["n"], "Ŋ": ["N"], "ŀ": ["l"], "Ŀ": ["L"],
        "ș": ["ş", "s"], "Ș": ["Ş", "S"],
        // Quotes and apostrophes
        "‘": ["'"], "’": ["'"], "‚": ["'"], "‛": ["'"], "′": ["'"], "ʼ": ["'"], "ʻ": ["'"],
        "´": ["'"], "`": ["'"], "‹": ["'"], "›": ["'"],
        "“": ["\""], "”": ["\""], "„": ["\""], "‟": ["\""], "″": ["\""], "«": ["\""], "»": ["\""],
        // Dashes, bullets and separators
        "–": ["-"], "—": ["-"], "‐": ["-"], "‑": ["-"], "‒": ["-"], "―": ["-"], "−": ["-"], "⁃": ["-"],
        "~": ["-"], "·": ["-"], "•": ["-"], "∙": ["-"], "‧": ["-"],
        "|": ["/"], "¦": ["/"], "\\": ["/"], "⁄": ["/"], "∕": ["/"], "{": ["("], "}": [")"], "^": [""],
        // Other signs
        "…": ["..."], "©": ["(c)"], "®": ["(R)"], "€": ["EUR"], "£": ["GBP"], "¡": ["!"], "¿": ["?"],
        "×": ["x"],
    ]

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func asciiByte(_ character: Character) -> UInt8? {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first,
              (0x20...0x7E).contains(scalar.value) else { return nil }
        return UInt8(scalar.value)
    }

    // MARK: - The EBU Latin table

    /// EBU Latin bytes 0x80-0xFF (index 0 is 0x80), as in ETSI TS 101 756 Annex C (Table C.1) and
    /// ODR-PadEnc's src/charset.cpp (`utf8_encoded_EBU_Latin`, commit ad48e10).
    ///
    /// That table also gives 0x01-0x1F letters (Ę Į Ų Ă Ė Ď Ș Ț Ċ Ġ Ĺ Ż Ń ą ę į ų ă ė ď ș ț ċ Ň Ě
    /// ġ ĺ ż) and the controls 0x0A (line break), 0x0B (end of headline) and 0x1F (word break,
    /// U+0082). They are left out here: 0x00-0x1F are control codes in RDS, so those letters are
    /// transliterated (ș -> ş, Ż -> Z) instead.
    static let ebuLatinHigh: [Character] = [
        "á", "à", "é", "è", "í", "ì", "ó", "ò", "ú", "ù", "Ñ", "Ç", "Ş", "ß", "¡", "Ÿ", // 0x80
        "â", "ä", "ê", "ë", "î", "ï", "ô", "ö", "û", "ü", "ñ", "ç", "ş", "ğ", "ı", "ÿ", // 0x90
        "Ķ", "Ņ", "©", "Ģ", "Ğ", "ě", "ň", "ő", "Ő", "€", "£", "$", "Ā", "Ē", "Ī", "Ū", // 0xA0
        "ķ", "ņ", "Ļ", "ģ", "ļ", "İ", "ń", "ű", "Ű", "¿", "ľ", "°", "ā", "ē", "ī", "ū", // 0xB0
        "Á", "À", "É", "È", "Í", "Ì", "Ó", "Ò", "Ú", "Ù", "Ř", "Č", "Š", "Ž", "Ð", "Ŀ", // 0xC0
        "Â", "Ä", "Ê", "Ë", "Î", "Ï", "Ô", "Ö", "Û", "Ü", "ř", "č", "š", "ž", "đ", "ŀ", // 0xD0
        "Ã", "Å", "Æ", "Œ", "ŷ", "Ý", "Õ", "Ø", "Þ", "Ŋ", "Ŕ", "Ć", "Ś", "Ź", "Ť", "ð", // 0xE0
        "ã", "å", "æ", "œ", "ŵ", "ý", "õ", "ø", "þ", "ŋ", "ŕ", "ć", "ś", "ź", "ť", "ħ", // 0xF0
    ]

    /// The bytes of 0x20-0x7F where EBU Latin is not ASCII (same sources). ASCII's $ \ ^ ` { | } ~
    /// are not there ($ is 0xAB; the others are transliterated), and 0x7F is a letter, not DEL.
    static let ebuLatinLowDifferences: [UInt8: Character] = [
        0x24: "ł", 0x5C: "Ů", 0x5E: "Ł", 0x60: "Ą", 0x7B: "«", 0x7C: "ů", 0x7D: "»", 0x7E: "Ľ", 0x7F: "Ħ",
    ]

    /// Each EBU Latin character (0x20-0xFF) to its byte.
    static let ebuLatinCodes: [Character: UInt8] = {
        var codes: [Character: UInt8] = [:]
        for byte in UInt8(0x20)...UInt8(0x7F) {
            codes[ebuLatinLowDifferences[byte] ?? Character(Unicode.Scalar(byte))] = byte
        }
        for (offset, character) in ebuLatinHigh.enumerated() {
            codes[character] = UInt8(truncatingIfNeeded: 0x80 + offset)
        }
        return codes
    }()
}
