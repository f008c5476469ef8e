extension ConfigParser {
    /// The line and column of a `}` where an array expects a value: after its `[` or a `,`,
    /// with only spaces, line breaks and comments between (`url = [ }`, `[1, }`). toml++ (in
    /// TOMLKit) asserts on these instead of reporting an error, and its asserts are compiled in,
    /// so the daemon aborted on such a file, at start or on a reload (found by `make fuzz`,
    /// target config; Tests/Fixtures/fuzz/). A small lexer: strings (basic, literal, multi-line)
    /// and comments are skipped, a `[` at the start of a line outside any value is a table
    /// header.
    static func braceWhereArrayValueExpected(in text: String) -> (line: Int, column: Int)? {
        let bytes = Array(text.utf8)
        var scan = ArrayBraceScan(bytes: bytes)
        return scan.run()
    }
}

/// The state of ``ConfigParser/braceWhereArrayValueExpected(in:)``'s one pass over the bytes.
private struct ArrayBraceScan {
    let bytes: [UInt8]
    var i = 0
    var line = 1
    var lineStart = 0
    /// Open arrays (`[`) and inline tables (`{`) of the value being read.
    var open: [UInt8] = []
    /// In an array, after its `[` or a `,`: a value (or `]`) must come.
    var expectingValue = false
    /// After a key's `=` on this line (a `[` then opens an array, not a table header).
    var inValue = false

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func run() -> (line: Int, column: Int)? {
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 0x0A:
                newline()
                if open.isEmpty { inValue = false }
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(quote: c)
                expectingValue = false
                continue
            case UInt8(ascii: "="):
                inValue = true
                expectingValue = false
            case UInt8(ascii: "["):
                if open.isEmpty && !inValue {
                    // A table header: its line holds nothing this scan looks for.
                    while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                    continue
                }
                open.append(c)
                expectingValue = true
            case UInt8(ascii: "{"):
                open.append(c)
                expectingValue = false
            case UInt8(ascii: "]"):
                if open.last == UInt8(ascii: "[") { open.removeLast() }
                expectingValue = false
            case UInt8(ascii: "}"):
                if expectingValue && open.last == UInt8(ascii: "[") { return (line, i - lineStart + 1) }
                if open.last == UInt8(ascii: "{") { open.removeLast() }
                expectingValue = false
            case UInt8(ascii: ","):
                expectingValue = open.last == UInt8(ascii: "[")
            case 0x20, 0x09, 0x0D:
                break
            default:
                expectingValue = false
            }
            i += 1
        }
        return nil
    }

    private mutating func newline() {
        line += 1
        lineStart = i + 1
    }

    /// Skips a string starting at `i` (`"…"`, `'…'`, `"""…"""`, `'''…'''`), counting its lines.
    private mutating func skipString(quote: UInt8) {
        let triple = i + 2 < bytes.count && bytes[i + 1] == quote && bytes[i + 2] == quote
        i += triple ? 3 : 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                i += 2
                continue
            }
            if c == 0x0A {
                if !triple { return }   // an unterminated one-line string: toml++ reports it
                newline()
            }
            if c == quote {
                if !triple {
                    i += 1
                    return
                }
                if i + 2 < bytes.count && bytes[i + 1] == quote && bytes[i + 2] == quote {
                    i += 3
                    // Up to two more quotes belong to the string ("""a""""").
                    while i < bytes.count && bytes[i] == quote { i += 1 }
                    return
                }
            }
            i += 1
        }
    }
}
