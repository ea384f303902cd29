import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// The adapter for Gemini models on Google Cloud Vertex AI (providers.md §3.7): the same
/// `generateContent` bodies, answers and streams as the Gemini API, at the project/location
/// URL, authorized with an OAuth token minted from a service-account key file (refreshed
/// once and retried on a 401), or with an express-mode API key when no file is configured.
public struct VertexAdapter: ProviderAdapter {
    public let name: String
    public let capabilities: ProviderCapabilities
    /// The location used when the config names none.
    public static let defaultLocation = "us-central1"

    private let baseURL: String
    private let project: String?
    private let location: String
    /// API key without a project: Vertex "express mode" URLs (`/v1/publishers/google/...`).
    private let expressMode: Bool
    private let exchange: GeminiExchange

    /// An adapter for `provider` (`options.project`, `options.location`,
    /// `options.credentialsFile`). An empty `baseURL` means the location's public endpoint.
    /// Credential problems do not fail here: each request then fails as `upstreamAuth`.
    public init(provider: ProviderConfig, baseURL: String, http: UpstreamHTTPClient, logger: Logger) {
        let authorization: any GeminiAuthorization
        var projectID = provider.options.project
        if let path = provider.options.credentialsFile, !path.isEmpty {
            do {
                let account = try VertexServiceAccount(path: path)
                projectID = projectID ?? account.projectID
                authorization = VertexTokenSource(account: account, http: http, logger: logger)
            } catch {
                logger.error(
                    "Vertex AI credentials unusable",
                    metadata: ["provider": .string(provider.name), "reason": .string(error.message)]
                )
                authorization = FailingAuthorization(failure: error)
            }
        } else if !provider.apiKey.isEmpty {
            authorization = GeminiAPIKeyAuthorization(key: provider.apiKey)
        } else {
            authorization = FailingAuthorization(
                failure: UpstreamFailure(
                    kind: .upstreamAuth,
                    message: "Vertex AI: no credentials_file or api_key configured"
                )
            )
        }
        self.init(
            provider: provider,
            project: projectID,
            baseURL: baseURL,
            authorization: authorization,
            http: http,
            logger: logger
        )
    }

    /// An adapter with the given authorization (tests, or a caller that mints tokens itself).
    init(
        provider: ProviderConfig,
        project: String?,
        baseURL: String,
        authorization: any GeminiAuthorization,
        http: UpstreamHTTPClient,
        logger: Logger
    ) {
        self.name = provider.name
        self.capabilities = ProviderCapabilities(embeddings: true, tools: true, vision: true)
        let location = provider.options.location.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultLocation
        self.location = location
        self.project = project.flatMap { $0.isEmpty ? nil : $0 }
        self.expressMode = self.project == nil && authorization is GeminiAPIKeyAuthorization
        let base = baseURL.isEmpty ? Self.publicBaseURL(location: expressMode ? "global" : location) : baseURL
        self.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.exchange = GeminiExchange(
            http: http,
            authorization: authorization,
            signatures: GeminiSignatureCache(),
            logger: logger
        )
    }

    /// `https://{location}-aiplatform.googleapis.com`, or the host without a prefix for `global`.
    public static func publicBaseURL(location: String) -> String {
        location == "global" ? "https://aiplatform.googleapis.com" : "https://\(location)-aiplatform.googleapis.com"
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        try await exchange.send(call, url: try url(call.upstreamModel, action: "generateContent"))
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        try await exchange.stream(call, url: try url(call.upstreamModel, action: "streamGenerateContent?alt=sse"))
    }

    /// OpenAI embeddings through `:predict` (token counts from the answer's statistics).
    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let request = try GeminiEmbeddings.decode(Data(buffer: call.body))
        let body = GeminiExchange.encode(GeminiEmbeddings.predictRequest(request))
        let response = try await exchange.post(
            url: try url(call.upstreamModel, action: "predict"),
            body: body,
            deadline: call.deadline,
            stream: false
        )
        let bytes = try await exchange.collect(response)
        guard let decoded = try? JSONDecoder().decode(GeminiEmbeddings.PredictResponse.self, from: bytes) else {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: 200,
                message: "upstream sent a malformed embeddings body"
            )
        }
        let counted = decoded.predictions.compactMap { $0.embeddings.statistics?.token_count }
        let sum = counted.reduce(0, +)
        // A count that is not a sane number (huge, negative) is estimated instead: `Int(_:)` traps.
        let tokens =
            counted.count == decoded.predictions.count && !counted.isEmpty && sum.isFinite && sum >= 0 && sum < 1e15
            ? Int(sum) : GeminiEmbeddings.estimateTokens(request.texts)
        let answer = GeminiEmbeddings.openAIResponse(
            vectors: decoded.predictions.map(\.embeddings.values),
            model: call.upstreamModel,
            base64: request.encoding_format == "base64",
            promptTokens: tokens
        )
        return UpstreamReply(body: ByteBuffer(data: answer.body), usage: answer.usage)
    }

    /// `{base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{action}`
    /// (express mode: `{base}/v1/publishers/google/models/{model}:{action}`).
    func url(_ model: String, action: String) throws(UpstreamFailure) -> String {
        let bare = try GeminiExchange.validatedModel(model)
        guard let project else {
            if expressMode { return "\(baseURL)/v1/publishers/google/models/\(bare):\(action)" }
            throw UpstreamFailure(
                kind: .upstreamAuth,
                message: "Vertex AI: no project configured (options.project or the key file's project_id)"
            )
        }
        let projectSegment = try GeminiExchange.validatedModel(project)
        let locationSegment = try GeminiExchange.validatedModel(location)
        return
            "\(baseURL)/v1/projects/\(projectSegment)/locations/\(locationSegment)/publishers/google/models/\(bare):\(action)"
    }
}
