#if canImport(Glibc)
import Glibc
#endif
import Logging
import StreamState

/// The process's open-file limit: raised at start from its soft value to its hard one (the
/// service unit sets `LimitNOFILE=65536`; a shell often starts at 1024), and a warning when
/// even that is short of what the configuration may need.
enum OpenFileLimit {
    /// Raises the soft limit to the hard one; warns when `maxConnections` API connections
    /// plus each station's transfers (a stream and a source or two each) and some spare
    /// would not fit.
    static func raise(for maxConnections: Int, stations: [StationSpec], logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let before = limit.rlim_cur
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
                logger.info("open files: limit raised from \(before) to \(limit.rlim_cur)")
            } else {
                limit.rlim_cur = before
            }
        }
        let transfers = stations.reduce(0) { $0 + $1.streams.count + 2 * $1.sources.count }
        let needed = maxConnections + transfers + 64
        if rlim_t(needed) > limit.rlim_cur {
            logger.warning("open files: the limit is \(limit.rlim_cur), and max_connections = \(maxConnections) with \(transfers) transfers may need \(needed); raise LimitNOFILE (or ulimit -n), or lower max_connections")
        }
    }
}
