import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import SwitchyardServer

/// The listener's small parts: the request mailbox between the event loop and the
/// connection's task, and the `date` header's format.
@Suite("Listener parts")
struct ListenerPartsTests {
    /// A delivery for `path`, with a target on an embedded channel (never written to here),
    /// which `body` may use; the channel is finished after it (an embedded channel left
    /// open holds its pipeline and handlers for good).
    static func withDelivery<T>(_ path: String, _ body: (RequestMailbox.Delivery) async throws -> T) async throws -> T {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let handler = HTTP1RequestHandler(mailbox: RequestMailbox(), client: ClientConnection(), bodyLimit: 1024)
        try channel.pipeline.syncOperations.addHandler(handler)
        let context = try channel.pipeline.syncOperations.context(handler: handler)
        let request = Request(head: .init(method: .get, scheme: nil, authority: nil, path: path), body: .init(buffer: ByteBuffer()))
        return try await body(.init(request: request, target: ResponseTarget(context: context, handler: handler)))
    }

    @Test func aRequestDeliveredBeforeTheTaskAsksIsKept() async throws {
        let mailbox = RequestMailbox()
        try await Self.withDelivery("/first") { delivery in
            mailbox.deliver(delivery)
            #expect(await mailbox.next()?.request.uri.path == "/first")
        }
    }

    @Test func aTaskWaitingIsWokenByTheNextRequest() async throws {
        let mailbox = RequestMailbox()
        try await Self.withDelivery("/second") { delivery in
            async let received = mailbox.next()
            // The task is most likely waiting by now; if not, the request waits for it.
            try await Task.sleep(for: .milliseconds(20))
            mailbox.deliver(delivery)
            #expect(await received?.request.uri.path == "/second")
        }
    }

    @Test func finishingWakesTheWaitingTaskWithNothingAndDropsLaterRequests() async throws {
        let mailbox = RequestMailbox()
        async let received = mailbox.next()
        // Waiting or not yet asking: either way the task gets nothing.
        try await Task.sleep(for: .milliseconds(20))
        mailbox.finish()
        #expect(await received == nil)
        try await Self.withDelivery("/late") { delivery in
            mailbox.deliver(delivery)
            #expect(await mailbox.next() == nil)
        }
    }

    @Test func aBodysLastPartAndItsEndGoOutInOneFlush() async throws {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let recorder = OutboundRecorder()
        let handler = HTTP1RequestHandler(mailbox: RequestMailbox(), client: ClientConnection(), bodyLimit: 1024)
        try channel.pipeline.syncOperations.addHandlers([recorder, handler])
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        let target = ResponseTarget(context: try channel.pipeline.syncOperations.context(handler: handler), handler: handler)
        var writer: any ResponseBodyWriter = ChannelResponseWriter(target: target, head: HTTPResponse(status: .ok), holdsFirstPart: false)
        try await writer.write(ByteBuffer(string: "data: 1\n\n"))
        try await writer.finish(lastPart: ByteBuffer(string: "data: [DONE]\n\n"))
        #expect(recorder.events == ["head", "body 9", "flush", "body 14", "end", "flush"])
    }

    @Test func theDateHeaderHasTheHTTPFormat() {
        var parts = tm()
        var seconds = time_t(784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
        gmtime_r(&seconds, &parts)
        #expect(HTTPDateCache.format(parts) == "Sun, 06 Nov 1994 08:49:37 GMT")
        var later = time_t(1_796_621_917)
        gmtime_r(&later, &parts)
        #expect(HTTPDateCache.format(parts) == "Mon, 07 Dec 2026 05:38:37 GMT")
        #expect(HTTPDateCache().now().hasSuffix(" GMT"))
    }
}

/// Records the answer's parts and flushes on their way to the socket.
private final class OutboundRecorder: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    private(set) var events: [String] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: events.append("head")
        case .body(let part): events.append("body \(part.readableBytes)")
        case .end: events.append("end")
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        events.append("flush")
        context.flush()
    }
}
