import Foundation
import TOMLKit

/// The last configuration text's TOML tree, kept to be read again when the same text comes
/// back (a reload of an unchanged file, `check-config` of it).
///
/// TOMLKit 0.6.0 never frees what it parses: `TOMLTable` has no `deinit` for its toml++ tree,
/// and each `keys` call returns C strings it does not free. Every parse (the start, each
/// reload) left the whole tree behind: about 1 KiB per station (heaptrack; the soak's
/// 200-station file, reloaded every minute, grew by 470 KB a reload). So one tree is kept:
/// the same text again reads it again (nothing new parsed, its keys read once), and a new
/// text's tree replaces it, the old one emptied first (`clear()` frees its nodes; the root
/// object, about 100 bytes, stays). What TOMLKit still leaks per new parse is the C strings
/// of `keys` and string values. Token files are read afresh either way.
final class TOMLTreeCache: @unchecked Sendable {
    /// The process's cache (the configuration file is one file).
    static let shared = TOMLTreeCache()

    /// Held while a tree is parsed, replaced or read (recursive: reading asks for keys).
    private let lock = NSRecursiveLock()
    private var text: String?
    private var root: TOMLTable?
    private var keys: [String: [String]] = [:]

    /// Runs `body` on the tree of `text`: the kept one when `text` is the last text parsed,
    /// else `parse`'s, which then replaces the kept one (emptied first). The lock is held
    /// throughout, so no tree is emptied while another parse reads it (a read takes
    /// milliseconds). A text that does not parse leaves the kept tree as it was.
    func withRoot<T>(of text: String, parse: (String) throws -> TOMLTable, _ body: (TOMLTable) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(root(of: text, parse: parse))
    }

    /// The tree of `text`, as ``withRoot(of:parse:_:)`` finds it (without reading it).
    func root(of text: String, parse: (String) throws -> TOMLTable) rethrows -> TOMLTable {
        lock.lock()
        defer { lock.unlock() }
        if let root, self.text == text { return root }
        let parsed = try parse(text)
        root?.clear()
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
