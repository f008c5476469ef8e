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
            throw StateFileError(code: .invalid, path: path, message: "not a state document (\(data.count) bytes): \(Self.reason(error))")
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
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let aside = path + ".bad-" + formatter.string(from: date)
        guard rename(path, aside) == 0 else { throw failure(.write, "cannot move it aside to \(aside)") }
        return aside
    }

    /// A decoding error in a line: what and where, without the type dump.
    private static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?:
            return "not valid JSON" + (context.underlyingError.map { " (\(($0 as NSError).localizedDescription))" } ?? "")
        case .keyNotFound(let key, let context)?:
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "\(error)"
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
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // One fixed name: a write cut short by kill -9 leaves at most this file, which the
        // next write truncates and reuses.
        let temporary = directory + "/." + url.lastPathComponent + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(.write, "cannot create \(temporary)") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = failure(.write, "writing \(temporary)")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = failure(.write, "fsync \(temporary)")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = failure(.write, "rename to \(path)")
            unlink(temporary)
            throw error
        }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    private func failure(_ code: StateFileError.Code, _ what: String) -> StateFileError {
        StateFileError(code: code, path: path, message: "\(what): \(String(cString: strerror(errno)))")
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
