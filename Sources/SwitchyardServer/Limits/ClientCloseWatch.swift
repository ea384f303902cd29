import NIOCore
import NIOHTTPTypes
import Synchronization

/// Keeps `ClientConnections` in step with the listener's connections: registers each one
/// when it is set up and marks it closed (waking requests waiting on it) when the client
/// goes away: its input ends or the connection closes.
final class ClientCloseWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private let connection = ClientConnection()
    private var key: ObjectIdentifier?

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        let key = ObjectIdentifier(context.channel)
        self.key = key
        ClientConnections.shared.insert(connection, for: key)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The listener allows half-closure, so a client that closes its socket shows up
        // first as the end of its input; like nginx and Go, take that as the client gone.
        if case .some(.inputClosed) = event as? ChannelEvent {
            connection.markClosed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed()
    }

    private func closed() {
        connection.markClosed()
        if let key {
            ClientConnections.shared.remove(key)
            self.key = nil
        }
    }
}

@available(*, unavailable)
extension ClientCloseWatch: Sendable {}

/// The live client connections of every listener in the process, by channel identity, for
/// request contexts to find their own (`GatewayRequestContext`). One uncontended lock per
/// connection set-up, tear-down and request.
final class ClientConnections: Sendable {
    static let shared = ClientConnections()

    private let connections = Mutex<[ObjectIdentifier: ClientConnection]>([:])

    func insert(_ connection: ClientConnection, for key: ObjectIdentifier) {
        connections.withLock { $0[key] = connection }
    }

    func remove(_ key: ObjectIdentifier) {
        _ = connections.withLock { $0.removeValue(forKey: key) }
    }

    func connection(for key: ObjectIdentifier) -> ClientConnection? {
        connections.withLock { $0[key] }
    }

    /// Connections registered now (tests check that none are left behind).
    var count: Int { connections.withLock { $0.count } }
}
