import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that came in on a channel from a client: the router with the
/// gateway's middleware. It never throws; an error is an answer.
typealias GatewayResponder = @Sendable (Request, any Channel, ClientConnection) async -> Response

/// The last handler of a client connection's pipeline: it reads each request on the event
/// loop, its body gathered into one buffer there, and hands it to the connection's task
/// (`RequestMailbox`), which answers it. No async sequence per connection or per body, and
/// the answer's parts are written from the task in one hop to the loop
/// (`ChannelResponseWriter`).
///
/// One request is answered at a time, in order. Parts of a pipelined request that arrive
/// while one is being answered wait here (up to `pendingLimit` bytes; a client that sends
/// more is cut off). A body larger than `bodyLimit` is not gathered: the request is
/// answered as soon as that is known, with `bodyLimit + 1` bytes for its body reader to
/// refuse (413), and the rest of the body is read and dropped. A body that does not arrive
/// in time (`ClientRequestTimeout`) fails its reader (408) and the connection closes after
/// the answer. Idle and shutdown (quiesce) closes are `HTTPConnectionStateHandler`'s, just
/// before this handler, which sees these requests and answers pass.
final class HTTP1RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// The request being read, if its head has arrived and its end has not.
    private enum Reading {
        /// Nil until the first part of the body.
        case gathering(HTTPRequest, ByteBuffer?)
        /// Answered already (too large, or timed out); the rest of its body is dropped.
        case dropping
    }

    private let mailbox: RequestMailbox
    /// The `date` header of this connection's answers.
    let date = HTTPDateCache()
    private let bodyLimit: Int
    private let pendingLimit: Int
    private var reading: Reading?
    /// A request's answer is being made or written.
    private var answering = false
    /// Parts of requests after the one being answered, once that one's end has been read.
    private var pending = CircularBuffer<HTTPRequestPart>()
    private var pendingBytes = 0
    private var closeAfterAnswer = false
    private var inputClosed = false
    /// Marked closed when the client goes: its input ends or the connection closes. The
    /// listener allows half-closure, so a client that closes its socket shows up first as
    /// the end of its input; like nginx and Go, that is taken as the client gone.
    private let client: ClientConnection

    init(mailbox: RequestMailbox, client: ClientConnection, bodyLimit: Int) {
        self.mailbox = mailbox
        self.client = client
        self.bodyLimit = bodyLimit
        self.pendingLimit = bodyLimit + 64 * 1024
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering, reading == nil {
            pending.append(part)
            pendingBytes += Self.queuedBytes(part)
            if pendingBytes > pendingLimit { context.close(promise: nil) }
            return
        }
        read(part, context: context)
    }

    private func read(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        // One switch at a time: a switch over a (part, state) tuple looks up the tuple's
        // type metadata at run time, on every part.
        switch part {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterAnswer = true }
            if let declared = head.headerFields[.contentLength].flatMap(Int.init), declared > bodyLimit {
                // The body reader refuses the declared length before reading a byte.
                answerTooLarge(head, body: ByteBuffer(), context: context)
            } else {
                reading = .gathering(head, nil)
            }
        case .body(var buffer):
            guard case .gathering(let head, let gathered) = reading else { return }
            reading = nil  // keeps the gathered body uniquely referenced while it grows
            // A body in one part, the usual case, is kept as it came: no copy.
            guard var body = gathered else {
                if buffer.readableBytes > bodyLimit {
                    answerTooLarge(head, body: buffer.readSlice(length: bodyLimit + 1) ?? buffer, context: context)
                } else {
                    reading = .gathering(head, buffer)
                }
                return
            }
            if body.readableBytes + buffer.readableBytes > bodyLimit {
                if let slice = buffer.readSlice(length: bodyLimit + 1 - body.readableBytes) {
                    body.writeImmutableBuffer(slice)
                }
                answerTooLarge(head, body: body, context: context)
            } else {
                body.writeBuffer(&buffer)
                reading = .gathering(head, body)
            }
        case .end:
            switch reading {
            case .gathering(let head, let body):
                reading = nil
                answer(head, body: RequestBody(buffer: body ?? ByteBuffer()), context: context)
            case .dropping:
                reading = nil
                if !answering { readPending(context: context) }
            case nil:
                break
            }
        }
    }

    /// Answers a request whose body is over `bodyLimit` with what was read of it (nothing
    /// when its declared length says so, else one byte over the limit), for the body
    /// reader's 413, and drops the rest of the body.
    private func answerTooLarge(_ head: HTTPRequest, body: ByteBuffer, context: ChannelHandlerContext) {
        reading = .dropping
        answer(head, body: RequestBody(buffer: body), context: context)
    }

    /// What a part waiting in `pending` counts against `pendingLimit`: its body bytes, and
    /// 1 KiB a head.
    private static func queuedBytes(_ part: HTTPRequestPart) -> Int {
        switch part {
        case .head: 1024
        case .body(let buffer): buffer.readableBytes
        case .end: 0
        }
    }

    /// Hands `head` to the connection's task. Its answer's last write calls `answered`.
    private func answer(_ head: HTTPRequest, body: RequestBody, context: ChannelHandlerContext) {
        answering = true
        let request = Request(head: head, body: body)
        mailbox.deliver(.init(request: request, target: ResponseTarget(context: context, handler: self)))
    }

    /// The answer's end has been written (or it failed): read what waits, or close.
    func answered(context: ChannelHandlerContext, failed: Bool) {
        answering = false
        if failed || closeAfterAnswer {
            context.close(promise: nil)
            return
        }
        readPending(context: context)
    }

    private func readPending(context: ChannelHandlerContext) {
        while !answering, let part = pending.popFirst() {
            pendingBytes -= Self.queuedBytes(part)
            read(part, context: context)
        }
        // A client that closed its side sends no more requests.
        if !answering, pending.isEmpty, inputClosed {
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client closed its side. An answer under way is still written; an idle
        // connection, or one whose request can now never end, is closed.
        if case .some(.inputClosed) = event as? ChannelEvent {
            inputClosed = true
            client.markClosed()
            if !answering { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is ClientRequestTimeout, case .gathering(let head, _) = reading {
            reading = .dropping
            closeAfterAnswer = true
            answer(head, body: RequestBody(asyncSequence: FailingBody(error: ClientRequestTimeout())), context: context)
            return
        }
        // The connection cannot go on: a parse error (answered by `HTTPParseErrorResponder`
        // when no answer was due), a pipelined request that did not arrive in time, or an
        // I/O error. An answer under way is written first; what waits behind it is dropped.
        if answering {
            closeAfterAnswer = true
            pending.removeAll()
            pendingBytes = 0
        } else {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.removeAll()
        pendingBytes = 0
        mailbox.finish()
        client.markClosed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        mailbox.finish()
        client.markClosed()
    }
}

@available(*, unavailable)
extension HTTP1RequestHandler: Sendable {}

/// A request body that fails at its first read: the body that timed out.
struct FailingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let error: ClientRequestTimeout

    struct AsyncIterator: AsyncIteratorProtocol {
        let error: ClientRequestTimeout
        mutating func next() async throws -> ByteBuffer? { throw error }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(error: error) }
}
