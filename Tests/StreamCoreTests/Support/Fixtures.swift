import Foundation

/// Real payloads copied from `shared/fixtures` into `Tests/StreamCoreTests/Fixtures`.
enum Fixture {
    /// The fixtures folder, found from this file's real location (symlinks resolved).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // StreamCoreTests
        .appendingPathComponent("Fixtures")

    /// The bytes of `Fixtures/<relativePath>`; a missing fixture is a test failure.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return [UInt8](data)
    }

    /// The fixture as a UTF-8 string.
    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }
}

/// A fixture file that is not where the test expects it.
struct FixtureMissing: Error, CustomStringConvertible {
    let path: String
    var description: String { "fixture not found: \(path)" }
}
