import Logging
import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Azure, Cohere and OpenAI-compatible presets against a local HTTP server (`CannedUpstream`).
@Suite("Azure, Cohere and presets against a local HTTP server")
struct ProviderAdaptersHTTPTests {
    typealias T = AnthropicTestSupport

    static func call(_ body: String, model: String) -> ChatCall {
        ChatCall(
            body: ByteBuffer(string: body),
            summary: ChatRequestSummary(model: "route"),
            upstreamModel: model,
            requestID: "req-1",
            deadline: .now() + .seconds(10)
        )
    }

    func run(
        _ reply: CannedUpstream.Reply,
        make: (String, UpstreamHTTPClient) -> any ProviderAdapter,
        _ body: (any ProviderAdapter) async throws -> Void
    ) async throws -> [CannedUpstream.Received] {
        let upstream = try await CannedUpstream(reply: reply)
        let http = UpstreamHTTPClient(maxConnections: 2, connectTimeoutMs: 1000)
        let adapter = make("http://127.0.0.1:\(upstream.port)", http)
        do {
            try await body(adapter)
        } catch {
            await http.shutdown()
            await upstream.close()
            throw error
        }
        await http.shutdown()
        await upstream.close()
        return upstream.recorded
    }

    static func drain(_ stream: ChatEventStream) async throws(UpstreamFailure) -> [ChatStreamEvent] {
        var stream = stream
        var events: [ChatStreamEvent] = []
        while let event = try await stream.next() { events.append(event) }
        return events
    }

    @Test func azureSendUsesTheDeploymentURLAndAPIKey() async throws {
        let answer =
            #"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o","prompt_filter_results":[],"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#
        let received = try await run(.init(status: 200, headers: [("content-type", "application/json")], body: answer))
        { base, http in
            AzureAdapter(
                provider: ProviderConfig(
                    name: "az",
                    protocolName: "azure",
                    apiKey: Secret("az-key"),
                    options: ProviderOptions(apiVersion: "2025-04-01-preview")
                ),
                baseURL: base,
                http: http,
                logger: Logger(label: "test")
            )
        } _: { adapter in
            let reply = try await adapter.send(
                Self.call(#"{"model":"route","messages":[{"role":"user","content":"hi"}]}"#, model: "gpt4o-eu")
            )
            #expect(reply.usage == TokenUsage(promptTokens: 5, completionTokens: 1))
            #expect(String(buffer: reply.body) == answer)
        }
        let request = try #require(received.first)
        #expect(request.head.uri == "/openai/deployments/gpt4o-eu/chat/completions?api-version=2025-04-01-preview")
        #expect(request.head.headers["api-key"] == ["az-key"])
        #expect(request.head.headers["authorization"].isEmpty)
        #expect(String(buffer: request.body) == #"{"model":"gpt4o-eu","messages":[{"role":"user","content":"hi"}]}"#)
    }

    @Test func azureDeploymentNotFoundFailsOver() async throws {
        let body =
            #"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#
        _ = try await run(.init(status: 404, headers: [], body: body)) { base, http in
            AzureAdapter(
                provider: ProviderConfig(name: "az", apiKey: Secret("k")),
                baseURL: base,
                http: http,
                logger: Logger(label: "test")
            )
        } _: { adapter in
            do {
                _ = try await adapter.stream(Self.call(#"{"messages":[]}"#, model: "d"))
                Issue.record("expected a failure")
            } catch {
                #expect((error as? UpstreamFailure)?.kind == .upstreamNotFound)
            }
        }
    }

    @Test func mistralPresetRewritesTheBodyAndSkipsStreamOptions() async throws {
        let sse =
            "data: {\"id\":\"a\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-small\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\ndata: [DONE]\n\n"
        let received = try await run(.init(status: 200, headers: [("content-type", "text/event-stream")], body: sse)) {
            base,
            http in
            OpenAIAdapter(
                provider: ProviderConfig(name: "mistral", protocolName: "mistral", apiKey: Secret("mk")),
                wire: .mistral,
                baseURL: base,
                http: http,
                logger: Logger(label: "test")
            )
        } _: { adapter in
            let stream = try await adapter.stream(
                Self.call(
                    #"{"model":"route","seed":7,"stream":true,"user":"u","messages":[{"role":"user","content":"hi"}]}"#,
                    model: "mistral-small-latest"
                )
            )
            let events = try await Self.drain(stream)
            #expect(events.count == 2)
            guard case .usage(let usage, _) = events.last else {
                Issue.record("no usage event")
                return
            }
            #expect(usage == TokenUsage(promptTokens: 5, completionTokens: 1))
        }
        let request = try #require(received.first)
        #expect(request.head.uri == "/chat/completions")
        #expect(request.head.headers["authorization"] == ["Bearer mk"])
        #expect(
            String(buffer: request.body)
                == #"{"model":"mistral-small-latest","random_seed":7,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
        )
    }

    @Test func cohereSendTranslatesBothWays() async throws {
        let answer =
            #"{"id":"c1","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"Hello."}]},"usage":{"billed_units":{"input_tokens":3,"output_tokens":2},"tokens":{"input_tokens":60,"output_tokens":2}}}"#
        let received = try await run(.init(status: 200, headers: [("content-type", "application/json")], body: answer))
        { base, http in
            CohereAdapter(
                provider: ProviderConfig(name: "co", protocolName: "cohere", apiKey: Secret("co-key")),
                baseURL: base + "/v2",
                http: http,
                logger: Logger(label: "test")
            )
        } _: { adapter in
            let reply = try await adapter.send(
                Self.call(
                    #"{"model":"route","messages":[{"role":"user","content":"Hi"}],"top_p":0.5}"#,
                    model: "command-a-03-2025"
                )
            )
            #expect(reply.usage == TokenUsage(promptTokens: 60, completionTokens: 2))
            let json = T.json(reply.body).objectValue
            #expect(
                json?["choices"]
                    == T.json(
                        #"[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}]"#
                    )
            )
        }
        let request = try #require(received.first)
        #expect(request.head.uri == "/v2/chat")
        #expect(request.head.headers["authorization"] == ["Bearer co-key"])
        #expect(
            T.json(request.body)
                == T.json(
                    #"{"model":"command-a-03-2025","messages":[{"role":"user","content":"Hi"}],"p":0.5,"stream":false}"#
                )
        )
    }

    @Test func cohereStreamAndRateLimit() async throws {
        let sse = """
            event: message-start
            data: {"type":"message-start","id":"m1","delta":{"message":{"role":"assistant"}}}

            event: content-delta
            data: {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hi"}}}}

            event: message-end
            data: {"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"tokens":{"input_tokens":4,"output_tokens":1}}}}


            """
        _ = try await run(.init(status: 200, headers: [("content-type", "text/event-stream")], body: sse)) {
            base,
            http in
            CohereAdapter(
                provider: ProviderConfig(name: "co", apiKey: Secret("k")),
                baseURL: base,
                http: http,
                logger: Logger(label: "test")
            )
        } _: { adapter in
            let events = try await Self.drain(
                try await adapter.stream(
                    Self.call(
                        #"{"model":"r","messages":[{"role":"user","content":"Hi"}],"stream":true}"#,
                        model: "command-r"
                    )
                )
            )
            #expect(events.count == 4)
        }
        _ = try await run(
            .init(status: 429, headers: [("retry-after", "3")], body: #"{"id":"x","message":"rate limited"}"#)
        ) { base, http in
            CohereAdapter(
                provider: ProviderConfig(name: "co", apiKey: Secret("k")),
                baseURL: base,
                http: http,
                logger: Logger(label: "test")
            )
        } _: { adapter in
            do {
                _ = try await adapter.send(
                    Self.call(#"{"model":"r","messages":[{"role":"user","content":"Hi"}]}"#, model: "command-r")
                )
                Issue.record("expected a failure")
            } catch {
                #expect((error as? UpstreamFailure)?.kind == .rateLimited)
                #expect((error as? UpstreamFailure)?.retryAfterSeconds == 3)
            }
        }
    }
}
