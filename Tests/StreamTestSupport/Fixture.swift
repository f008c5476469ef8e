import Foundation

/// Real payloads copied from `shared/fixtures` into `Tests/Fixtures` (shared by every test target).
public enum Fixture {
    /// The package's root folder, found from this file's real location (symlinks resolved).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent()   // StreamTestSupport
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    /// `relative` (e.g. `docs/state.schema.json`) under the package root.
    public static func path(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// The fixtures folder, `Tests/Fixtures`.
    public static let directory: URL = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// The bytes of `Fixtures/<relativePath>`; a missing fixture is a test failure.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return [UInt8](data)
    }

    /// The fixture as a UTF-8 string.
    public static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }
}

/// A fixture file that is not where the test expects it.
public struct FixtureMissing: Error, CustomStringConvertible {
    let path: String
    public var description: String { "fixture not found: \(path)" }
}
