import Foundation
import ServiceLifecycle
import StreamClient
import StreamState
import UnixSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What wakes the screen up.
enum ScreenEvent: Sendable {
    case tick
    case resize
    case suspend
    case resume
    case quit
    case feed(EventFeed.Event)
    /// The histories of the displayed streams that the daemon gave (none on failure).
    case histories([HistoryAnswer])
}

/// The terminal screen as a service: sets the terminal up, draws from one event stream (the
/// daemon's feed, a clock tick each second, resizes, keys, Ctrl-Z/fg, the streams' histories),
/// and puts the terminal back when it ends: on q, or when the group shuts down (SIGINT,
/// SIGTERM, SIGHUP). The feed, the clock, the history fetches and the signal listeners are
/// child tasks, all ended before it returns.
struct ScreenService: Service {
    let feed: any StateEventSource
    let station: String?
    let terminal: ScreenTerminal
    /// Where the uptime strips' histories come from: the daemon's socket; nil (no strips) when
    /// the screen reads a site on a broker.
    var history: ScreenHistory?

    func run() async {
        let (events, continuation) = AsyncStream<ScreenEvent>.makeStream()
        let suspend = SuspendSignal(continuation)
        terminal.enter()
        defer {
            suspend.cancel()
            terminal.leave()
        }
        ScreenKeys.start(continuation)
        let (historyRequests, requestContinuation) = AsyncStream<[StreamKey]>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            if let history {
                group.addTask {
                    for await keys in historyRequests {
                        continuation.yield(.histories(await history.fetch(keys)))
                    }
                }
            }
            group.addTask {
                await feed.follow { event in
                    continuation.yield(.feed(event))
                    return true
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    let fraction = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
                    try? await Task.sleep(for: .milliseconds(Int((1 - fraction) * 1000) + 5))
                    continuation.yield(.tick)
                }
            }
            group.addTask {
                for await signal in await UnixSignalsSequence(trapping: .sigwinch, .sigcont) {
                    continuation.yield(signal == .sigwinch ? .resize : .resume)
                }
            }
            await draw(events.cancelOnGracefulShutdown(), historyRequests: history == nil ? nil : requestContinuation)
            requestContinuation.finish()
            group.cancelAll()
        }
    }

    /// The drawing loop: returns on q or at shutdown. It asks `historyRequests` for the
    /// displayed streams' histories when ``HistoryRefresh`` says they are due.
    private func draw(_ events: AsyncCancelOnGracefulShutdownSequence<AsyncStream<ScreenEvent>>,
                      historyRequests: AsyncStream<[StreamKey]>.Continuation?) async {
        var document: StateDocument?
        var connection = ScreenModel.Connection.connecting(detail: "on \(feed.origin)")
        var histories: [HistoryAnswer] = []
        var refresh = HistoryRefresh()
        terminal.draw(ScreenModel(document: nil, stationID: station, now: Date(), connection: connection))
        for await event in events {
            var full = false
            switch event {
            case .tick:
                break
            case .resize:
                full = true
            case .suspend:
                terminal.leave()  // Ctrl-Z: give the shell its screen back, then stop
                kill(getpid(), SIGSTOP)
                continue
            case .resume:
                terminal.enter()  // fg: set the terminal up again
                full = true
            case .quit:
                return
            case .feed(.connected):
                connection = .live
                refresh = HistoryRefresh()  // (re)connected: the histories again at once
            case .feed(.disconnected(let loss)):
                connection = Self.connection(after: loss.detail, from: connection, hasDocument: document != nil,
                                             socket: feed.origin)
            case .feed(.message(let message)):
                document = Self.apply(message, to: document)
            case .histories(let answers):
                histories = answers
            }
            let now = Date()
            let model = ScreenModel(document: document, stationID: station, now: now, connection: connection, histories: histories)
            if let historyRequests, refresh.isDue(for: model.stripKeys, conditions: model.stripConditions, at: now) {
                refresh.fetched(model.stripKeys, conditions: model.stripConditions, at: now)
                historyRequests.yield(model.stripKeys)
            }
            terminal.draw(model, full: full)
        }
    }

    static func connection(after detail: String, from connection: ScreenModel.Connection, hasDocument: Bool,
                           socket: String) -> ScreenModel.Connection {
        switch connection {
        case .reconnecting(let since, _):
            return .reconnecting(since: since, detail: detail)
        case .connecting:
            return .connecting(detail: "on \(socket): \(detail)")
        case .live:
            return hasDocument ? .reconnecting(since: Date(), detail: detail) : .connecting(detail: "on \(socket): \(detail)")
        }
    }

    /// A snapshot replaces the document; a station event replaces that station.
    static func apply(_ message: SSEParser.Message, to document: StateDocument?) -> StateDocument? {
        let decoder = StateDocument.makeDecoder()
        let data = Data(message.data.utf8)
        if message.event == "snapshot", let snapshot = try? decoder.decode(StateDocument.self, from: data) {
            return snapshot
        }
        guard message.event == "station", var current = document,
              let changed = try? decoder.decode(StationState.self, from: data) else { return document }
        if let index = current.stations.firstIndex(where: { $0.id == changed.id }) {
            current.stations[index] = changed
        } else {
            current.stations.append(changed)
        }
        if let id = message.id { current.sequence = id }
        return current
    }
}
