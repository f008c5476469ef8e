import Foundation
#if canImport(Glibc)
import Glibc
#endif
import StreamState

/// The state document on disk, replaced atomically: a reader (or a restart after `kill -9`
/// or power loss) sees the old file or the new one, never a mix.
///
/// A write goes to a temporary file in the same directory, is `fsync`ed, renamed over the
/// target, and the directory is `fsync`ed so the rename itself is durable.
public struct StateFile: Sendable {
    /// The file's path.
    public let path: String
    /// Whether the JSON is indented for people (default: compact, the cheaper to write).
    public var pretty: Bool

    /// A state file at `path`.
    public init(path: String, pretty: Bool = false) {
        self.path = path
        self.pretty = pretty
    }

    /// The newest state document schema this build reads.
    public static let schema = 1

    /// The document in the file; `nil` when there is no file yet.
    public func load() throws(StateFileError) -> StateDocument? {
        // A symbolic link is not followed: the next write would replace the link with a file
        // and leave its target behind, stale, where someone may still read it.
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            throw StateFileError(code: .unreadable, path: path,
                                 message: "is a symbolic link (to \(target)); streamd keeps its state in a file of its own")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StateFileError(code: .unreadable, path: path, message: "is a folder, not a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                let reason = fd < 0 ? String(cString: strerror(errno)).lowercased() : "unknown reason"
                if fd >= 0 { close(fd) }
                throw StateFileError(code: .unreadable, path: path, message: "cannot read the file (\(reason))")
            }
            return nil
        }
        guard !data.isEmpty else { throw StateFileError(code: .invalid, path: path, message: "the file is empty") }
        let document: StateDocument
        do {
            document = try StateDocument.makeDecoder().decode(StateDocument.self, from: data)
        } catch {
            throw StateFileError(code: .invalid, path: path, message: "not a state document (\(data.count) bytes): \(DecodingProblem.describe(error))")
        }
        guard document.schema <= Self.schema else {
            throw StateFileError(code: .invalid, path: path,
                                 message: "schema \(document.schema) is newer than this streamd reads (\(Self.schema))")
        }
        return document
    }

    /// Moves a file that could not be loaded out of the way, beside it as
    /// `NAME.bad-YYYYMMDDTHHMMSSZ`, so that the next write does not destroy it; returns the
    /// new path.
    public func setAside(at date: Date = Date()) throws(StateFileError) -> String {
        do {
            return try AtomicFile(path: path).setAside(at: date)
        } catch {
            throw StateFileError(code: .write, path: path, message: error.message)
        }
    }

    /// Replaces the file with `document`, atomically and durably.
    /// Compact JSON comes from the document's own writer (``StateJSONWriter``), pretty from `JSONEncoder`.
    public func write(_ document: StateDocument) throws(StateFileError) {
        guard pretty else {
            var bytes = document.jsonBytes
            bytes.append(UInt8(ascii: "\n"))
            return try write(bytes: bytes)
        }
        let bytes: Data
        do {
            bytes = try StateDocument.makeEncoder(pretty: true).encode(document) + Data("\n".utf8)
        } catch {
            throw StateFileError(code: .encode, path: path, message: "\(error)")
        }
        try write(bytes: [UInt8](bytes))
    }

    /// Atomic replace of the file with `bytes`.
    func write(bytes: [UInt8]) throws(StateFileError) {
        do {
            try AtomicFile(path: path).replace(with: bytes)
        } catch {
            throw StateFileError(code: .write, path: path, message: error.message)
        }
    }
}

/// A state file that could not be read or written.
public struct StateFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The file exists but cannot be read.
        case unreadable
        /// The file is not a state document.
        case invalid
        /// The document could not be encoded.
        case encode
        /// Writing, syncing or renaming failed.
        case write
    }

    /// What went wrong.
    public var code: Code
    /// The state file's path.
    public var path: String
    /// Details.
    public var message: String

    /// `state file PATH: message`.
    public var description: String { "state file \(path): \(message)" }
}
