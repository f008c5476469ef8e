/// HTML character references in song text (`&#8211;`, `&#x2013;`, `&amp;`, `&eacute;`).
///
/// Policy: one pass, so a double-escaped `&amp;amp;` becomes `&amp;` (what the sender
/// wrote, escaped once). A reference needs its closing `;`. Numeric references to 0x80-0x9F
/// are read as Windows-1252 (`&#146;` is an apostrophe), as browsers do. Unknown names,
/// a missing `;`, NUL, surrogates and code points above U+10FFFF are left as written.
public enum HTMLEntities {
    /// `text` with every well-formed, known character reference replaced by its character.
    public static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let input = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < input.count {
            let scalar = input[index]
            if scalar == "&", let (replacement, length) = reference(in: input, at: index) {
                output.append(replacement)
                index &+= length
            } else {
                output.append(scalar)
                index &+= 1
            }
        }
        return String(output)
    }

    /// The character and length of the reference starting with `&` at `start`, if valid.
    private static func reference(in input: [Unicode.Scalar], at start: Int)
        -> (Unicode.Scalar, Int)? {
        let maxLength = 12   // "&#x0010FFFF;" and the longest known name fit
        var end = start &+ 1
        while end < input.count, end &- start <= maxLength, input[end] != ";" { end &+= 1 }
        guard end < input.count, input[end] == ";", end > start &+ 1 else { return nil }
        let body = String(String.UnicodeScalarView(input[(start &+ 1)..<end]))
        guard let scalar = body.hasPrefix("#") ? numeric(body.dropFirst()) : named[body] else {
            return nil
        }
        return (scalar, end &- start &+ 1)
    }

    /// `8211` or `x2013` / `X2013` to its character; nil when malformed or not a character.
    private static func numeric(_ digits: Substring) -> Unicode.Scalar? {
        let isHex = digits.first == "x" || digits.first == "X"
        let number = isHex ? digits.dropFirst() : digits
        guard !number.isEmpty, number.count <= 8,
              number.allSatisfy({ isHex ? $0.isHexDigit : ("0"..."9").contains($0) }),
              let value = UInt32(number, radix: isHex ? 16 : 10), value != 0 else { return nil }
        if (0x80...0x9F).contains(value) { return TextDecoding.windows1252Scalar(UInt8(value)) }
        return Unicode.Scalar(value)
    }

    /// Named references: the XML five, common typography, and all of HTML's Latin-1 names.
    private static let named: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
            "ndash": "\u{2013}", "mdash": "\u{2014}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
            "sbquo": "\u{201A}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "bdquo": "\u{201E}",
            "hellip": "\u{2026}", "bull": "\u{2022}", "trade": "\u{2122}", "euro": "\u{20AC}",
            "dagger": "\u{2020}", "Dagger": "\u{2021}", "lsaquo": "\u{2039}", "rsaquo": "\u{203A}",
            "OElig": "\u{0152}", "oelig": "\u{0153}", "Scaron": "\u{0160}", "scaron": "\u{0161}",
            "Yuml": "\u{0178}", "fnof": "\u{0192}", "circ": "\u{02C6}", "tilde": "\u{02DC}",
            "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}",
            "zwnj": "\u{200C}", "zwj": "\u{200D}", "lrm": "\u{200E}", "rlm": "\u{200F}",
        ]
        for (offset, name) in latin1Names.enumerated() {
            table[name] = Unicode.Scalar(UInt8(160 &+ offset))
        }
        return table
    }()

    /// HTML 4 names for U+00A0...U+00FF, in code point order.
    private static let latin1Names: [String] = """
        nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr \
        deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest \
        Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml \
        ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig \
        agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml \
        eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
        """.split(separator: " ").map(String.init)
}
