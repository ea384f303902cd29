import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Where a request's answer goes: its connection's last handler, on the connection's event
/// loop, where the answering task runs.
struct ResponseTarget: Sendable {
    let channel: any Channel
    private let context: NIOLoopBound<ChannelHandlerContext>
    private let handler: NIOLoopBound<HTTP1RequestHandler>

    init(context: ChannelHandlerContext, handler: HTTP1RequestHandler) {
        self.channel = context.channel
        self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.handler = NIOLoopBound(handler, eventLoop: context.eventLoop)
    }

    /// Writes `response`. A body of one buffer goes out with its head and end in one hop; a
    /// streamed body goes out as it is written, its head with its first part. A body that
    /// fails part-way closes the connection: the client cannot tell a cut answer otherwise.
    func write(_ response: Response) async {
        let writer = ChannelResponseWriter(target: self, head: response.head, holdsFirstPart: response.body.contentLength != nil)
        do {
            try await response.body.write(writer)
        } catch {
            send(head: nil, held: nil, then: .failed, promise: nil)
        }
    }

    /// What a hop writes after the held head and part: a part of the body, the answer's
    /// end, the body's last part and the end together, or nothing, the answer having failed.
    enum Step {
        case part(ByteBuffer)
        case end(HTTPFields?)
        case lastPart(ByteBuffer)
        case failed
    }

    /// Writes what is given, in order, and flushes: at once when the caller runs on the
    /// connection's event loop (its task does, `EventLoopTaskExecutor`), else in one hop to it.
    func send(head: HTTPResponse?, held: ByteBuffer?, then step: Step, promise: EventLoopPromise<Void>?) {
        let context = self.context
        let handler = self.handler
        if context.eventLoop.inEventLoop {
            Self.perform(context: context.value, handler: handler.value, head: head, held: held, then: step, promise: promise)
        } else {
            context.eventLoop.execute {
                Self.perform(context: context.value, handler: handler.value, head: head, held: held, then: step, promise: promise)
            }
        }
    }

    private static func perform(
        context: ChannelHandlerContext,
        handler: HTTP1RequestHandler,
        head: HTTPResponse?,
        held: ByteBuffer?,
        then step: Step,
        promise: EventLoopPromise<Void>?
    ) {
        if var head {
            head.headerFields[.date] = handler.date.now()
            context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        }
        if let held { context.write(NIOAny(HTTPResponsePart.body(held)), promise: nil) }
        switch step {
        case .part(let part):
            context.writeAndFlush(NIOAny(HTTPResponsePart.body(part)), promise: promise)
        case .end(let trailers):
            context.writeAndFlush(NIOAny(HTTPResponsePart.end(trailers)), promise: promise)
            handler.answered(context: context, failed: false)
        case .lastPart(let part):
            context.write(NIOAny(HTTPResponsePart.body(part)), promise: nil)
            context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: promise)
            handler.answered(context: context, failed: false)
        case .failed:
            promise?.succeed()
            handler.answered(context: context, failed: true)
        }
    }
}

/// The body writer the router's answer is written with (`ResponseTarget.write`). It holds
/// the head, and for a body of known length its first part, until it has more to send, so a
/// whole answer costs one hop to the event loop. A write made while the socket is behind
/// (the channel not writable) waits until it has gone out: a slow client slows the relay.
struct ChannelResponseWriter: ResponseBodyWriter {
    let target: ResponseTarget
    private var head: HTTPResponse?
    private var held: ByteBuffer?
    private let holdsFirstPart: Bool

    init(target: ResponseTarget, head: HTTPResponse, holdsFirstPart: Bool) {
        self.target = target
        self.head = head
        self.holdsFirstPart = holdsFirstPart
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        if holdsFirstPart, head != nil, held == nil {
            held = buffer
            return
        }
        guard target.channel.isActive else { throw ChannelError.ioOnClosedChannel }
        let (head, held) = (self.head, self.held)
        self.head = nil
        self.held = nil
        if target.channel.isWritable {
            target.send(head: head, held: held, then: .part(buffer), promise: nil)
        } else {
            // The socket is behind: this part waits for the ones before it to go out.
            let promise = target.channel.eventLoop.makePromise(of: Void.self)
            target.send(head: head, held: held, then: .part(buffer), promise: promise)
            try await promise.futureResult.get()
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        target.send(head: head, held: held, then: .end(trailingHeaders), promise: nil)
    }

    /// Writes `part`, the body's last, and the answer's end in one hop and one flush, so
    /// one system call (a stream's closing event and the chunked body's end, say).
    consuming func finish(lastPart part: ByteBuffer) async throws {
        guard target.channel.isActive else { throw ChannelError.ioOnClosedChannel }
        target.send(head: head, held: held, then: .lastPart(part), promise: nil)
    }
}

extension ResponseBodyWriter {
    /// Writes `part`, the body's last, and finishes: in one flush when this is the
    /// listener's writer, else as a write and a finish.
    mutating func finish(lastPart part: ByteBuffer) async throws {
        if part.readableBytes == 0 {
            try await finish(nil)
        } else if let writer = self as? ChannelResponseWriter {
            try await writer.finish(lastPart: part)
        } else {
            try await write(part)
            try await finish(nil)
        }
    }
}
