import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("Azure OpenAI: URLs, headers, errors")
struct AzureAdapterTests {
    static let http = UpstreamHTTPClient(maxConnections: 1, connectTimeoutMs: 100)

    static func adapter(base: String, apiVersion: String? = nil) -> AzureAdapter {
        AzureAdapter(
            provider: ProviderConfig(
                name: "azure-eu",
                protocolName: "azure",
                apiKey: Secret("azkey"),
                options: ProviderOptions(apiVersion: apiVersion)
            ),
            baseURL: base,
            http: http,
            logger: Logger(label: "test")
        )
    }

    static func call(_ body: String = #"{"model":"route","messages":[{"role":"user","content":"hi"}]}"#) -> ChatCall {
        ChatCall(
            body: ByteBuffer(string: body),
            summary: ChatRequestSummary(model: "route"),
            upstreamModel: "gpt4o-prod",
            requestID: "req-1",
            deadline: .now() + .seconds(5)
        )
    }

    @Test(
        arguments: [
            (
                "https://res.openai.azure.com", nil,
                "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"
            ),
            (
                "https://res.openai.azure.com/", "2025-04-01-preview",
                "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2025-04-01-preview"
            ),
            (
                "https://res.openai.azure.com/openai", nil,
                "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"
            ),
            ("https://res.openai.azure.com/openai/v1/", nil, "https://res.openai.azure.com/openai/v1/chat/completions"),
            (
                "https://res.cognitiveservices.azure.com", "v1",
                "https://res.cognitiveservices.azure.com/openai/v1/chat/completions"
            ),
        ] as [(String, String?, String)]
    )
    func chatURL(base: String, apiVersion: String?, expected: String) throws {
        let request = try Self.adapter(base: base, apiVersion: apiVersion).makeRequest(
            operation: "chat/completions",
            call: Self.call(),
            stream: false
        )
        #expect(request.url == expected)
    }

    @Test func embeddingsURLAndDeploymentEscaping() {
        let endpoint = AzureEndpoint(baseURL: "https://res.openai.azure.com", apiVersion: nil)
        #expect(
            endpoint.url(deployment: "emb small", operation: "embeddings")
                == "https://res.openai.azure.com/openai/deployments/emb%20small/embeddings?api-version=2024-10-21"
        )
        #expect(endpoint.url(deployment: "a/b", operation: "embeddings").contains("/deployments/a%2Fb/"))
    }

    @Test func apiKeyHeaderNotBearerAndBodyModelSpliced() throws {
        let request = try Self.adapter(base: "https://res.openai.azure.com").makeRequest(
            operation: "chat/completions",
            call: Self.call(),
            stream: true
        )
        #expect(request.headers.first(name: "api-key") == "azkey")
        #expect(request.headers.first(name: "authorization") == nil)
        #expect(request.method == .POST)
        #expect(request.headers.first(name: "accept") == "text/event-stream")
    }

    @Test func contentFilterIsContentFiltered() {
        let body =
            #"{"error":{"code":"content_filter","message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","param":"prompt","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}"#
        let failure = AzureErrorClassifier.classify(status: 400, headers: [:], body: ByteBuffer(string: body))
        #expect(failure.kind == .contentFiltered)
        #expect(failure.code == "content_filter")
        #expect(failure.status == 400)
        let inner =
            #"{"error":{"code":"BadRequest","message":"filtered","innererror":{"code":"ResponsibleAIPolicyViolation"}}}"#
        #expect(
            AzureErrorClassifier.classify(status: 400, headers: [:], body: ByteBuffer(string: inner)).kind
                == .contentFiltered
        )
    }

    @Test func deploymentNotFoundAndAuthAndRateLimit() {
        let notFound =
            #"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#
        #expect(
            AzureErrorClassifier.classify(status: 404, headers: [:], body: ByteBuffer(string: notFound)).kind
                == .upstreamNotFound
        )
        let auth =
            #"{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}"#
        #expect(
            AzureErrorClassifier.classify(status: 401, headers: [:], body: ByteBuffer(string: auth)).kind
                == .upstreamAuth
        )
        let limited = AzureErrorClassifier.classify(
            status: 429,
            headers: ["retry-after": "7", "retry-after-ms": "6500"],
            body: ByteBuffer(
                string:
                    #"{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded token rate limit."}}"#
            )
        )
        #expect(limited.kind == .rateLimited)
        #expect(limited.retryAfterSeconds == 6.5)
        let context =
            #"{"error":{"code":"context_length_exceeded","message":"This model's maximum context length is 128000 tokens.","status":400}}"#
        #expect(
            AzureErrorClassifier.classify(status: 400, headers: [:], body: ByteBuffer(string: context)).kind
                == .contextLength
        )
    }
}
