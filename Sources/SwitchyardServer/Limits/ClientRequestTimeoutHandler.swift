import NIOCore
import NIOHTTPTypes

/// The error a request body read fails with when the client took longer than
/// `server.client_request_timeout_ms` to send it (answered 408, connection closed).
struct ClientRequestTimeout: Error, Equatable {}

/// Bounds how long a client may take to send a request once its head has arrived, so a
/// client that trickles its body (slow loris) cannot hold a request open forever.
/// Hummingbird's idle timeout bounds the wait for a head; this bounds the body.
///
/// Cheap on the common path: a request whose head, body and end arrive in one read never
/// arms a timer. When the read ends with the request incomplete, one timer is scheduled for
/// the head's arrival plus the timeout; if it fires first, the timeout is sent up the
/// pipeline as an inbound error, which fails the handler's body read.
final class ClientRequestTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var headArrivedAt: NIODeadline?
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headArrivedAt = .now()
        case .body:
            break
        case .end:
            headArrivedAt = nil
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let headArrivedAt, timer == nil {
            timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: headArrivedAt + timeout) { [self] in
                timer = nil
                guard self.headArrivedAt != nil else { return }
                self.headArrivedAt = nil
                context.fireErrorCaught(ClientRequestTimeout())
            }
        }
        context.fireChannelReadComplete()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension ClientRequestTimeoutHandler: Sendable {}
