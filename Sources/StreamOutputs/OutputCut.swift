/// Cutting a text to an output's `max_length` (characters) at a word boundary.
///
/// Length counts Swift `Character`s; for `ascii` and `ebu-latin` outputs cut the transliterated
/// text (`OutputCharset.transliterate`), where a character is one byte.
public enum OutputCut {
    /// `text` if it fits; otherwise the longest prefix of whole words that fits within `maxLength`
    /// characters, with trailing spaces and separators (" – — - / | : ·" and commas) trimmed; a first
    /// word longer than `maxLength` is cut hard at `maxLength` (and trailing whitespace dropped).
    /// No ellipsis is added.
    /// `maxLength` <= 0: "". Pure.
    ///
    /// A word ends before whitespace, or before punctuation (`, ; : . ! ?`) that whitespace or the
    /// end of the text follows: "Arrau, Clair" cut to 5 is "Arrau".
    public static func cut(_ text: String, maxLength: Int) -> String {
        guard maxLength > 0 else { return "" }
        let characters = Array(text)
        guard characters.count > maxLength else { return text }
        var end = maxLength
        while end > 0 {
            if endsWord(characters, before: end) {
                let kept = trimmed(characters[..<end])
                if !kept.isEmpty { return String(kept) }
            }
            end -= 1
        }
        // No word fits: cut hard, without the whitespace the cut leaves at the end (a text cut
        // again stays as it is).
        var hard = characters[..<maxLength]
        while let last = hard.last, last.isWhitespace { hard = hard.dropLast() }
        return String(hard)
    }

    /// Whether a word ends just before `characters[index]` (`index` < `characters.count`).
    private static func endsWord(_ characters: [Character], before index: Int) -> Bool {
        let next = characters[index]
        if next.isWhitespace { return true }
        guard closingPunctuation.contains(next) else { return false }
        return index + 1 == characters.count || characters[index + 1].isWhitespace
    }

    private static let closingPunctuation: Set<Character> = [",", ";", ":", ".", "!", "?"]

    private static let separators: Set<Character> = ["–", "—", "-", "/", "|", ":", "·", ","]

    private static func trimmed(_ prefix: ArraySlice<Character>) -> ArraySlice<Character> {
        var slice = prefix
        while let last = slice.last, last.isWhitespace || separators.contains(last) { slice = slice.dropLast() }
        return slice
    }
}
