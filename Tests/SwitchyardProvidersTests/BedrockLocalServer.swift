import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

@testable import SwitchyardProviders

/// A one-route HTTP server on 127.0.0.1 for adapter tests: records each request and
/// answers with what `reply` returns.
final class BedrockLocalServer: Sendable {
    struct Seen: Sendable {
        var uri: String
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    typealias Reply = @Sendable (Seen) -> (HTTPResponseStatus, [String: String], ByteBuffer)

    let channel: any Channel
    let http: UpstreamHTTPClient
    private let recorder: Recorder

    private final class Recorder: Sendable {
        let seen = Mutex<[Seen]>([])
    }

    var port: Int { channel.localAddress?.port ?? 0 }
    var host: String { "127.0.0.1:\(port)" }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Seen] { recorder.seen.withLock { $0 } }

    private init(reply: @escaping Reply) async throws {
        let recorder = Recorder()
        self.recorder = recorder
        let record: @Sendable (Seen) -> Void = { request in recorder.seen.withLock { $0.append(request) } }
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(reply: reply, record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        http = UpstreamHTTPClient(maxConnections: 4, connectTimeoutMs: 1000)
    }

    static func with(reply: @escaping Reply, _ body: (BedrockLocalServer) async throws -> Void) async throws {
        let server = try await BedrockLocalServer(reply: reply)
        do {
            try await body(server)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    func close() async {
        await http.shutdown()
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let reply: Reply
        let record: @Sendable (Seen) -> Void
        var current: Seen?

        init(reply: @escaping Reply, record: @escaping @Sendable (Seen) -> Void) {
            self.reply = reply
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                current = Seen(uri: head.uri, headers: head.headers, body: ByteBuffer())
            case .body(var bytes):
                current?.body.writeBuffer(&bytes)
            case .end:
                guard let request = current else { return }
                record(request)
                let (status, extra, body) = reply(request)
                var headers = HTTPHeaders()
                for (name, value) in extra { headers.add(name: name, value: value) }
                headers.add(name: "content-length", value: String(body.readableBytes))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
