import Foundation

/// One element of a leniently read XML document.
struct LenientXMLElement: Equatable {
    /// The element name as written.
    var name: String
    /// Attributes (names as written; values entity-decoded).
    var attributes: [String: String] = [:]
    /// Child elements in document order.
    var children: [LenientXMLElement] = []
    /// The element's own text (not its children's), entity-decoded, untrimmed.
    var text: String = ""

    /// The first direct child called `name`, compared case-insensitively.
    func child(_ name: String) -> LenientXMLElement? {
        children.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// All direct children called `name`, compared case-insensitively.
    func children(named name: String) -> [LenientXMLElement] {
        children.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The trimmed text of the direct child `name`; nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let text = child(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return nil }
        return text
    }
}

/// A forgiving reader for the small XML documents status servers write (SHOUTcast's
/// `<SHOUTCASTSERVER>`), which are not always well-formed: an unescaped `&` in a title, an
/// unclosed element, `//` lines copied from documentation.
///
/// Policy: comments, `<?…?>` and `<!…>` declarations are skipped; CDATA is text; the five
/// XML entities and numeric references are decoded, any other `&` is kept as written; a
/// `<` that does not start a tag is text; a closing tag closes the nearest open element
/// of that name (others left open are closed with it) and a stray one is ignored; the
/// document ends where the input ends. Nesting deeper than 64 is flattened, so hostile
/// input cannot exhaust the stack. Returns the first root element, nil when there is none.
enum LenientXML {
    static func parse(_ text: String) -> LenientXMLElement? {
        let s = Array(text.unicodeScalars)
        var stack: [LenientXMLElement] = []
        var root: LenientXMLElement?
        var i = 0

        func appendText(_ string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }
        func close(at depth: Int) {
            while stack.count > depth {
                let done = stack.removeLast()
                if stack.isEmpty { if root == nil { root = done } } else { stack[stack.count - 1].children.append(done) }
            }
        }
        func starts(_ prefix: String, at index: Int) -> Bool {
            let p = Array(prefix.unicodeScalars)
            guard index + p.count <= s.count else { return false }
            return s[index..<(index + p.count)].elementsEqual(p)
        }
        func skip(past end: String, from index: Int) -> Int {
            let e = Array(end.unicodeScalars)
            var j = index
            while j + e.count <= s.count {
                if s[j..<(j + e.count)].elementsEqual(e) { return j + e.count }
                j += 1
            }
            return s.count
        }

        while i < s.count, root == nil {
            guard s[i] == "<" else {
                var j = i
                while j < s.count, s[j] != "<" { j += 1 }
                appendText(decodeEntities(String(String.UnicodeScalarView(s[i..<j]))))
                i = j
                continue
            }
            if starts("<!--", at: i) { i = skip(past: "-->", from: i + 4); continue }
            if starts("<![CDATA[", at: i) {
                let end = skip(past: "]]>", from: i + 9)
                appendText(String(String.UnicodeScalarView(s[(i + 9)..<max(i + 9, end - 3)])))
                i = end
                continue
            }
            if starts("<?", at: i) { i = skip(past: "?>", from: i + 2); continue }
            if starts("<!", at: i) { i = skip(past: ">", from: i + 2); continue }
            let closing = i + 1 < s.count && s[i + 1] == "/"
            var j = i + (closing ? 2 : 1)
            let nameStart = j
            while j < s.count, isNameScalar(s[j]) { j += 1 }
            guard j > nameStart, isNameStart(s[nameStart]) else {
                appendText("<")
                i += 1
                continue
            }
            let name = String(String.UnicodeScalarView(s[nameStart..<j]))
            let tagEnd = endOfTag(s, from: j)
            let body = String(String.UnicodeScalarView(s[j..<min(tagEnd, s.count)]))
            i = min(tagEnd + 1, s.count)
            if closing {
                if let depth = stack.lastIndex(where: { $0.name == name }) { close(at: depth) }
                continue
            }
            let selfClosing = body.hasSuffix("/")
            let element = LenientXMLElement(name: name, attributes: attributes(in: body))
            if stack.count >= 64 { close(at: stack.count - 1) }
            stack.append(element)
            if selfClosing { close(at: stack.count - 1) }
        }
        close(at: 0)
        return root
    }

    /// The index of the `>` ending a tag, skipping quoted attribute values.
    private static func endOfTag(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var quote: Unicode.Scalar?
        var j = start
        while j < s.count {
            let c = s[j]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ">" { return j }
            j += 1
        }
        return s.count
    }

    /// `name="value"` / `name='value'` pairs of a tag body.
    private static func attributes(in body: String) -> [String: String] {
        var result: [String: String] = [:]
        let s = Array(body.unicodeScalars)
        var i = 0
        while i < s.count {
            while i < s.count, !isNameStart(s[i]) { i += 1 }
            let start = i
            while i < s.count, isNameScalar(s[i]) { i += 1 }
            let name = String(String.UnicodeScalarView(s[start..<i]))
            while i < s.count, s[i] == " " { i += 1 }
            guard i < s.count, s[i] == "=" else { continue }
            i += 1
            while i < s.count, s[i] == " " { i += 1 }
            guard i < s.count, s[i] == "\"" || s[i] == "'" else { continue }
            let quote = s[i]
            let valueStart = i + 1
            var end = valueStart
            while end < s.count, s[end] != quote { end += 1 }
            if !name.isEmpty, result[name] == nil {
                result[name] = decodeEntities(String(String.UnicodeScalarView(s[valueStart..<end])))
            }
            i = min(end + 1, s.count)
        }
        return result
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and numeric references decoded; others kept.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[amp...]
            if let semicolon = after.prefix(12).firstIndex(of: ";") {
                let name = after[after.index(after: amp)..<semicolon]
                if let scalar = entity(name) {
                    output.unicodeScalars.append(scalar)
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            output += "&"
            rest = after.dropFirst()
        }
        return output + rest
    }

    private static func entity(_ name: Substring) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap { $0 == 0 ? nil : Unicode.Scalar($0) }
        }
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c == "_" || c == ":"
    }

    private static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        isNameStart(c) || ("0"..."9").contains(c) || c == "-" || c == "."
    }
}
