import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import SwitchyardCore
import SwitchyardProviders
import XCTest

@testable import SwitchyardServer

/// Timings of the request hot path; no assertions on time. Run with
/// `SWITCHYARD_BENCH=1 swift test -c release --filter PerformanceTests`.
final class HotPathPerformanceTests: XCTestCase {
    static let body = ByteBuffer(
        string: #"{"model":"support-bot","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word, please."}],"temperature":0.2,"max_tokens":64,"stream":true,"stream_options":{"include_usage":true},"metadata":{"team":"support"}}"#
    )

    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SWITCHYARD_BENCH"] == "1", "run with SWITCHYARD_BENCH=1")
    }

    /// 10 000 request validations and model resolutions.
    func testDecodeAndResolve() throws {
        let resolver = ModelResolver(
            config: GatewayConfig(
                providers: [ProviderConfig(name: "a"), ProviderConfig(name: "b")],
                models: [ModelConfig(name: "m", deployments: [DeploymentConfig(provider: "a", model: "x"), DeploymentConfig(provider: "b", model: "y")])],
                routes: [RouteConfig(name: "support-bot", targets: ["m"])]
            )
        )
        measure {
            for _ in 0..<10_000 {
                guard let summary = try? ChatRequestValidator.validate(Self.body) else { return XCTFail("invalid") }
                XCTAssertNotNil(resolver.resolve(summary.model))
            }
        }
    }

    /// 10 000 pass-through body rewrites (model + stream_options).
    func testBodyRewrite() {
        measure {
            for _ in 0..<10_000 {
                XCTAssertNotNil(OpenAIBodyRewriter.rewrite(Self.body, upstreamModel: "gpt-4o-mini", forceUsage: true))
            }
        }
    }

    /// Decoding a 64-chunk OpenAI stream split into 1 KiB reads, 200 times.
    func testSSEDecoding() throws {
        var text = ""
        for index in 0..<64 {
            text += #"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"tok\#(index) "},"logprobs":null,"finish_reason":null}],"usage":null}"# + "\n\n"
        }
        text += "data: [DONE]\n\n"
        let whole = ByteBuffer(string: text)
        var pieces: [ByteBuffer] = []
        var cursor = whole
        while cursor.readableBytes > 0, let piece = cursor.readSlice(length: min(1024, cursor.readableBytes)) {
            pieces.append(piece)
        }
        measure {
            for _ in 0..<200 {
                var decoder = SSEDecoder()
                var events = 0
                for piece in pieces {
                    try? decoder.feed(piece) { _ in events += 1 }
                }
                XCTAssertEqual(events, 65)
            }
        }
    }

    /// 1,000 streamed answers written through the client connection's codec: a head of
    /// five fields, 64 chunks of an SSE event and the end (the bytes are read and dropped).
    func testResponseEncoding() throws {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.pipeline.syncOperations.addHandler(HTTP1ServerCodec())
        var head = HTTPResponse(status: .ok)
        head.headerFields[.contentType] = "text/event-stream"
        head.headerFields[.cacheControl] = "no-cache"
        head.headerFields[HTTPField.Name("x-request-id")!] = "req_0123456789abcdef01234567"
        head.headerFields[HTTPField.Name("x-switchyard-provider")!] = "openai"
        head.headerFields[.date] = "Mon, 07 Dec 2026 15:00:00 GMT"
        let chunk = ByteBuffer(string: #"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tok "}}]}"# + "\n\n")
        let request = ByteBuffer(string: "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")
        measure {
            for _ in 0..<1_000 {
                _ = try? channel.writeInbound(request)
                while (try? channel.readInbound(as: HTTPRequestPart.self)) != nil {}
                channel.write(HTTPResponsePart.head(head), promise: nil)
                for _ in 0..<64 { channel.write(HTTPResponsePart.body(chunk), promise: nil) }
                channel.writeAndFlush(HTTPResponsePart.end(nil), promise: nil)
                while (try? channel.readOutbound(as: IOData.self)) != nil {}
            }
        }
    }
}
