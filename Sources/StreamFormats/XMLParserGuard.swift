/// Makes a body safe to hand to Foundation's `XMLParser` on Linux.
///
/// swift-corelibs-foundation's XMLParser dereferences a null pointer when a processing
/// instruction has a target and no data (`<?x?>`, or `<?xml?>` at the start): libxml2 passes
/// NULL for the data and Foundation makes a String of it, when a delegate is set, whatever the
/// delegate implements. One such answer from a now-playing server would take the daemon down
/// (found by `make fuzz`, target triton; Tests/Fixtures/fuzz/). So, before parsing:
///
/// - every processing instruction `<?…?>` outside comments and CDATA sections is removed (the
///   delegates here ignore them), except the XML declaration at the very start (`<?xml` and
///   white space), which libxml2 reads itself and never reports; line breaks inside a removed
///   instruction are kept, so that error line numbers stay right;
/// - a document type declaration is refused (nil): an internal entity can carry a processing
///   instruction written with character references (`<!ENTITY e "&#60;?x?>">`), which
///   libxml2 parses again where `&e;` is used. No feed read with XMLParser sends one.
enum XMLParserGuard {
    /// The bytes without processing instructions; nil when they hold a `<!DOCTYPE`.
    static func sanitized(_ bytes: [UInt8]) -> [UInt8]? {
        let n = bytes.count
        func starts(_ literal: StaticString, at j: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard j + count <= n else { return false }
            return literal.withUTF8Buffer { bytes[j..<(j + count)].elementsEqual($0) }
        }
        func find(_ literal: StaticString, from j: Int) -> Int? {
            var k = j
            while k < n {
                if starts(literal, at: k) { return k }
                k += 1
            }
            return nil
        }
        // Fast path: no "<?" past a declaration, no DOCTYPE.
        var start = starts("\u{FEFF}", at: 0) ? 3 : 0
        if starts("<?xml", at: start), start + 5 < n, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start + 5]),
           let end = find("?>", from: start + 5) {
            start = end + 2
        }
        guard find("<?", from: start) != nil || find("<!DOCTYPE", from: start) != nil else { return bytes }

        var out = Array(bytes[0..<start])
        out.reserveCapacity(n)
        var i = start
        while i < n {
            if starts("<!--", at: i) {
                let end = find("-->", from: i + 4).map { $0 + 3 } ?? n
                out.append(contentsOf: bytes[i..<end])
                i = end
            } else if starts("<![CDATA[", at: i) {
                let end = find("]]>", from: i + 9).map { $0 + 3 } ?? n
                out.append(contentsOf: bytes[i..<end])
                i = end
            } else if starts("<!DOCTYPE", at: i) {
                return nil
            } else if starts("<?", at: i) {
                let end = find("?>", from: i + 2).map { $0 + 2 } ?? n
                out.append(contentsOf: bytes[i..<end].filter { $0 == 0x0A })
                i = end
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
