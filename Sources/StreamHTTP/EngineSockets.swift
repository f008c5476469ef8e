import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// The engine thread's wait: the sockets libcurl asks to watch in one epoll set, libcurl's
/// own timeout, and a pipe that other threads write to wake the thread.
///
/// libcurl's socket interface (`curl_multi_socket_action`): libcurl says which sockets to
/// watch (`CURLMOPT_SOCKETFUNCTION`) and when its next timeout is (`CURLMOPT_TIMERFUNCTION`);
/// the engine tells it which socket is ready, and it works on that transfer alone. With
/// `curl_multi_perform` every wake had walked every transfer, each checking its socket with a
/// `poll()` of its own: following 300 streams, about 7,000 `poll` calls a second, a quarter of
/// the daemon's CPU (`strace -c`, `perf record -g`; Benchmarks/README.md).
///
/// Everything but ``wake()`` runs on the engine thread.
final class EngineSockets {
    private let epoll: Int32
    private let pipe: (read: Int32, write: Int32)
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`; nil: no timeout.
    private(set) var curlDeadline: ContinuousClock.Instant?
    private var events = [epoll_event](repeating: epoll_event(), count: 256)

    /// An epoll set with the wake pipe in it, or nil when the system refuses either.
    init?() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        var fds: [Int32] = [0, 0]
        guard epoll >= 0, Glibc.pipe(&fds) == 0 else {
            if epoll >= 0 { Glibc.close(epoll) }
            return nil
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        pipe = (fds[0], fds[1])
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = pipe.read
        epoll_ctl(epoll, EPOLL_CTL_ADD, pipe.read, &event)
    }

    /// Registers the callbacks with `multi`.
    func attach(to multi: UnsafeMutableRawPointer) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_multi_setopt_socket_callback(multi, CURLMOPT_SOCKETFUNCTION) { _, socket, what, user, _ in
            Unmanaged<EngineSockets>.fromOpaque(user!).takeUnretainedValue().watch(socket, what)
            return 0
        }
        _ = ccurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        _ = ccurl_multi_setopt_timer_callback(multi, CURLMOPT_TIMERFUNCTION) { _, milliseconds, user in
            Unmanaged<EngineSockets>.fromOpaque(user!).takeUnretainedValue().setTimeout(milliseconds)
            return 0
        }
        _ = ccurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
    }

    private func watch(_ socket: curl_socket_t, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil)
            return
        }
        var event = epoll_event()
        event.events = (what & CURL_POLL_IN != 0 ? EPOLLIN.rawValue : 0) | (what & CURL_POLL_OUT != 0 ? EPOLLOUT.rawValue : 0)
        event.data.fd = socket
        if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT {
            epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event)
        }
    }

    private func setTimeout(_ milliseconds: Int) {
        curlDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    }

    /// Whether libcurl's timeout has come (and forgets it: libcurl sets the next one).
    func takeCurlTimeout(now: ContinuousClock.Instant) -> Bool {
        guard let deadline = curlDeadline, deadline <= now else { return false }
        curlDeadline = nil
        return true
    }

    /// Waits at most `milliseconds` (shortened to libcurl's timeout) and returns the ready
    /// sockets with libcurl's `CURL_CSELECT_*` bits; a wake is drained, not returned.
    func wait(milliseconds: Int32) -> [(socket: curl_socket_t, bits: Int32)] {
        var timeout = milliseconds
        if let deadline = curlDeadline {
            timeout = min(timeout, (deadline - .now).millisecondsRoundedUp)
        }
        let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32($0.count), timeout) }
        guard count > 0 else { return [] }
        var ready: [(socket: curl_socket_t, bits: Int32)] = []
        ready.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let event = events[index]
            let fd = event.data.fd
            if fd == pipe.read {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(pipe.read, &drain, drain.count) > 0 {}
                continue
            }
            var bits: Int32 = 0
            if event.events & EPOLLIN.rawValue != 0 { bits |= CURL_CSELECT_IN }
            if event.events & EPOLLOUT.rawValue != 0 { bits |= CURL_CSELECT_OUT }
            if event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { bits |= CURL_CSELECT_ERR }
            ready.append((fd, bits))
        }
        return ready
    }

    /// Ends the engine thread's wait (any thread; the caller keeps this alive, see ``close()``).
    func wake() {
        var byte: UInt8 = 1
        _ = write(pipe.write, &byte, 1)
    }

    /// Closes the epoll set and the pipe; no call may follow.
    func close() {
        Glibc.close(epoll)
        Glibc.close(pipe.read)
        Glibc.close(pipe.write)
    }
}
