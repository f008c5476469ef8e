import Foundation
import StreamTestSupport

/// A private tmux server (its own socket, no user configuration) running one command in a
/// detached session of a given size: what a console or a terminal window shows, read back with
/// `capture-pane`.
final class Tmux: @unchecked Sendable {
    let executable: String
    let socket: String
    let session = "screen"
    private let directory: URL

    /// Starts `command` in an 80x24 (or `width`x`height`) session, under a shell that says
    /// `[exited N]` when it ends and keeps the pane open, so the test can see how the command
    /// left the terminal.
    static func start(_ command: [String], width: Int = 80, height: Int = 24) async throws -> Tmux {
        let executable = try requireTool("tmux", package: "tmux")
        let tmux = try Tmux(executable: executable)
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        do {
            try await tmux.run(["-f", tmux.configFile, "new-session", "-d", "-s", tmux.session, "-x", "\(width)", "-y", "\(height)",
                                "\(quoted); echo \"[exited $?]\"; exec sleep 600"])
        } catch {
            await tmux.kill()
            throw error
        }
        return tmux
    }

    private init(executable: String) throws {
        self.executable = executable
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("streamd-tmux-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("tmux.sock").path
        try "set-option -g remain-on-exit on\nset-option -g status off\n"
            .write(to: directory.appendingPathComponent("tmux.conf"), atomically: true, encoding: .utf8)
    }

    var configFile: String { directory.appendingPathComponent("tmux.conf").path }

    /// `tmux -S SOCKET args...`; throws when tmux fails.
    @discardableResult
    func run(_ args: [String]) async throws -> String {
        let output = try await runTool(executable, ["-u", "-S", socket] + args,
                                       extraEnvironment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"],
                                       timeout: .seconds(10))
        guard output.status == 0 else {
            throw TestFailure("tmux \(args.joined(separator: " ")) failed (\(output.status)): \(output.stderr)")
        }
        return output.stdout
    }

    /// The pane's text, one string a row (trailing spaces trimmed by tmux).
    func capture() async throws -> [String] {
        let text = try await run(["capture-pane", "-p", "-t", session])
        var rows = text.components(separatedBy: "\n")
        if rows.last == "" { rows.removeLast() }
        return rows
    }

    /// A tmux format about the pane, e.g. `#{alternate_on}`, `#{cursor_flag}`.
    func query(_ format: String) async throws -> String {
        try await run(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The command's process id (the child of the pane's shell).
    func commandPID() async throws -> Int32 {
        let shell = try await query("#{pane_pid}")
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        guard let pid = children.split(separator: " ").first.flatMap({ Int32($0) }) else {
            throw TestFailure("no command runs in the pane (shell \(shell))")
        }
        return pid
    }

    /// Waits until the command has ended; its exit status.
    func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int {
        let rows = try await waitFor("the command to exit", timeout: timeout) { rows in rows.contains { $0.hasPrefix("[exited ") } }
        let line = rows.first { $0.hasPrefix("[exited ") } ?? ""
        return Int(line.dropFirst(8).dropLast()) ?? -1
    }

    func resize(width: Int, height: Int) async throws {
        try await run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    func sendKeys(_ keys: String) async throws {
        try await run(["send-keys", "-t", session, keys])
    }

    /// Waits until the pane satisfies `condition`; the failure shows the pane.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(15), _ condition: @escaping ([String]) -> Bool) async throws -> [String] {
        var last: [String] = []
        return try await eventually("the pane to show \(what)", timeout: timeout, detail: { last.joined(separator: "\n") }) {
            last = try await capture()
            return condition(last) ? last : nil
        }
    }

    /// Ends the tmux server (and the commands in it) and removes its directory.
    func kill() async {
        _ = try? await runTool(executable, ["-S", socket, "kill-server"], timeout: .seconds(10))
        try? FileManager.default.removeItem(at: directory)
    }
}
