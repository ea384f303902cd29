import NIOCore
import NIOHTTP1
import Synchronization

/// A whole upstream answer: status line, headers and the body read to its end.
public struct HTTP1Answer: Sendable {
    public let head: HTTPResponseHead
    public let body: ByteBuffer
}

/// Why one exchange on a pooled connection failed.
enum HTTP1ExchangeError: Error, Equatable {
    /// The connection could not take the request: no byte of it was sent.
    case notSent
    /// The connection closed or failed before the whole answer arrived.
    case connectionLost(answerStarted: Bool)
    /// The answer's body is larger than the limit.
    case tooLarge
    /// The exchange's deadline passed before the whole answer arrived.
    case deadlineExceeded
    /// The task waiting for the answer was cancelled.
    case cancelled
}

/// One exchange's promise, and whether its task gave it up (deadline or cancellation),
/// shared by that task and the connection's handler.
final class HTTP1ExchangeTicket: Sendable {
    let promise: EventLoopPromise<HTTP1Answer>
    /// 0 while wanted, else the `HTTP1ExchangeError` the exchange was given up with.
    private let abandonment = Atomic<UInt8>(0)
    /// Set by a streamed answer's consumer that needs no more of the body, before it
    /// tells the handler (`HTTP1DiscardRest`) and before it drops the body: the handler may
    /// see the consumer gone before that event arrives.
    private let restDiscarded = Atomic<Bool>(false)

    init(promise: EventLoopPromise<HTTP1Answer>) {
        self.promise = promise
    }

    /// Marks the exchange given up; the first reason wins.
    func abandon(_ reason: HTTP1ExchangeError) {
        let code: UInt8 = reason == .deadlineExceeded ? 2 : 1
        _ = abandonment.compareExchange(expected: 0, desired: code, ordering: .relaxed)
    }

    /// The consumer needs no more of the body: its rest is to be discarded, not a reason
    /// to close the connection.
    func discardRest() {
        restDiscarded.store(true, ordering: .releasing)
    }

    /// True once the consumer asked for the rest of the body to be discarded.
    var restDiscardRequested: Bool {
        restDiscarded.load(ordering: .acquiring)
    }

    /// Why the exchange was given up, if it was.
    var abandoned: HTTP1ExchangeError? {
        switch abandonment.load(ordering: .relaxed) {
        case 0: nil
        case 2: .deadlineExceeded
        default: .cancelled
        }
    }
}

/// An outbound user event that gives up one exchange (its ticket is marked first). If the
/// exchange is in flight on the connection, its promise fails with `reason` and the
/// connection closes, since it is out of step. If its request is not written yet, the
/// promise fails now and the handler will not write it (the connection goes back to the
/// pool untouched). If it is over, nothing happens: the connection may already carry the
/// next request.
///
/// Closing the channel directly instead would race: a connection goes back to the pool as
/// its answer ends, before the task that gets the answer stops listening for cancellation
/// or its deadline timer is cancelled, so a late cancel could close a connection the next
/// request is already using.
struct HTTP1AbortExchange: Sendable {
    let ticket: HTTP1ExchangeTicket
    let reason: HTTP1ExchangeError
}

/// An outbound user event from a streamed answer's consumer: it wants more of the body, so
/// the connection may read again (if this exchange is still the one on it).
struct HTTP1ResumeReading: Sendable {
    let ticket: HTTP1ExchangeTicket
}

/// An outbound user event from a streamed answer's consumer: it needs no more of the body
/// (an OpenAI stream after `[DONE]`, whose end should follow at once). The handler reads
/// the rest and discards it, then gives the connection back to the pool; a rest longer than
/// `HTTP1ExchangeHandler.discardLimit` bytes, or not ended within the handler's discard timeout, closes
/// the connection instead. Without it, the consumer leaving before the body's last bytes
/// arrive would close a connection that was about to be reusable, and the next request
/// would pay for a new one (a TLS handshake, to a real provider).
struct HTTP1DiscardRest: Sendable {
    let ticket: HTTP1ExchangeTicket
}

/// One request at a time on one upstream HTTP/1.1 connection: writes the request and
/// completes its promise with the whole answer, or fails it if the connection goes first.
/// After the answer, `reusable` tells the pool whether the connection may carry another.
final class HTTP1ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    /// Most bytes of a streamed body read and discarded after its consumer left (`HTTP1DiscardRest`).
    static let discardLimit = 64 * 1024

    /// A request to send and where its answer goes.
    struct Exchange: Sendable {
        let head: HTTPRequestHead
        let body: ByteBuffer
        let maxResponseBytes: Int
        let ticket: HTTP1ExchangeTicket
        /// For a streamed answer: where a `200` answer's body goes as it arrives (the
        /// promise then completes with the head alone). Other answers are read whole.
        var bodySource: HTTP1BodyStream.Source? = nil
    }

    private struct InFlight {
        let ticket: HTTP1ExchangeTicket
        var promise: EventLoopPromise<HTTP1Answer> { ticket.promise }
        let maxResponseBytes: Int
        let bodySource: HTTP1BodyStream.Source?
        var head: HTTPResponseHead?
        var body: ByteBuffer?
        /// True once a streamed answer's head went out: body parts go to `bodySource`.
        var streaming = false
        /// The consumer left after asking for the rest to be discarded, with what was
        /// discarded so far and the timer that gives up on the rest.
        var discarding: (bytes: Int, timer: Scheduled<Void>)?
    }

    private var inFlight: InFlight?
    /// False once the connection must not carry another request.
    private var reusable = true
    /// A streamed answer's consumer has enough buffered: reads wait for its demand.
    private var readsPaused = false
    /// A read asked for while paused, done when reads resume.
    private var readPending = false
    /// Called on the event loop once per exchange, before its promise completes, with
    /// whether the connection may carry another request (the pool takes it back or drops it).
    private let onSettled: (_ reusable: Bool) -> Void
    /// Longest wait for the end of a streamed body whose consumer left (`HTTP1DiscardRest`).
    private let discardTimeout: TimeAmount

    init(discardTimeout: TimeAmount = HTTP1Pool.defaultDiscardTimeout, onSettled: @escaping (_ reusable: Bool) -> Void) {
        self.discardTimeout = discardTimeout
        self.onSettled = onSettled
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard inFlight == nil, reusable else {
            exchange.ticket.promise.fail(HTTP1ExchangeError.notSent)
            promise?.fail(HTTP1ExchangeError.notSent)
            return
        }
        if let reason = exchange.ticket.abandoned {
            // Given up before it reached the connection: not sent, and the connection,
            // still clean, goes back to the pool.
            onSettled(true)
            exchange.ticket.promise.fail(reason)
            promise?.fail(reason)
            return
        }
        inFlight = InFlight(ticket: exchange.ticket, maxResponseBytes: exchange.maxResponseBytes, bodySource: exchange.bodySource)
        if !exchange.head.isKeepAlive { reusable = false }
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var exchange = inFlight else {
            // Bytes nobody asked for (an idle server's parting 408, say): the connection
            // is out of step. Drop it, and tell the pool, which holds it as idle.
            fail()
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx interim answers carry no body of their own; wait for the real one.
            guard head.status.code >= 200 else { return }
            if !head.isKeepAlive { reusable = false }
            exchange.head = head
            if exchange.bodySource != nil, head.status == .ok {
                exchange.streaming = true
                inFlight = exchange
                exchange.promise.succeed(HTTP1Answer(head: head, body: ByteBuffer()))
                return
            }
            inFlight = exchange
        case .body(let part) where exchange.discarding != nil:
            exchange.discarding?.bytes += part.readableBytes
            if let discarding = exchange.discarding, discarding.bytes > Self.discardLimit {
                stopDiscarding(exchange.ticket, context: context)
                return
            }
            inFlight = exchange
        case .body(let part) where exchange.streaming:
            guard let source = exchange.bodySource else { return }
            switch source.yield(part) {
            case .produceMore: break
            case .stopProducing: readsPaused = true
            case .dropped:
                if exchange.ticket.restDiscardRequested {
                    // It left after asking for the rest to be discarded (that request is on
                    // its way): this part is the first of the rest.
                    startDiscarding(exchange.ticket, context: context, discarded: part.readableBytes)
                    return
                }
                // The consumer is gone (its abort is on its way): the rest of the answer
                // would be read for nobody.
                inFlight = nil
                reusable = false
                onSettled(false)
                context.close(promise: nil)
            }
        case .body(var part):
            if exchange.body == nil {
                exchange.body = part
            } else {
                exchange.body?.writeBuffer(&part)
            }
            if let body = exchange.body, body.readableBytes > exchange.maxResponseBytes {
                inFlight = nil
                reusable = false
                onSettled(false)
                exchange.promise.fail(HTTP1ExchangeError.tooLarge)
                context.close(promise: nil)
                return
            }
            inFlight = exchange
        case .end:
            inFlight = nil
            exchange.discarding?.timer.cancel()
            resumeReading(context: context)
            guard let head = exchange.head else {
                reusable = false
                onSettled(false)
                exchange.promise.fail(HTTP1ExchangeError.connectionLost(answerStarted: false))
                exchange.bodySource?.finish(HTTP1ExchangeError.connectionLost(answerStarted: false))
                context.close(promise: nil)
                return
            }
            onSettled(reusable)
            if !reusable { context.close(promise: nil) }
            exchange.bodySource?.finish()
            exchange.promise.succeed(HTTP1Answer(head: head, body: exchange.body ?? ByteBuffer()))
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if let resume = event as? HTTP1ResumeReading {
            promise?.succeed()
            if inFlight?.ticket === resume.ticket { resumeReading(context: context) }
            return
        }
        if let discard = event as? HTTP1DiscardRest {
            promise?.succeed()
            startDiscarding(discard.ticket, context: context)
            return
        }
        guard let abort = event as? HTTP1AbortExchange else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed()
        guard let exchange = inFlight, exchange.ticket === abort.ticket else {
            abort.ticket.promise.fail(abort.reason)
            return
        }
        // A streamed answer's deadline is for its head: once the head went out, the
        // consumer's own watch (a stall timeout) decides, and only its leaving aborts.
        if exchange.streaming, abort.reason == .deadlineExceeded { return }
        // A consumer that asked for the rest to be discarded leaves as agreed: the end of
        // the body, the limit or the discard timer decides.
        if exchange.discarding != nil { return }
        if exchange.streaming, abort.reason == .cancelled, exchange.ticket.restDiscardRequested {
            startDiscarding(exchange.ticket, context: context)
            return
        }
        inFlight = nil
        reusable = false
        onSettled(false)
        exchange.promise.fail(abort.reason)
        exchange.bodySource?.finish(abort.reason)
        context.close(promise: nil)
    }

    /// The streamed exchange's consumer needs no more of the body: reads go on and discard
    /// it until its end (the connection is then reusable), the limit or the timer.
    private func startDiscarding(_ ticket: HTTP1ExchangeTicket, context: ChannelHandlerContext, discarded: Int = 0) {
        guard var exchange = inFlight, exchange.ticket === ticket, exchange.streaming, exchange.discarding == nil else { return }
        let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: discardTimeout) {
            let (handler, context) = handler.value
            handler.stopDiscarding(ticket, context: context)
        }
        exchange.discarding = (discarded, timer)
        inFlight = exchange
        // The consumer reads nothing more: parts it has not taken yet stay with it.
        exchange.bodySource?.finish()
        if discarded > Self.discardLimit {
            stopDiscarding(ticket, context: context)
            return
        }
        resumeReading(context: context)
    }

    /// The rest of a body being discarded is too long or too slow: the connection closes.
    private func stopDiscarding(_ ticket: HTTP1ExchangeTicket, context: ChannelHandlerContext) {
        guard let exchange = inFlight, exchange.ticket === ticket, let discarding = exchange.discarding else { return }
        discarding.timer.cancel()
        inFlight = nil
        reusable = false
        onSettled(false)
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    /// Reads again after a streamed answer's consumer caught up (or the answer ended).
    private func resumeReading(context: ChannelHandlerContext) {
        readsPaused = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail()
        context.fireChannelInactive()
    }

    /// The connection is going: fail the exchange in flight, if any, and tell the pool once.
    private func fail() {
        guard reusable || inFlight != nil else { return }
        reusable = false
        let exchange = inFlight
        inFlight = nil
        exchange?.discarding?.timer.cancel()
        onSettled(false)
        let error = HTTP1ExchangeError.connectionLost(answerStarted: exchange?.head != nil)
        exchange?.promise.fail(error)
        exchange?.bodySource?.finish(error)
    }
}

@available(*, unavailable)
extension HTTP1ExchangeHandler: Sendable {}
