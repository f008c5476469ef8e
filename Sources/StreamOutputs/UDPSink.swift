import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Sends OnAirScreen's `NOW:`/`NEXT:`/`WARN:` datagrams to a studio display, from one UDP
/// socket kept open (made again after a failure). A datagram has no answer: "sent" is what
/// the socket says, and the lane's repeat brings a display that was off up to date.
final class UDPSink: OutputSink {
    let host: String
    let port: Int
    private let group: any EventLoopGroup
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    init(host: String, port: Int, group: any EventLoopGroup) {
        self.host = host
        self.port = port
        self.group = group
    }

    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void) {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            return completion(OutputFailure(kind: "dns", message: "cannot resolve \(host): \(error)"))
        }
        let channel: any Channel
        do {
            channel = try self.channel.withLockedValue { open in
                if let open, open.isActive { return open }
                let made = try DatagramBootstrap(group: group)
                    .bind(host: address.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).wait()
                open = made
                return made
            }
        } catch {
            return completion(OutputFailure(kind: "socket", message: "cannot open a UDP socket: \(error)"))
        }
        let datagrams = OnAirScreenCommands.datagrams(now: message.text, next: message.next, warning: message.warning)
        var last: EventLoopFuture<Void>?
        for datagram in datagrams {
            let buffer = channel.allocator.buffer(string: datagram)
            last = channel.write(AddressedEnvelope(remoteAddress: address, data: buffer))
        }
        channel.flush()
        last?.whenComplete { [weak self] result in
            switch result {
            case .success: completion(nil)
            case .failure(let error):
                self?.channel.withLockedValue { $0 = nil }
                channel.close(promise: nil)
                completion(OutputFailure(kind: "send", message: "cannot send to \(self?.host ?? ""):\(self?.port ?? 0): \(error)"))
            }
        }
    }

    func shutdown() {
        channel.withLockedValue { channel in
            channel?.close(promise: nil)
            channel = nil
        }
    }
}
