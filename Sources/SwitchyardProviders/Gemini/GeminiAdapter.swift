import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// The adapter for the Google Gemini API (generativelanguage, providers.md §3.1–§3.6):
/// OpenAI-form requests are translated to `generateContent`, answers and SSE streams back.
/// Authenticates with `x-goog-api-key`; the key never goes into a URL.
public struct GeminiAdapter: ProviderAdapter {
    public let name: String
    public let capabilities: ProviderCapabilities
    /// The public Gemini API base URL, used when the config gives none.
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com"

    private let baseURL: String
    private let exchange: GeminiExchange

    /// An adapter for `provider`, sending to `baseURL` (without a version prefix; the
    /// adapter adds `/v1beta/models/...`) through `http`.
    public init(provider: ProviderConfig, baseURL: String, http: UpstreamHTTPClient, logger: Logger) {
        self.name = provider.name
        self.capabilities = ProviderCapabilities(embeddings: true, tools: true, vision: true)
        let base = baseURL.isEmpty ? Self.defaultBaseURL : baseURL
        self.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.exchange = GeminiExchange(
            http: http,
            authorization: GeminiAPIKeyAuthorization(key: provider.apiKey),
            signatures: GeminiSignatureCache(),
            logger: logger
        )
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        try await exchange.send(call, url: try url(call.upstreamModel, action: "generateContent"))
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        try await exchange.stream(call, url: try url(call.upstreamModel, action: "streamGenerateContent?alt=sse"))
    }

    /// OpenAI embeddings through `:batchEmbedContents` (token usage is estimated: Gemini
    /// reports none).
    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let request = try GeminiEmbeddings.decode(Data(buffer: call.body))
        let model = try GeminiExchange.validatedModel(call.upstreamModel)
        let body = GeminiExchange.encode(GeminiEmbeddings.batchRequest(request, model: model))
        let response = try await exchange.post(
            url: try url(model, action: "batchEmbedContents"),
            body: body,
            deadline: call.deadline,
            stream: false
        )
        let bytes = try await exchange.collect(response)
        guard let decoded = try? JSONDecoder().decode(GeminiEmbeddings.BatchResponse.self, from: bytes) else {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: 200,
                message: "upstream sent a malformed embeddings body"
            )
        }
        let answer = GeminiEmbeddings.openAIResponse(
            vectors: decoded.embeddings.map(\.values),
            model: model,
            base64: request.encoding_format == "base64",
            promptTokens: GeminiEmbeddings.estimateTokens(request.texts)
        )
        return UpstreamReply(body: ByteBuffer(data: answer.body), usage: answer.usage)
    }

    /// `{base}/v1beta/models/{model}:{action}`.
    func url(_ model: String, action: String) throws(UpstreamFailure) -> String {
        "\(baseURL)/v1beta/models/\(try GeminiExchange.validatedModel(model)):\(action)"
    }
}
