import Foundation
import TOMLKit

/// The last configuration text's TOML tree, kept to be read again when the same text comes
/// back (a reload of an unchanged file, `check-config` of it).
///
/// TOMLKit 0.6.0 never frees what it parses: `TOMLTable` has no `deinit` for its toml++ tree.
/// Every parse (the start, each reload) left the whole tree behind: about 1 KiB per station
/// (heaptrack; the soak's 200-station file, reloaded every minute, grew by 470 KB a reload).
/// So one tree is kept: the same text again reads it again (nothing new parsed), and a new
/// text's tree replaces it, the old one emptied first (`clear()` frees its nodes; the root
/// object, about 100 bytes, stays). The values are read with the freed reads of
/// TOMLKit+FreedReads.swift, as TOMLKit's own leak a copy each. Token files are read afresh
/// either way.
final class TOMLTreeCache: @unchecked Sendable {
    /// The process's cache (the configuration file is one file).
    static let shared = TOMLTreeCache()

    /// Held while a tree is parsed, replaced or read.
    private let lock = NSLock()
    private var text: String?
    private var root: TOMLTable?

    /// Runs `body` on the tree of `text`: the kept one when `text` is the last text parsed,
    /// else `parse`'s, which then replaces the kept one (emptied first). The lock is held
    /// throughout, so no tree is emptied while another parse reads it (a read takes
    /// milliseconds). A text that does not parse leaves the kept tree as it was.
    func withRoot<T>(of text: String, parse: (String) throws -> TOMLTable, _ body: (TOMLTable) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(lockedRoot(of: text, parse: parse))
    }

    /// The tree of `text`, as ``withRoot(of:parse:_:)`` finds it (without reading it).
    func root(of text: String, parse: (String) throws -> TOMLTable) rethrows -> TOMLTable {
        lock.lock()
        defer { lock.unlock() }
        return try lockedRoot(of: text, parse: parse)
    }

    private func lockedRoot(of text: String, parse: (String) throws -> TOMLTable) rethrows -> TOMLTable {
        if let root, self.text == text { return root }
        let parsed = try parse(text)
        root?.clear()
        self.text = text
        root = parsed
        return parsed
    }
}
