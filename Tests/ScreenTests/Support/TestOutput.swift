import Foundation
import StreamTestSupport

/// Where the screen tests keep artifacts worth looking at (screenshots, terminal captures):
/// `test-output/` in the package root (gitignored).
enum TestOutput {
    static var directory: URL {
        let directory = Fixture.packageRoot.appendingPathComponent("test-output")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
