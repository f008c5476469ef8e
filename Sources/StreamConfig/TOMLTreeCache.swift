import Foundation
import TOMLKit

/// The last configuration text's TOML tree, kept to be read again when the same text comes
/// back (a reload of an unchanged file, `check-config` of it).
///
/// TOMLKit 0.6.0 never frees what it parses: `TOMLTable` has no `deinit` for its toml++ tree,
/// and each `keys` call returns C strings it does not free. A daemon reloaded every few
/// minutes by automation would grow by its whole configuration tree each time (about 1 KiB
/// per station, measured with heaptrack). Reading the kept tree again costs nothing new; a
/// changed file is parsed (and leaks once, until TOMLKit frees its trees). Token files are
/// read afresh either way: only the TOML tree is kept.
final class TOMLTreeCache: @unchecked Sendable {
    /// The process's cache (the configuration file is one file).
    static let shared = TOMLTreeCache()

    private let lock = NSLock()
    private var text: String?
    private var root: TOMLTable?
    private var keys: [String: [String]] = [:]

    /// The tree of `text`: the kept one when `text` is the last text parsed, else `parse`'s
    /// (kept in its place when it succeeds).
    func root(of text: String, parse: (String) throws -> TOMLTable) rethrows -> TOMLTable {
        lock.lock()
        defer { lock.unlock() }
        if let root, self.text == text { return root }
        let parsed = try parse(text)
        self.text = text
        root = parsed
        keys = [:]
        return parsed
    }

    /// The keys of the table at `path` in `root`, read from TOMLKit once per kept tree.
    func keys(of table: TOMLTable, at path: String, in root: TOMLTable) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        guard root === self.root else { return table.keys }
        if let known = keys[path] { return known }
        let read = table.keys
        keys[path] = read
        return read
    }
}
