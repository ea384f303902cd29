import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny local HTTP/1.1 server for adapter tests: records every request and answers with
/// whatever the script returns for it.
final class GeminiTestServer: Sendable {
    /// One request as received.
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [String: String]
        var body: String
    }

    /// One scripted answer.
    struct Answer: Sendable {
        var status: Int
        var contentType = "application/json"
        var body: String
    }

    typealias Script = @Sendable (Request) -> Answer

    let requests = Mutex<[Request]>([])
    private let channel: any Channel
    let baseURL: String

    private init(channel: any Channel) {
        self.channel = channel
        self.baseURL = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)"
    }

    static func start(_ script: @escaping Script) async throws -> GeminiTestServer {
        let box = Mutex<GeminiTestServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(script: script) { request in
                            box.withLock { $0?.requests.withLock { $0.append(request) } }
                        }
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = GeminiTestServer(channel: channel)
        box.withLock { $0 = server }
        return server
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let script: Script
        let record: @Sendable (Request) -> Void
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(script: @escaping Script, record: @escaping @Sendable (Request) -> Void) {
            self.script = script
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(
                    method: head.method.rawValue,
                    uri: head.uri,
                    headers: headers,
                    body: String(buffer: body)
                )
                record(request)
                let answer = script(request)
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "content-type", value: answer.contentType)
                responseHeaders.add(name: "content-length", value: String(answer.body.utf8.count))
                let responseHead = HTTPResponseHead(
                    version: head.version,
                    status: HTTPResponseStatus(statusCode: answer.status),
                    headers: responseHeaders
                )
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
