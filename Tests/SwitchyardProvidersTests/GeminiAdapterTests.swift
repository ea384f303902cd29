import Foundation
import Logging
import NIOCore
import SwitchyardCore
import Synchronization
import Testing

@testable import SwitchyardProviders

/// The Gemini and Vertex adapters against a local scripted HTTP server: URLs, auth headers,
/// bodies, the Vertex 401 refresh-and-retry.
@Suite struct GeminiAdapterTests {
    typealias F = GeminiFixtures

    static let chatBody = #"{"model":"my-route","messages":[{"role":"user","content":"Hi"}],"max_tokens":5}"#
    static let answer = #"""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"Hello"}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4},"responseId":"r9"}
        """#

    static func call(_ body: String = chatBody, model: String = "gemini-2.5-flash", stream: Bool = false) -> ChatCall {
        ChatCall(
            body: ByteBuffer(string: body),
            summary: ChatRequestSummary(model: "my-route", stream: stream),
            upstreamModel: model,
            requestID: "req-1",
            deadline: .now() + .seconds(10)
        )
    }

    @Test func geminiSendUsesTheKeyHeaderAndTranslatesBothWays() async throws {
        let server = try await GeminiTestServer.start { _ in .init(status: 200, body: Self.answer) }
        let http = UpstreamHTTPClient(maxConnections: 2, connectTimeoutMs: 1000)
        let adapter = GeminiAdapter(
            provider: ProviderConfig(name: "gemini", protocolName: "gemini", apiKey: Secret("test-key")),
            baseURL: server.baseURL + "/",
            http: http,
            logger: Logger(label: "test")
        )
        let reply = await GeminiFixtures.capture { () async throws(UpstreamFailure) in
            try await adapter.send(Self.call())
        }
        await http.shutdown()
        await server.stop()

        let request = try #require(server.requests.withLock { $0.first })
        #expect(request.method == "POST")
        #expect(request.uri == "/v1beta/models/gemini-2.5-flash:generateContent")
        #expect(request.headers["x-goog-api-key"] == "test-key")
        #expect(
            F.json(request.body)
                == F.json(
                    #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"maxOutputTokens":5}}"#
                )
        )
        let body = try reply.get().body
        let message = F.json(body).objectValue?["choices"]
        #expect(
            message == F.json(#"[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}]"#)
        )
        #expect(try reply.get().usage == TokenUsage(promptTokens: 3, completionTokens: 1))
    }

    @Test func geminiStreamAndErrors() async throws {
        let sse =
            #"data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":1}}"#
            + "\r\n\r\n"
        let server = try await GeminiTestServer.start { request in
            if request.uri.contains("missing-model") {
                return .init(
                    status: 404,
                    body: #"{"error":{"code":404,"message":"models/missing-model is not found","status":"NOT_FOUND"}}"#
                )
            }
            return .init(status: 200, contentType: "text/event-stream", body: sse)
        }
        let http = UpstreamHTTPClient(maxConnections: 2, connectTimeoutMs: 1000)
        let adapter = GeminiAdapter(
            provider: ProviderConfig(name: "gemini", apiKey: Secret("k")),
            baseURL: server.baseURL,
            http: http,
            logger: Logger(label: "test")
        )
        var kinds: [String] = []
        var usage: TokenUsage?
        do {
            var stream = try await adapter.stream(Self.call(stream: true))
            while let event = try await stream.next() {
                switch event {
                case .chunk: kinds.append("chunk")
                case .usage(let counted, _): usage = counted
                }
            }
        } catch {
            Issue.record("stream failed: \(error)")
        }
        let missing = await GeminiFixtures.capture { () async throws(UpstreamFailure) in
            try await adapter.send(Self.call(model: "missing-model"))
        }
        await http.shutdown()
        await server.stop()

        #expect(
            server.requests.withLock { $0.first?.uri }
                == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        )
        #expect(kinds == ["chunk", "chunk", "chunk"])
        #expect(usage == TokenUsage(promptTokens: 2, completionTokens: 1))
        #expect(throws: UpstreamFailure.self) { try missing.get() }
        if case .failure(let failure) = missing {
            #expect(failure.kind == .upstreamNotFound)
        }
    }

    @Test func vertexRefreshesTheTokenOnceAfterA401() async throws {
        let tokenCalls = Mutex(0)
        let server = try await GeminiTestServer.start { request in
            if request.uri == "/token" {
                let n = tokenCalls.withLock { calls in
                    calls += 1
                    return calls
                }
                return .init(
                    status: 200,
                    body: #"{"access_token":"tok-\#(n)","expires_in":3599,"token_type":"Bearer"}"#
                )
            }
            if request.headers["authorization"] == "Bearer tok-1" {
                return .init(
                    status: 401,
                    body:
                        #"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#
                )
            }
            return .init(status: 200, body: Self.answer)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString).json")
        var json = try JSONDecoder().decode([String: String].self, from: try VertexAuthTests.accountJSON())
        json["token_uri"] = server.baseURL + "/token"
        try JSONEncoder().encode(json).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let http = UpstreamHTTPClient(maxConnections: 2, connectTimeoutMs: 1000)
        let provider = ProviderConfig(
            name: "vertex",
            protocolName: "vertex",
            options: ProviderOptions(location: "us-central1", credentialsFile: file.path)
        )
        let adapter = VertexAdapter(
            provider: provider,
            baseURL: server.baseURL,
            http: http,
            logger: Logger(label: "test")
        )
        let reply = await GeminiFixtures.capture { () async throws(UpstreamFailure) in
            try await adapter.send(Self.call())
        }
        await http.shutdown()
        await server.stop()

        let requests = server.requests.withLock { $0 }
        #expect(
            requests.map(\.uri) == [
                "/token",
                "/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
                "/token",
                "/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
            ]
        )
        let form = requests.first?.body ?? ""
        #expect(form.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="))
        #expect(requests.first?.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(requests.last?.headers["authorization"] == "Bearer tok-2")
        #expect(requests.last?.headers["x-goog-api-key"] == nil)
        #expect(try reply.get().usage == TokenUsage(promptTokens: 3, completionTokens: 1))
    }
}
