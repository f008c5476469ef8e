import Foundation

/// Digits, colon, minus, capital letters and a little punctuation in a 3x5 pixel font, drawn
/// with half blocks so a pixel is square (`scale` columns by `scale` half-rows: terminal cells
/// are about twice as tall as wide). The large clock and countdown, and on big terminals the
/// program names, are drawn with it.
enum BlockFont {
    static let glyphs: [Character: [String]] = [
        "0": ["###", "#.#", "#.#", "#.#", "###"],
        "1": [".#.", "##.", ".#.", ".#.", "###"],
        "2": ["###", "..#", "###", "#..", "###"],
        "3": ["###", "..#", ".##", "..#", "###"],
        "4": ["#.#", "#.#", "###", "..#", "..#"],
        "5": ["###", "#..", "###", "..#", "###"],
        "6": ["###", "#..", "###", "#.#", "###"],
        "7": ["###", "..#", ".#.", ".#.", ".#."],
        "8": ["###", "#.#", "###", "#.#", "###"],
        "9": ["###", "#.#", "###", "..#", "###"],
        ":": [".", "#", ".", "#", "."],
        "-": ["..", "..", "##", "..", ".."],
        " ": [".", ".", ".", ".", "."],
        "A": [".#.", "#.#", "###", "#.#", "#.#"], "B": ["##.", "#.#", "##.", "#.#", "##."],
        "C": [".##", "#..", "#..", "#..", ".##"], "D": ["##.", "#.#", "#.#", "#.#", "##."],
        "E": ["###", "#..", "##.", "#..", "###"], "F": ["###", "#..", "##.", "#..", "#.."],
        "G": [".##", "#..", "#.#", "#.#", ".##"], "H": ["#.#", "#.#", "###", "#.#", "#.#"],
        "I": ["###", ".#.", ".#.", ".#.", "###"], "J": ["..#", "..#", "..#", "#.#", ".#."],
        "K": ["#.#", "#.#", "##.", "#.#", "#.#"], "L": ["#..", "#..", "#..", "#..", "###"],
        "M": ["#.#", "###", "###", "#.#", "#.#"], "N": ["##.", "#.#", "#.#", "#.#", "#.#"],
        "O": [".#.", "#.#", "#.#", "#.#", ".#."], "P": ["##.", "#.#", "##.", "#..", "#.."],
        "Q": [".#.", "#.#", "#.#", "##.", ".##"], "R": ["##.", "#.#", "##.", "#.#", "#.#"],
        "S": [".##", "#..", ".#.", "..#", "##."], "T": ["###", ".#.", ".#.", ".#.", ".#."],
        "U": ["#.#", "#.#", "#.#", "#.#", "###"], "V": ["#.#", "#.#", "#.#", "#.#", ".#."],
        "W": ["#.#", "#.#", "###", "###", "#.#"], "X": ["#.#", "#.#", ".#.", "#.#", "#.#"],
        "Y": ["#.#", "#.#", ".#.", ".#.", ".#."], "Z": ["###", "..#", ".#.", "#..", "###"],
        ".": [".", ".", ".", ".", "#"], ",": [".", ".", ".", "#", "#"], "'": ["#", "#", ".", ".", "."],
        "!": ["#", "#", "#", ".", "#"], "/": ["..#", "..#", ".#.", "#..", "#.."],
        "?": ["###", "..#", ".#.", "...", ".#."], "&": [".#.", "#.#", ".#.", "#.#", ".##"],
        "+": ["...", ".#.", "###", ".#.", "..."],
    ]

    /// `name` as the letter font can draw it (upper case, accents dropped, dashes as "-"), or
    /// nil when it has a character the font does not have (e.g. CJK): then only the plain
    /// line shows it, never a garbled one.
    static func letters(_ name: String) -> String? {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .uppercased()
            .replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-")
            .replacingOccurrences(of: "’", with: "'")
        let text = folded.split(separator: " ", omittingEmptySubsequences: true).joined(separator: "  ")
        guard !text.isEmpty, text.allSatisfy({ glyphs[$0] != nil }) else { return nil }
        return text
    }

    /// Pixel columns of `text`, one pixel of space between glyphs.
    static func pixelWidth(_ text: String) -> Int {
        let widths = text.map { glyphs[$0]?.first?.count ?? 3 }
        return widths.reduce(0, +) + max(0, widths.count - 1)
    }

    /// The rows of `text` at `scale`.
    static func render(_ text: String, scale: Int) -> [String] {
        // Pixel rows of the whole string.
        var pixels = [[Bool]](repeating: [], count: 5)
        for (index, character) in text.enumerated() {
            let glyph = glyphs[character] ?? glyphs[" "]!
            for row in 0..<5 {
                if index > 0 { pixels[row].append(false) }
                pixels[row] += glyph[row].map { $0 == "#" }
            }
        }
        // Scale to half-rows, then pair them into terminal rows.
        let halfRows = pixels.flatMap { row in Array(repeating: row.flatMap { Array(repeating: $0, count: scale) }, count: scale) }
        var rows: [String] = []
        var index = 0
        while index < halfRows.count {
            let top = halfRows[index]
            let bottom = index + 1 < halfRows.count ? halfRows[index + 1] : Array(repeating: false, count: top.count)
            var line = ""
            for column in top.indices {
                switch (top[column], bottom[column]) {
                case (true, true): line += "█"
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (false, false): line += " "
                }
            }
            rows.append(line)
            index += 2
        }
        return rows
    }
}
