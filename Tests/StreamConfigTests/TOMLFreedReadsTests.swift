import CMalloc
import Testing
import TOMLKit
@testable import StreamConfig

/// The freed reads (TOMLKit+FreedReads.swift) give what TOMLKit's own reads give, and leave
/// nothing behind, where TOMLKit's leak a `malloc`ed copy of every value and key read.
@Suite("Configuration: TOML values read without leaking TOMLKit's copies")
struct TOMLFreedReadsTests {
    static let document = """
        title = "WVIA — Pittston, PA ✓"
        empty = ""
        quote = 'a "quoted" \\\\ path'
        zero = 0
        negative = -42
        largest = 9223372036854775807
        yes = true
        no = false
        ratio = 0.25
        "dotted.key" = "d"
        "" = "empty key"
        [empty_table]
        [nested]
        inner = 1
        """

    @Test("strings, integers, booleans, numbers and keys read as TOMLKit reads them")
    func sameAsTOMLKit() throws {
        let root = try TOMLTable(string: Self.document)
        #expect(root.freedKeys == root.keys)
        #expect(root.freedKeys.contains("dotted.key") && root.freedKeys.contains(""))
        for key in root.keys {
            let value = try #require(root[key])
            #expect(value.freedString == value.string, "\(key)")
            #expect(value.freedInt == value.int, "\(key)")
            #expect(value.freedBool == value.bool, "\(key)")
            #expect(value.freedDouble == value.double, "\(key)")
        }
        #expect(root["title"]?.freedString == "WVIA — Pittston, PA ✓")
        #expect(root["largest"]?.freedInt == Int.max)
        #expect(root["no"]?.freedBool == false)
        #expect(root["ratio"]?.freedDouble == 0.25)
        #expect(root["ratio"]?.freedString == nil && root["title"]?.freedInt == nil)
        #expect(try #require(root["empty_table"]?.table).freedKeys.isEmpty)
        #expect(try #require(root["nested"]?.table).freedKeys == ["inner"])
    }

    /// Bytes the allocator has handed out and not had back (all arenas, and mmapped chunks).
    static func bytesInUse() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks + info.hblkhd)
    }

    @Test("100,000 rounds of reading a table's keys and values leave under 8 MB in use (TOMLKit's own reads leave 86 MB)")
    func nothingLeftBehind() throws {
        let root = try TOMLTable(string: Self.document)
        let keys = root.freedKeys
        let values = keys.compactMap { root[$0] }
        // Other suites allocate in this process meanwhile, so the round is tried up to three
        // times and passes when one stays under the bound. With TOMLKit's own reads (the freed
        // reads made to fall back to them) each try left 86 MB, 864 bytes a round: a copy of
        // at least 32 bytes for each of the 13 keys, their array, and each value read.
        var grown: [Int] = []
        for _ in 0..<3 {
            let before = Self.bytesInUse()
            var seen = 0
            for _ in 0..<100_000 {
                seen &+= root.freedKeys.count
                for value in values {
                    seen &+= value.freedString?.utf8.count ?? value.freedInt ?? (value.freedBool == true ? 1 : 0)
                }
            }
            grown.append(Self.bytesInUse() - before)
            #expect(seen != 0)
            if grown.last! < 8_000_000 { break }
        }
        #expect(grown.contains { $0 < 8_000_000 }, "bytes still in use after each try: \(grown)")
    }
}
