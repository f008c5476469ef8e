/// Where each table and key of a TOML text is written, by key path (`station[1].source[0].kind`),
/// found by scanning the text: TOMLKit gives positions for syntax errors only.
///
/// Best effort: headers (`[a.b]`, `[[a.b]]`) and `key = value` lines are indexed, including
/// dotted and quoted keys; multi-line strings and arrays are skipped over; values inside inline
/// tables are not indexed (a lookup then falls back to the enclosing key or table).
struct ConfigLineIndex {
    private var lines: [String: Int] = [:]

    /// Indexes `text`.
    init(_ text: String) {
        var scanner = ValueScanner()
        var current = ""
        var latest: [String: Int] = [:]
        for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let number = offset + 1
            guard !scanner.isContinuing else {
                scanner.scan(raw)
                continue
            }
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                guard let (names, _) = Self.key(line.dropFirst(isArray ? 2 : 1)), !names.isEmpty else { continue }
                var base = ""
                for name in names.dropLast() {
                    base = Self.join(base, name)
                    if let index = latest[base] { base += "[\(index)]" }
                }
                base = Self.join(base, names[names.count - 1])
                if isArray {
                    let index = (latest[base] ?? -1) + 1
                    latest[base] = index
                    record(base, number)
                    current = "\(base)[\(index)]"
                } else {
                    current = base
                }
                record(current, number)
            } else if let (names, rest) = Self.key(line), !names.isEmpty, rest.first == "=" {
                var path = current
                for name in names {
                    path = Self.join(path, name)
                    record(path, number)
                }
                scanner.scan(rest.dropFirst())
            }
        }
    }

    /// The line of `keyPath`, else of the nearest enclosing key or table that is written.
    func line(of keyPath: String) -> Int? {
        var path = Substring(keyPath)
        while !path.isEmpty {
            if let line = lines[String(path)] { return line }
            if path.last == "]", let open = path.lastIndex(of: "[") {
                path = path[..<open]
            } else if let dot = path.lastIndex(of: ".") {
                path = path[..<dot]
            } else {
                return nil
            }
        }
        return nil
    }

    private mutating func record(_ path: String, _ line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    /// A dotted key (`a."b c".d`) at the start of `text`, and what follows it (spaces
    /// skipped): `=` for a key/value line, `]` for a header.
    private static func key(_ text: Substring) -> ([String], Substring)? {
        var rest = text
        var names: [String] = []
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.first else { return nil }
            if first == "\"" || first == "'" {
                var name = ""
                var escaped = false
                rest = rest.dropFirst()
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped { name.append(c); escaped = false; continue }
                    if c == "\\" && first == "\"" { escaped = true; continue }
                    if c == first { break }
                    name.append(c)
                }
                names.append(name)
            } else {
                let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
                guard !name.isEmpty else { return nil }
                names.append(String(name))
                rest = rest.dropFirst(name.count)
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard rest.first == "." else { return (names, rest) }
            rest = rest.dropFirst()
        }
    }
}

/// Follows a TOML value across lines: open arrays and inline tables, and multi-line strings.
private struct ValueScanner {
    private enum Quote { case none, basic, literal, multiBasic, multiLiteral }
    private var quote = Quote.none
    private var depth = 0

    /// Whether the next line continues the value (an open bracket or multi-line string).
    var isContinuing: Bool { depth > 0 || quote == .multiBasic || quote == .multiLiteral }

    mutating func scan(_ text: Substring) {
        var rest = text
        while let c = rest.first {
            rest = rest.dropFirst()
            switch quote {
            case .none:
                switch c {
                case "#": rest = ""
                case "\"", "'":
                    if rest.hasPrefix(c == "\"" ? "\"\"" : "''") {
                        rest = rest.dropFirst(2)
                        quote = c == "\"" ? .multiBasic : .multiLiteral
                    } else {
                        quote = c == "\"" ? .basic : .literal
                    }
                case "[", "{": depth += 1
                case "]", "}": depth = max(0, depth - 1)
                default: break
                }
            case .basic, .multiBasic:
                if c == "\\" {
                    rest = rest.dropFirst()
                } else if c == "\"" && (quote == .basic || rest.hasPrefix("\"\"")) {
                    if quote == .multiBasic { rest = rest.dropFirst(2) }
                    quote = .none
                }
            case .literal, .multiLiteral:
                if c == "'" && (quote == .literal || rest.hasPrefix("''")) {
                    if quote == .multiLiteral { rest = rest.dropFirst(2) }
                    quote = .none
                }
            }
        }
        if quote == .basic || quote == .literal { quote = .none }
    }
}
