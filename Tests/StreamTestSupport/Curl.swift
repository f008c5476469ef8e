import Foundation

/// What the curl binary printed with `-i`: status, headers (lower-cased names), body, and how
/// it exited (28 when `--max-time` ended a stream that was still open).
public struct CurlResult: Sendable {
    /// The HTTP status (0 when nothing answered).
    public var status: Int
    /// Header fields, names lower-cased.
    public var headers: [String: String]
    /// The body as text.
    public var body: String
    /// curl's exit code.
    public var exitCode: Int32
}

/// Debian's `curl` binary as the "real client": `curl -sS -i --max-time T ARGS`. A missing
/// binary is a failure that says what to install.
public enum Curl {
    /// Runs curl with `arguments` (the URL among them).
    public static func run(_ arguments: [String], timeout: Int = 10) async throws -> CurlResult {
        let curl = try requireTool("curl")
        let result = try await runTool(curl, ["-sS", "-i", "--max-time", String(timeout)] + arguments,
                                       timeout: .seconds(timeout + 10))
        return parse(result.stdout, exitCode: result.status)
    }

    /// Parses `curl -i` output.
    public static func parse(_ text: String, exitCode: Int32) -> CurlResult {
        let split = text.range(of: "\r\n\r\n")
        let head = split.map { String(text[..<$0.lowerBound]) } ?? text
        let body = split.map { String(text[$0.upperBound...]) } ?? ""
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return CurlResult(status: status, headers: headers, body: body, exitCode: exitCode)
    }
}
