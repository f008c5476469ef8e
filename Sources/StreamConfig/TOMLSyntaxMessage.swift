/// toml++'s syntax errors (through TOMLKit) in an operator's words: "unclosed string" rather
/// than "unescaped control characters … explicitly prohibited", "the end of the line" rather
/// than `'\n'`. Pure: the parser's message and the offending line in, one message out.
enum TOMLSyntaxMessage {
    /// The plain message for toml++'s `description`, reported at `column` (1-based) of
    /// `lineText` (the line without its newline).
    static func plain(_ description: String, lineText: String?, column: Int?) -> String {
        let (context, detail) = split(description)
        let atLineEnd = lineText.map { line in (column ?? 0) > line.count } ?? false
        if detail.contains("control characters"), context.contains("string") {
            return atLineEnd
                ? "unclosed string: the quote opened on this line is not closed before the line ends"
                : "a control character inside a string: write it as an escape such as \\t or \\u0001"
        }
        if detail.contains("end-of-file") {
            let what = context.isEmpty ? "input" : context
            return "unclosed \(what): the file ends before it is closed"
        }
        if let range = detail.range(of: "cannot redefine existing ") {
            let rest = detail[range.upperBound...]
            let name = rest.split(separator: " ", maxSplits: 1).last.map(String.init) ?? String(rest)
            return "\(name) is set twice (a key or table may appear once)"
        }
        let words = detail
            .replacingOccurrences(of: "saw '\\n'", with: "saw the end of the line")
            .replacingOccurrences(of: "saw '\\r'", with: "saw the end of the line")
        guard let first = context.first else { return words }
        return "in \("aeiou".contains(first) ? "an" : "a") \(context): \(words)"
    }

    /// `Error while parsing table header: expected ']'` → ("table header", "expected ']'").
    private static func split(_ description: String) -> (context: String, detail: String) {
        let prefix = "Error while parsing "
        guard description.hasPrefix(prefix), let colon = description.range(of: ": ") else { return ("", description) }
        let context = description[description.index(description.startIndex, offsetBy: prefix.count)..<colon.lowerBound]
        return (String(context), String(description[colon.upperBound...]))
    }
}
