import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// The adapter against a local HTTP server: paths, signing, answers, streams, errors.
@Suite struct BedrockAdapterTests {
    typealias J = BedrockTestJSON

    static let date = Date(timeIntervalSince1970: 1_704_067_200)

    static func provider(keys: Bool = true, apiKey: String = "") -> ProviderConfig {
        ProviderConfig(
            name: "bedrock",
            protocolName: "bedrock",
            apiKey: Secret(apiKey),
            options: ProviderOptions(
                region: "us-east-1",
                awsAccessKeyID: keys ? Secret("AKIDEXAMPLE") : nil,
                awsSecretAccessKey: keys ? Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") : nil
            )
        )
    }

    static func call(_ body: String, model: String = "anthropic.claude-3-haiku-20240307-v1:0") -> ChatCall {
        ChatCall(
            body: ByteBuffer(string: body),
            summary: ChatRequestSummary(model: "m", stream: false),
            upstreamModel: model,
            requestID: "req-1",
            deadline: .now() + .seconds(10)
        )
    }

    @Test func signsTheBedrockRegressionRequest() async throws {
        let http = UpstreamHTTPClient(maxConnections: 1, connectTimeoutMs: 1000)
        let adapter = BedrockAdapter(
            provider: Self.provider(),
            baseURL: "https://bedrock-runtime.us-east-1.amazonaws.com",
            http: http,
            logger: Logger(label: "test"),
            now: { Self.date }
        )
        let request = adapter.makeRequest(
            operation: "converse",
            model: "anthropic.claude-3-haiku-20240307-v1:0",
            body: ByteBuffer(string: SigV4SignerTests.bedrockBody),
            accept: "application/json"
        )
        #expect(request.url == "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse")
        #expect(request.headers.first(name: "authorization") == SigV4SignerTests.bedrockAuthorization)
        #expect(request.headers.first(name: "x-amz-date") == "20240101T000000Z")
        #expect(request.headers.first(name: "host") == "bedrock-runtime.us-east-1.amazonaws.com")
        await http.shutdown()
    }

    @Test func converseOverHTTP() async throws {
        let answer = ByteBuffer(string: BedrockResponseTests.example)
        try await BedrockLocalServer.with(reply: { _ in (.ok, ["x-amzn-RequestId": "abc"], answer) }) { server in
            let adapter = BedrockAdapter(provider: Self.provider(), baseURL: server.baseURL, http: server.http, logger: Logger(label: "t"), now: { Self.date })
            let reply = try await adapter.send(Self.call(#"{"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}"#))
            let json = J.value(reply.body)
            #expect(json.objectValue?["id"] == .string("chatcmpl-abc"))
            #expect(reply.usage == TokenUsage(promptTokens: 25, completionTokens: 40))
            let seen = try #require(server.requests.first)
            #expect(seen.uri == "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse")
            #expect(seen.headers.first(name: "authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=") == true)
            #expect(seen.headers.first(name: "host") == server.host)
            #expect(J.value(seen.body) == J.value(#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{"maxTokens":64}}"#))
        }
    }

    @Test func bearerKeyWithoutAWSKeys() async throws {
        try await BedrockLocalServer.with(reply: { _ in (.ok, [:], ByteBuffer(string: BedrockResponseTests.example)) }) { server in
            let adapter = BedrockAdapter(provider: Self.provider(keys: false, apiKey: "bedrock-key"), baseURL: server.baseURL, http: server.http, logger: Logger(label: "t"))
            _ = try await adapter.send(Self.call(#"{"model":"m","messages":[{"role":"user","content":"Hi"}]}"#))
            let seen = try #require(server.requests.first)
            #expect(seen.headers.first(name: "authorization") == "Bearer bedrock-key")
            #expect(seen.headers.first(name: "x-amz-date") == nil)
        }
    }

    @Test func errorsAreClassified() async throws {
        let body = ByteBuffer(string: #"{"message":"Too many requests, please wait before trying again."}"#)
        try await BedrockLocalServer.with(reply: { _ in (.tooManyRequests, ["x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"], body) }) { server in
            let adapter = BedrockAdapter(provider: Self.provider(), baseURL: server.baseURL, http: server.http, logger: Logger(label: "t"))
            do {
                _ = try await adapter.stream(Self.call(#"{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true}"#))
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.kind == .rateLimited)
                #expect(error.status == 429)
            }
        }
    }

    @Test func converseStreamOverHTTP() async throws {
        var frames = ByteBuffer()
        for message in BedrockStreamTests.toolStream { EventStreamEncoder.encode(message, into: &frames) }
        let framed = frames
        try await BedrockLocalServer.with(reply: { _ in (.ok, ["content-type": "application/vnd.amazon.eventstream"], framed) }) { server in
            let adapter = BedrockAdapter(provider: Self.provider(), baseURL: server.baseURL, http: server.http, logger: Logger(label: "t"))
            var stream = try await adapter.stream(Self.call(#"{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true}"#))
            var chunks = 0
            var usage: TokenUsage?
            while let event = try await stream.next() {
                switch event {
                case .chunk: chunks += 1
                case .usage(let tokens, _): usage = tokens
                }
            }
            #expect(chunks == 7)
            #expect(usage?.promptTokens == 30)
            #expect(server.requests.first?.uri == "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream")
            #expect(server.requests.first?.headers.first(name: "accept") == "application/vnd.amazon.eventstream")
        }
    }

    @Test func titanEmbeddings() async throws {
        try await BedrockLocalServer.with(reply: { request in
            let text = J.value(request.body).objectValue?["inputText"]?.stringValue ?? ""
            return (.ok, [:], ByteBuffer(string: #"{"embedding":[\#(text.count).0,0.5],"inputTextTokenCount":2}"#))
        }) { server in
            let adapter = BedrockAdapter(provider: Self.provider(), baseURL: server.baseURL, http: server.http, logger: Logger(label: "t"))
            let reply = try await adapter.embeddings(
                Self.call(#"{"model":"e","input":["a","bb"],"dimensions":256}"#, model: "amazon.titan-embed-text-v2:0")
            )
            #expect(J.value(reply.body) == J.value(#"""
                {"object":"list","model":"amazon.titan-embed-text-v2:0","usage":{"prompt_tokens":4,"total_tokens":4},
                 "data":[{"object":"embedding","index":0,"embedding":[1,0.5]},{"object":"embedding","index":1,"embedding":[2,0.5]}]}
                """#))
            #expect(server.requests.count == 2)
            #expect(server.requests.first?.uri == "/model/amazon.titan-embed-text-v2%3A0/invoke")
            #expect(J.value(server.requests.first?.body ?? ByteBuffer()) == J.value(#"{"inputText":"a","dimensions":256,"normalize":true}"#))
            let base64 = try await adapter.embeddings(
                Self.call(#"{"model":"e","input":"a","encoding_format":"base64"}"#, model: "amazon.titan-embed-text-v2:0")
            )
            // [1.0, 0.5] as little-endian float32.
            #expect(J.value(base64.body).objectValue?["data"] == J.value(#"[{"object":"embedding","index":0,"embedding":"AACAPwAAAD8="}]"#))
        }
    }
}
