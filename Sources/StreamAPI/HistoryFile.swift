import Foundation
import StreamState

/// The streams' histories on disk (``SavedHistories``), beside the state file: the state
/// file `state.json` keeps its histories in `state.history.json`. Written like the state
/// file (atomically, durably), once a minute and at stop.
public struct HistoryFile: Sendable {
    /// The file's path.
    public let path: String

    /// A history file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The history file that goes with the state file at `stateFile`: its name without
    /// `.json`, then `.history.json`.
    public init(besideStateFile stateFile: String) {
        let stem = stateFile.hasSuffix(".json") ? String(stateFile.dropLast(5)) : stateFile
        self.init(path: stem + ".history.json")
    }

    /// The histories in the file; `nil` when there is no file yet.
    public func load() throws(HistoryFileError) -> SavedHistories? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else { throw HistoryFileError(code: .unreadable, path: path, message: "is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HistoryFileError(code: .unreadable, path: path, message: "cannot read the file")
        }
        do {
            return try SavedHistories.decode(data)
        } catch {
            throw HistoryFileError(code: .invalid, path: path, message: error.message)
        }
    }

    /// Replaces the file with `saved`, atomically and durably.
    public func write(_ saved: SavedHistories) throws(HistoryFileError) {
        let bytes: Data
        do {
            bytes = try StateDocument.makeEncoder().encode(saved) + Data("\n".utf8)
        } catch {
            throw HistoryFileError(code: .write, path: path, message: "\(error)")
        }
        do {
            try AtomicFile(path: path).replace(with: [UInt8](bytes))
        } catch {
            throw HistoryFileError(code: .write, path: path, message: error.message)
        }
    }

    /// Moves a file that could not be loaded aside (`NAME.bad-YYYYMMDDTHHMMSSZ`); returns its
    /// new path.
    public func setAside(at date: Date = Date()) throws(HistoryFileError) -> String {
        do {
            return try AtomicFile(path: path).setAside(at: date)
        } catch {
            throw HistoryFileError(code: .write, path: path, message: error.message)
        }
    }
}

/// A history file that could not be read or written.
public struct HistoryFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The file exists but cannot be read.
        case unreadable
        /// The file is not a history file (or a run in it is not valid).
        case invalid
        /// Encoding, writing, syncing or renaming failed.
        case write
    }

    /// What went wrong.
    public var code: Code
    /// The history file's path.
    public var path: String
    /// Details.
    public var message: String

    /// Creates an error.
    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `history file PATH: message`.
    public var description: String { "history file \(path): \(message)" }
}
