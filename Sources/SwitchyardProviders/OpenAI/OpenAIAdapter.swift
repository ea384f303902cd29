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
    /// The lean pool for whole answers and streams, and the base URL's path (`/v1`), when the base URL
    /// is a plain `http(s)://host[:port]/path`.
    private let lean: (pool: HTTP1Pool, basePath: String)?

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
        if !baseURL.contains("?"), !baseURL.contains("#"), let origin = HTTP1Pool.Origin(url: baseURL),
            let pool = http.pool(for: origin)
        {
            let afterScheme = baseURL.drop { $0 != ":" }.dropFirst(3)
            let path = afterScheme.drop { $0 != "/" }
            self.lean = (pool, String(path))
        } else {
            self.lean = nil
        }
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
        if let lean {
            return try await leanExchange(lean, path: "/chat/completions", call: call, preset: preset)
        }
        let request = try makeRequest(path: "/chat/completions", call: call, forceUsage: false, stream: false)
        return try await exchange(request, deadline: call.deadline)
    }

    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        // Embedding bodies are not chat bodies: only `model` is spliced.
        if let lean {
            return try await leanExchange(lean, path: "/embeddings", call: call, preset: .openai)
        }
        let request = try makeRequest(path: "/embeddings", call: call, forceUsage: false, stream: false, preset: .openai)
        return try await exchange(request, deadline: call.deadline)
    }

    /// A whole answer over the lean pool: same body, headers and checks as `exchange`.
    private func leanExchange(
        _ lean: (pool: HTTP1Pool, basePath: String),
        path: String,
        call: ChatCall,
        preset: OpenAICompatiblePreset
    ) async throws(UpstreamFailure) -> UpstreamReply {
        let (body, headers) = try requestParts(call: call, forceUsage: false, stream: false, preset: preset, extraCapacity: 2)
        // Handed over, not shared (`consume`): the pool adds its fields in place.
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: lean.basePath + path, headers: consume headers)
        let answer = try await lean.pool.execute(consume head, body: body, deadline: call.deadline, maxResponseBytes: maxResponseBytes)
        let status = Int(answer.head.status.code)
        guard (200..<300).contains(status) else {
            var errorBody = answer.body
            if errorBody.readableBytes > 1024 * 1024 { errorBody = errorBody.getSlice(at: errorBody.readerIndex, length: 1024 * 1024) ?? errorBody }
            throw OpenAIErrorClassifier.classify(status: status, headers: answer.head.headers, body: errorBody)
        }
        return try Self.wholeAnswer(answer.body, status: status)
    }

    /// Checks a whole 2xx answer and reads its usage.
    private static func wholeAnswer(_ body: ByteBuffer, status: Int) throws(UpstreamFailure) -> UpstreamReply {
        let (wellFormed, usage) = OpenAIWire.check(wholeAnswer: body)
        guard wellFormed else {
            throw UpstreamFailure(kind: .malformedResponse, status: status, message: "upstream sent a malformed response body")
        }
        return UpstreamReply(body: body, usage: usage)
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        if let lean {
            let (body, headers) = try requestParts(call: call, forceUsage: true, stream: true, preset: preset, extraCapacity: 2)
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: lean.basePath + "/chat/completions", headers: consume headers)
            let answer = try await lean.pool.stream(consume head, body: body, deadline: call.deadline, maxWholeBytes: 1024 * 1024)
            guard let stream = answer.body else {
                throw OpenAIErrorClassifier.classify(status: Int(answer.head.status.code), headers: answer.head.headers, body: answer.wholeBody)
            }
            return ChatEventStream(OpenAIStreamSource(body: stream.makeAsyncIterator(), discardRest: { _ in stream.discardRest() }))
        }
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
        let (body, headers) = try requestParts(call: call, forceUsage: forceUsage, stream: stream, preset: explicitPreset ?? self.preset)
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(body)
        return request
    }

    /// The upstream body (the client's, `model` spliced per the preset) and the headers of
    /// every request to the provider, for either client. `extraCapacity` leaves room for
    /// the headers the lean pool adds (`host`, `content-length`).
    private func requestParts(
        call: ChatCall,
        forceUsage: Bool,
        stream: Bool,
        preset: OpenAICompatiblePreset,
        extraCapacity: Int = 0
    ) throws(UpstreamFailure) -> (body: ByteBuffer, headers: HTTPHeaders) {
        guard let body = PresetBodyRewriter.rewrite(call.body, upstreamModel: call.upstreamModel, forceUsage: forceUsage, preset: preset) else {
            throw UpstreamFailure(kind: .invalidRequest, status: 400, message: "request body is not a JSON object")
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(4 + extraCapacity)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        if !apiKey.isEmpty {
            headers.add(name: "authorization", value: "Bearer " + apiKey.value)
        }
        headers.add(name: "x-client-request-id", value: call.requestID)
        return (body, headers)
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
        return try Self.wholeAnswer(body, status: Int(response.status.code))
    }

    private func failure(from response: HTTPClientResponse) async -> UpstreamFailure {
        let body = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
        return OpenAIErrorClassifier.classify(status: Int(response.status.code), headers: response.headers, body: body)
    }
}
