import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// The adapter for the Anthropic Messages API (providers.md §2): canonical requests become
/// `POST {base}/v1/messages` bodies, answers and SSE streams come back in OpenAI form.
public struct AnthropicAdapter: ProviderAdapter {
    public let name: String
    public let capabilities = ProviderCapabilities(embeddings: false, tools: true, vision: true)
    private let endpoint: String
    private let apiKey: Secret
    private let http: UpstreamHTTPClient
    private let logger: Logger
    private let defaultMaxTokens: Int
    private let maxResponseBytes: Int

    /// - Parameters:
    ///   - baseURL: `https://api.anthropic.com` (a trailing `/v1` is accepted too).
    ///   - defaultMaxTokens: `max_tokens` when the client sent none (Anthropic requires it).
    public init(
        provider: ProviderConfig,
        baseURL: String,
        http: UpstreamHTTPClient,
        logger: Logger,
        defaultMaxTokens: Int = 4096,
        maxResponseBytes: Int = 64 * 1024 * 1024
    ) {
        self.name = provider.name
        self.apiKey = provider.apiKey
        self.endpoint = Self.endpoint(baseURL: baseURL)
        self.http = http
        self.logger = logger
        self.defaultMaxTokens = defaultMaxTokens
        self.maxResponseBytes = maxResponseBytes
    }

    /// `{base}/v1/messages`, whether or not the configured base already ends in `/v1`.
    static func endpoint(baseURL: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v1") ? base + "/messages" : base + "/v1/messages"
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let translated = try translate(call, stream: false)
        let response = try await http.execute(try makeRequest(translated.request, stream: false), deadline: call.deadline, logger: logger)
        guard (200..<300).contains(response.status.code) else {
            throw await failure(from: response)
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maxResponseBytes)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
        guard let wire = try? JSONDecoder().decode(AnthropicWire.Response.self, from: body) else {
            throw UpstreamFailure(kind: .malformedResponse, status: Int(response.status.code), message: "upstream sent a malformed response body")
        }
        let canonical = AnthropicTranslator.response(
            wire,
            created: Self.now(),
            fallbackModel: call.upstreamModel,
            jsonToolName: translated.jsonToolName
        )
        return UpstreamReply(body: canonical.encoded(), usage: canonical.usage?.tokenUsage)
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        let translated = try translate(call, stream: true)
        let response = try await http.execute(try makeRequest(translated.request, stream: true), deadline: call.deadline, logger: logger)
        guard response.status == .ok else {
            throw await failure(from: response)
        }
        let translator = AnthropicStreamTranslator(created: Self.now(), fallbackModel: call.upstreamModel, jsonToolName: translated.jsonToolName)
        return ChatEventStream(AnthropicStreamSource(body: response.body, translator: translator))
    }

    /// Anthropic has no embeddings endpoint.
    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        throw UpstreamFailure(
            kind: .invalidRequest,
            status: 400,
            message: "provider '\(name)' (anthropic) does not offer embeddings",
            code: "unsupported_endpoint"
        )
    }

    private func translate(_ call: ChatCall, stream: Bool) throws(UpstreamFailure) -> AnthropicTranslator.Translated {
        let canonical = try CanonicalJSON.decodeRequest(call.body)
        return try AnthropicTranslator.request(canonical, upstreamModel: call.upstreamModel, stream: stream, defaultMaxTokens: defaultMaxTokens)
    }

    private func makeRequest(_ body: AnthropicWire.Request, stream: Bool) throws(UpstreamFailure) -> HTTPClientRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(body) else {
            throw UpstreamFailure(kind: .invalidRequest, status: 400, message: "the request could not be encoded for Anthropic")
        }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.reserveCapacity(5)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        request.headers.add(name: "anthropic-version", value: AnthropicWire.apiVersion)
        if !apiKey.isEmpty {
            request.headers.add(name: "x-api-key", value: apiKey.value)
        }
        request.body = .bytes(ByteBuffer(data: data))
        return request
    }

    private func failure(from response: HTTPClientResponse) async -> UpstreamFailure {
        let body = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
        return AnthropicErrorClassifier.classify(status: Int(response.status.code), headers: response.headers, body: body)
    }

    private static func now() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
