import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// A one-route HTTP server answering every request with a canned reply and recording what
/// it received: enough to exercise an adapter's I/O without a simulator.
final class CannedUpstream: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String
    }

    struct Received: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer
    }

    let channel: any Channel
    private let recorder: Recorder

    var port: Int { channel.localAddress?.port ?? 0 }
    /// What the server received, in order.
    var recorded: [Received] { recorder.all }

    init(reply: Reply) async throws {
        let recorder = Recorder()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(reply: reply, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.recorder = recorder
    }

    func close() async {
        try? await channel.close()
    }

    final class Recorder: Sendable {
        private let items = Mutex<[Received]>([])
        func add(_ item: Received) { items.withLock { $0.append(item) } }
        var all: [Received] { items.withLock { $0 } }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let reply: Reply
        let recorder: Recorder
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(reply: Reply, recorder: Recorder) {
            self.reply = reply
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body(var part): body.writeBuffer(&part)
            case .end:
                if let head { recorder.add(Received(head: head, body: body)) }
                var headers = HTTPHeaders(reply.headers)
                headers.add(name: "content-length", value: String(reply.body.utf8.count))
                let status = HTTPResponseStatus(statusCode: reply.status)
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                body.clear()
            }
        }
    }
}

@Suite("AnthropicAdapter against a local HTTP server")
struct AnthropicAdapterHTTPTests {
    typealias T = AnthropicTestSupport

    static let body = #"{"model":"claude","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":50,"seed":1}"#

    func run(_ reply: CannedUpstream.Reply, _ body: (AnthropicAdapter, ChatCall) async throws -> Void) async throws -> [CannedUpstream.Received] {
        let upstream = try await CannedUpstream(reply: reply)
        let http = UpstreamHTTPClient(maxConnections: 2, connectTimeoutMs: 1000)
        let adapter = AnthropicAdapter(
            provider: ProviderConfig(name: "claude-main", protocolName: "anthropic", apiKey: Secret("sk-ant-test")),
            baseURL: "http://127.0.0.1:\(upstream.port)",
            http: http,
            logger: Logger(label: "test")
        )
        let call = ChatCall(
            body: ByteBuffer(string: Self.body),
            summary: ChatRequestSummary(model: "claude", maxTokens: 50),
            upstreamModel: "claude-sonnet-4-5",
            requestID: "req-1",
            deadline: .now() + .seconds(10)
        )
        do {
            try await body(adapter, call)
        } catch {
            await http.shutdown()
            await upstream.close()
            throw error
        }
        await http.shutdown()
        await upstream.close()
        return upstream.recorded
    }

    @Test func sendPostsMessagesAndTranslatesTheAnswer() async throws {
        let answer = #"{"id":"msg_9","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hello."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":2,"cache_creation_input_tokens":3,"cache_read_input_tokens":4}}"#
        let received = try await run(.init(status: 200, headers: [("content-type", "application/json")], body: answer)) { adapter, call in
            let reply = try await adapter.send(call)
            #expect(reply.usage == TokenUsage(promptTokens: 17, completionTokens: 2, cachedPromptTokens: 4))
            let json = T.json(reply.body).objectValue
            #expect(json?["id"] == .string("msg_9"))
            #expect(json?["choices"] == T.json(#"[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}]"#))
        }
        let request = try #require(received.first)
        #expect(request.head.uri == "/v1/messages")
        #expect(request.head.method == .POST)
        #expect(request.head.headers["x-api-key"] == ["sk-ant-test"])
        #expect(request.head.headers["anthropic-version"] == ["2023-06-01"])
        #expect(request.head.headers["authorization"].isEmpty)
        #expect(
            T.json(request.body)
                == T.json(#"{"model":"claude-sonnet-4-5","max_tokens":50,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}"#)
        )
    }

    @Test func streamYieldsChunksThenUsage() async throws {
        let stream = AnthropicStreamTests.exampleStream
        let received = try await run(.init(status: 200, headers: [("content-type", "text/event-stream")], body: stream)) { adapter, call in
            var events = try await adapter.stream(call)
            var payloads: [JSONValue] = []
            var usage: TokenUsage?
            while let event = try await events.next() {
                if case .usage(let counts, _) = event { usage = counts }
                payloads += T.payloads([event])
            }
            #expect(payloads.count == AnthropicStreamTests.expectedChunks.count)
            #expect(usage == TokenUsage(promptTokens: 25, completionTokens: 40))
        }
        #expect(T.json(try #require(received.first).body).objectValue?["stream"] == .bool(true))
    }

    @Test func overloadedAnswerIsClassifiedBeforeTheStreamStarts() async throws {
        let error = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#
        _ = try await run(.init(status: 529, headers: [("retry-after", "2")], body: error)) { adapter, call in
            await #expect(throws: UpstreamFailure(kind: .overloaded, status: 529, message: "Overloaded", code: "overloaded_error", retryAfterSeconds: 2)) {
                _ = try await adapter.stream(call)
            }
            await #expect(throws: UpstreamFailure.self) { _ = try await adapter.embeddings(call) }
        }
    }
}
