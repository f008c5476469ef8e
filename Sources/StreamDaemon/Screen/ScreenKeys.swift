import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys on standard input: q quits, r or Ctrl-L redraws. Read on a thread of its own, blocked
/// in read(2) for the life of the process (a terminal read cannot be cancelled portably); it
/// only yields into the screen's event stream, which ignores what comes after the screen ends.
enum ScreenKeys {
    static func start(_ events: AsyncStream<ScreenEvent>.Continuation) {
        guard isatty(STDIN_FILENO) == 1 else { return }
        let thread = Thread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 {
                switch byte {
                case UInt8(ascii: "q"), UInt8(ascii: "Q"): events.yield(.quit)
                case UInt8(ascii: "r"), UInt8(ascii: "R"), 0x0C: events.yield(.resize)
                default: break
                }
            }
        }
        thread.name = "streamd.screen.keys"
        thread.start()
    }
}
