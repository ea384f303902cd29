import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// The adapter for Cohere Chat v2 (providers.md §6): canonical requests become
/// `POST {base}/v2/chat` bodies, answers and SSE streams come back in OpenAI form;
/// embeddings go to `POST {base}/v2/embed`.
public struct CohereAdapter: ProviderAdapter {
    public let name: String
    public let capabilities = ProviderCapabilities(embeddings: true, tools: true, vision: true)
    private let base: String
    private let apiKey: Secret
    private let http: UpstreamHTTPClient
    private let logger: Logger
    private let maxResponseBytes: Int

    /// - Parameter baseURL: `https://api.cohere.com` (a trailing `/v2` or `/v1` is accepted).
    public init(
        provider: ProviderConfig,
        baseURL: String,
        http: UpstreamHTTPClient,
        logger: Logger,
        maxResponseBytes: Int = 64 * 1024 * 1024
    ) {
        self.name = provider.name
        self.apiKey = provider.apiKey
        self.base = Self.base(baseURL.isEmpty ? (ProviderProtocol.cohere.defaultBaseURL ?? "") : baseURL)
        self.http = http
        self.logger = logger
        self.maxResponseBytes = maxResponseBytes
    }

    /// The base without trailing slashes or a version path.
    static func base(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        for suffix in ["/v2", "/v1"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        return base
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let wire = try CohereTranslator.request(
            try CanonicalJSON.decodeRequest(call.body),
            upstreamModel: call.upstreamModel,
            stream: false
        )
        let body = try await exchange(path: "/v2/chat", body: wire, stream: false, deadline: call.deadline)
        guard let response = try? JSONDecoder().decode(CohereWire.Response.self, from: body) else {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: 200,
                message: "upstream sent a malformed response body"
            )
        }
        let canonical = CohereTranslator.response(response, created: Self.now(), model: call.upstreamModel)
        return UpstreamReply(body: canonical.encoded(), usage: canonical.usage?.tokenUsage)
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        let wire = try CohereTranslator.request(
            try CanonicalJSON.decodeRequest(call.body),
            upstreamModel: call.upstreamModel,
            stream: true
        )
        let response = try await http.execute(
            try makeRequest(path: "/v2/chat", body: wire, stream: true),
            deadline: call.deadline,
            logger: logger
        )
        guard response.status == .ok else {
            throw await failure(from: response)
        }
        let translator = CohereStreamTranslator(created: Self.now(), model: call.upstreamModel)
        return ChatEventStream(CohereStreamSource(body: response.body, translator: translator))
    }

    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        guard let openAI = try? JSONDecoder().decode(CohereEmbeddings.OpenAIRequest.self, from: call.body) else {
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message: "Cohere embeddings take `input` as a string or an array of strings",
                param: "input"
            )
        }
        let wire = CohereEmbeddings.request(openAI, model: call.upstreamModel)
        let body = try await exchange(path: "/v2/embed", body: wire, stream: false, deadline: call.deadline)
        guard let response = try? JSONDecoder().decode(CohereEmbeddings.Response.self, from: body) else {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: 200,
                message: "upstream sent a malformed embeddings body"
            )
        }
        let answer = CohereEmbeddings.response(
            response,
            model: call.upstreamModel,
            base64: openAI.encoding_format == "base64"
        )
        let tokens = answer.usage.prompt_tokens
        return UpstreamReply(
            body: CanonicalJSON.encode(answer),
            usage: TokenUsage(promptTokens: tokens, completionTokens: 0)
        )
    }

    private func exchange(path: String, body: some Encodable, stream: Bool, deadline: NIODeadline)
        async throws(UpstreamFailure) -> ByteBuffer
    {
        let response = try await http.execute(
            try makeRequest(path: path, body: body, stream: stream),
            deadline: deadline,
            logger: logger
        )
        guard (200..<300).contains(response.status.code) else {
            throw await failure(from: response)
        }
        do {
            return try await response.body.collect(upTo: maxResponseBytes)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
    }

    func makeRequest(path: String, body: some Encodable, stream: Bool) throws(UpstreamFailure) -> HTTPClientRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(body) else {
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message: "the request could not be encoded for Cohere"
            )
        }
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.reserveCapacity(4)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        if !apiKey.isEmpty {
            request.headers.add(name: "authorization", value: "Bearer " + apiKey.value)
        }
        request.body = .bytes(ByteBuffer(data: data))
        return request
    }

    private func failure(from response: HTTPClientResponse) async -> UpstreamFailure {
        let body = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
        return CohereErrorClassifier.classify(status: Int(response.status.code), headers: response.headers, body: body)
    }

    private static func now() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
