import Foundation

/// What `/proc/PID` says about a running process: its open descriptors and resident memory.
/// Linux only (the tests run there); nil when the process is gone.
public enum ProcessFigures {
    /// How many descriptors the process has open (the entries of `/proc/PID/fd`).
    public static func openDescriptors(_ pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// What the open descriptors point at (`socket:[1234]`, `anon_inode:[eventpoll]`, paths), for
    /// failure messages.
    public static func descriptorTargets(_ pid: Int32) -> [String] {
        let folder = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0) }.sorted()
    }

    /// The resident set size in bytes (`VmRSS` of `/proc/PID/status`).
    public static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
