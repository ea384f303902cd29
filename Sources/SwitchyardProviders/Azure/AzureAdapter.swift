import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// The adapter for Azure OpenAI (providers.md §5): OpenAI JSON both ways, sent to the
/// deployment's URL with an `api-key` header. The body passes through with only `model`
/// spliced (ignored by deployment-style URLs, the deployment name on the v1 API).
public struct AzureAdapter: ProviderAdapter {
    public let name: String
    public let capabilities = ProviderCapabilities(embeddings: true, tools: true, vision: true)
    public let endpoint: AzureEndpoint
    private let apiKey: Secret
    private let http: UpstreamHTTPClient
    private let logger: Logger
    private let maxResponseBytes: Int

    /// - Parameters:
    ///   - baseURL: the resource, `https://{resource}.openai.azure.com` (a trailing `/openai`
    ///     or `/openai/v1` is accepted; the latter selects the v1 API).
    ///   - provider: its `options.apiVersion` picks the dated `api-version` (default
    ///     `2024-10-21`); `v1` selects the v1 API.
    public init(
        provider: ProviderConfig,
        baseURL: String,
        http: UpstreamHTTPClient,
        logger: Logger,
        maxResponseBytes: Int = 64 * 1024 * 1024
    ) {
        self.name = provider.name
        self.apiKey = provider.apiKey
        self.endpoint = AzureEndpoint(baseURL: baseURL, apiVersion: provider.options.apiVersion)
        self.http = http
        self.logger = logger
        self.maxResponseBytes = maxResponseBytes
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let request = try makeRequest(operation: "chat/completions", call: call, stream: false)
        return try await exchange(request, deadline: call.deadline)
    }

    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let request = try makeRequest(operation: "embeddings", call: call, stream: false)
        return try await exchange(request, deadline: call.deadline)
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        let request = try makeRequest(operation: "chat/completions", call: call, stream: true)
        let response = try await http.execute(request, deadline: call.deadline, logger: logger)
        guard response.status == .ok else {
            throw await failure(from: response)
        }
        return ChatEventStream(OpenAIStreamSource(body: response.body, skipEmptyChoices: true))
    }

    /// The HTTP request for `operation`: URL, `api-key` and the spliced body.
    func makeRequest(operation: String, call: ChatCall, stream: Bool) throws(UpstreamFailure) -> HTTPClientRequest {
        guard let body = OpenAIBodyRewriter.rewrite(call.body, upstreamModel: call.upstreamModel, forceUsage: stream)
        else {
            throw UpstreamFailure(kind: .invalidRequest, status: 400, message: "request body is not a JSON object")
        }
        var request = HTTPClientRequest(url: endpoint.url(deployment: call.upstreamModel, operation: operation))
        request.method = .POST
        request.headers.reserveCapacity(5)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        if !apiKey.isEmpty {
            request.headers.add(name: "api-key", value: apiKey.value)
        }
        request.headers.add(name: "x-ms-client-request-id", value: call.requestID)
        request.body = .bytes(body)
        return request
    }

    private func exchange(_ request: HTTPClientRequest, deadline: NIODeadline) async throws(UpstreamFailure)
        -> UpstreamReply
    {
        let response = try await http.execute(request, deadline: deadline, logger: logger)
        guard (200..<300).contains(response.status.code) else {
            throw await failure(from: response)
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maxResponseBytes)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
        let (wellFormed, usage) = OpenAIWire.check(wholeAnswer: body)
        guard wellFormed else {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: Int(response.status.code),
                message: "upstream sent a malformed response body"
            )
        }
        return UpstreamReply(body: body, usage: usage)
    }

    private func failure(from response: HTTPClientResponse) async -> UpstreamFailure {
        let body = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
        return AzureErrorClassifier.classify(status: Int(response.status.code), headers: response.headers, body: body)
    }
}
