import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// The adapter for OpenAI and every OpenAI-compatible preset: the client's body passes
/// through with only `model` rewritten (plus the preset's deviations, providers.md §7, also
/// by splicing), and answers come back as they are.
public struct OpenAIAdapter: ProviderAdapter {
    public let name: String
    public let capabilities: ProviderCapabilities
    private let baseURL: String
    private let apiKey: Secret
    private let http: UpstreamHTTPClient
    private let logger: Logger
    /// Largest upstream answer read whole (non-streaming).
    private let maxResponseBytes: Int
    /// The provider's deviations from OpenAI.
    public let preset: OpenAICompatiblePreset

    public init(
        name: String,
        baseURL: String,
        apiKey: Secret,
        http: UpstreamHTTPClient,
        capabilities: ProviderCapabilities = ProviderCapabilities(),
        maxResponseBytes: Int = 64 * 1024 * 1024,
        preset: OpenAICompatiblePreset = .openai,
        logger: Logger
    ) {
        self.preset = preset
        self.name = name
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
        self.capabilities = capabilities
        self.maxResponseBytes = maxResponseBytes
        self.logger = logger
    }

    /// An adapter for an OpenAI-compatible preset: its deviation table, and its default
    /// base URL when `baseURL` is empty.
    public init(
        provider: ProviderConfig,
        wire: ProviderProtocol,
        baseURL: String,
        http: UpstreamHTTPClient,
        logger: Logger
    ) {
        var base = baseURL.isEmpty ? (wire.defaultBaseURL ?? "") : baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.init(
            name: provider.name,
            baseURL: base,
            apiKey: provider.apiKey,
            http: http,
            capabilities: ProviderCapabilities(
                embeddings: ![ProviderProtocol.deepseek, .groq, .xai, .moonshot].contains(wire),
                tools: wire != .perplexity
            ),
            preset: .preset(for: wire),
            logger: logger
        )
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let request = try makeRequest(path: "/chat/completions", call: call, forceUsage: false, stream: false)
        return try await exchange(request, deadline: call.deadline)
    }

    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        // Embedding bodies are not chat bodies: only `model` is spliced.
        let request = try makeRequest(path: "/embeddings", call: call, forceUsage: false, stream: false, preset: .openai)
        return try await exchange(request, deadline: call.deadline)
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        let request = try makeRequest(path: "/chat/completions", call: call, forceUsage: true, stream: true)
        let response = try await http.execute(request, deadline: call.deadline, logger: logger)
        guard response.status == .ok else {
            throw await failure(from: response)
        }
        return ChatEventStream(OpenAIStreamSource(body: response.body))
    }

    private func makeRequest(
        path: String,
        call: ChatCall,
        forceUsage: Bool,
        stream: Bool,
        preset explicitPreset: OpenAICompatiblePreset? = nil
    ) throws(UpstreamFailure) -> HTTPClientRequest {
        let preset = explicitPreset ?? self.preset
        guard let body = PresetBodyRewriter.rewrite(call.body, upstreamModel: call.upstreamModel, forceUsage: forceUsage, preset: preset) else {
            throw UpstreamFailure(kind: .invalidRequest, status: 400, message: "request body is not a JSON object")
        }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.reserveCapacity(5)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        if !apiKey.isEmpty {
            request.headers.add(name: "authorization", value: "Bearer " + apiKey.value)
        }
        request.headers.add(name: "x-client-request-id", value: call.requestID)
        request.body = .bytes(body)
        return request
    }

    private func exchange(_ request: HTTPClientRequest, deadline: NIODeadline) async throws(UpstreamFailure) -> UpstreamReply {
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
        let wellFormed = body.withUnsafeReadableBytes { JSONTopLevelScanner.scan($0, keys: []) != nil }
        guard wellFormed else {
            throw UpstreamFailure(kind: .malformedResponse, status: Int(response.status.code), message: "upstream sent a malformed response body")
        }
        return UpstreamReply(body: body, usage: OpenAIWire.usage(in: body))
    }

    private func failure(from response: HTTPClientResponse) async -> UpstreamFailure {
        let body = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
        return OpenAIErrorClassifier.classify(status: Int(response.status.code), headers: response.headers, body: body)
    }
}
