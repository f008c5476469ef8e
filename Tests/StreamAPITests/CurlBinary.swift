import Foundation
import Testing

/// What the curl binary printed with `-i`: status, headers (lower-cased names), body.
struct CurlResult {
    var status: Int
    var headers: [String: String]
    var body: String
    var exitCode: Int32
}

let curlPath = "/usr/bin/curl"

/// Runs `curl -sS -i ARGS` on its own thread; throws a clear failure when the binary is missing.
func runCurl(_ arguments: [String], timeout: Int = 10) async throws -> CurlResult {
    try await apiBlocking { try runCurlNow(arguments, timeout: timeout) }
}

private func runCurlNow(_ arguments: [String], timeout: Int) throws -> CurlResult {
    guard FileManager.default.isExecutableFile(atPath: curlPath) else {
        throw APITestFailure("\(curlPath) is missing: these tests need the curl binary (apt-get install curl; make test installs it)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: curlPath)
    process.arguments = ["-sS", "-i", "--max-time", String(timeout)] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return parseCurlOutput(String(decoding: data, as: UTF8.self), exitCode: process.terminationStatus)
}

/// Runs `body` on a thread of its own: apiBlocking calls must not hold the few threads of the
/// concurrency pool the server's backend and the other tests need.
func apiBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

func parseCurlOutput(_ text: String, exitCode: Int32) -> CurlResult {
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
