import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import SwitchyardCore

/// Answers a request the HTTP/1 parser refused before it reached the router: 431 when its
/// head is larger than `server.max_header_bytes`, 400 for any other malformed request,
/// in the OpenAI error shape with `connection: close`. Without it the client would see
/// the connection drop with no reason.
///
/// It answers only when no other response is due on the connection (no request read and
/// unanswered); otherwise the parser error is passed on and the server closes the
/// connection. When it answers, it closes the connection itself once the answer is written
/// and keeps the error from the server, which would otherwise write a second, bare 400.
final class HTTPParseErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Request heads read minus responses ended.
    private var unanswered = 0
    private var answeredParseError = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered -= 1 }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parseError = error as? HTTPParserError, unanswered == 0, !answeredParseError {
            answeredParseError = true
            let answer = Self.answer(for: parseError)
            var head = HTTPResponse(status: answer.status)
            head.headerFields[.contentType] = "application/json"
            head.headerFields[.contentLength] = String(answer.body.readableBytes)
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        context.fireErrorCaught(error)
    }

    /// The status and OpenAI-shaped body for a parser error.
    static func answer(for error: HTTPParserError) -> (status: HTTPResponse.Status, body: ByteBuffer) {
        let gatewayError: GatewayError
        if error == .headerOverflow {
            gatewayError = GatewayError(
                .requestTooLarge,
                message: "Request headers are larger than this gateway accepts.",
                status: 431,
                apiCode: "request_header_fields_too_large"
            )
        } else {
            gatewayError = .invalidRequest("The request is not valid HTTP/1.1.")
        }
        let body = ErrorResponse.body(gatewayError, shape: .openAI)
        return (HTTPResponse.Status(code: gatewayError.status), ByteBuffer(string: body))
    }
}

@available(*, unavailable)
extension HTTPParseErrorResponder: Sendable {}
