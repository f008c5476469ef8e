// Shared by every fuzz target (compiled into each; see scripts/fuzz).
import Foundation

/// The input as bytes.
@inline(__always)
func fuzzBytes(_ data: UnsafeRawPointer, _ size: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: data, count: size))
}

/// A fixed instant and zone, so that a crash reproduces whatever the clock says.
let fuzzNow = Date(timeIntervalSince1970: 1_771_400_000) // 2026-02-18
let fuzzZone = TimeZone(identifier: "America/New_York")!

/// Splits the input in two at the first 0xFF byte (or the middle when there is none): for
/// entry points that take two bodies.
func fuzzSplit(_ bytes: [UInt8]) -> ([UInt8], [UInt8]) {
    let cut = bytes.firstIndex(of: 0xFF) ?? bytes.count / 2
    return (Array(bytes[..<cut]), Array(bytes[min(cut + 1, bytes.count)...]))
}

/// Stops with `promise` on standard error when `condition` fails (an optimized build's
/// precondition would trap without saying which): the targets that check promises.
func check(_ condition: Bool, _ promise: String) {
    if !condition {
        fputs("\(CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "fuzz"): broken promise: \(promise)\n", stderr)
        abort()
    }
}
