import Hummingbird
import HTTPTypes

/// The Gemini API protocol (providers.md §3): `models/{model}:generateContent`,
/// `:streamGenerateContent` (SSE with `alt=sse`, else one JSON array), `:countTokens`,
/// `:embedContent`, `:batchEmbedContents`, `GET .../models`; Google RPC error bodies.
/// Any path prefix works, so Vertex-style `.../publishers/google/models/...` paths do too.
struct GeminiDialect: WireDialect {
    func hasAPIKey(_ key: String, in request: Request) -> Bool {
        if request.headers[SimHeader.xGoogAPIKey] == key { return true }
        if SimHeader.bearer(request).map({ $0 == key }) == true { return true }
        return request.uri.queryParameters.get("key") == key
    }

    func respond(to request: Request, body: ByteBuffer, exchange: SimulatedExchange) async throws -> Response? {
        let path = request.uri.path
        if request.method == .get, path.hasSuffix("/models") {
            return models(exchange: exchange)
        }
        guard request.method == .post, let last = path.split(separator: "/").last,
            let colon = last.lastIndex(of: ":")
        else { return nil }
        let model = String(last[..<colon])
        switch last[last.index(after: colon)...] {
        case "generateContent":
            return await generate(model: model, stream: false, sse: false, body: body, exchange: exchange)
        case "streamGenerateContent":
            let sse = request.uri.queryParameters.get("alt") == "sse"
            return await generate(model: model, stream: true, sse: sse, body: body, exchange: exchange)
        case "countTokens":
            exchange.tracker.finish(.completed)
            return exchange.json("{\"totalTokens\":\(max(1, body.readableBytes / 4))}")
        case "embedContent", "batchEmbedContents":
            return await embed(body: body, exchange: exchange)
        default:
            return nil
        }
    }

    /// The Gemini API answers a bad key with 400 `INVALID_ARGUMENT` / `API_KEY_INVALID`.
    func authFailure(exchange: SimulatedExchange) -> Response {
        exchange.tracker.finish(.failed)
        let body = "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\","
            + "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
            + "\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\"}]}}"
        return exchange.json(body, status: .badRequest)
    }

    func errorResponse(status: Int, message: String, exchange: SimulatedExchange) -> Response {
        exchange.json(Self.errorJSON(status: status, message: message), status: .init(code: status))
    }

    func inBandStreamError(status: Int, message: String, exchange: SimulatedExchange) -> ByteBuffer {
        ByteBuffer(string: "data: " + Self.errorJSON(status: status, message: message) + "\r\n\r\n")
    }

    /// A Google RPC error body (§3.6); 429 carries a `RetryInfo` of 1 s.
    static func errorJSON(status: Int, message: String) -> String {
        let details = status == 429
            ? ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"1s\"}]"
            : ""
        return "{\"error\":{\"code\":\(status),\"message\":\(JSONText.quoted(message)),"
            + "\"status\":\"\(rpcStatus(status))\"\(details)}}"
    }

    static func rpcStatus(_ status: Int) -> String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ABORTED"
        case 429: "RESOURCE_EXHAUSTED"
        case 499: "CANCELLED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 400..<500: "FAILED_PRECONDITION"
        default: "INTERNAL"
        }
    }

    func models(exchange: SimulatedExchange) -> Response {
        exchange.tracker.finish(.completed)
        let items = exchange.options.models.map { id in
            "{\"name\":\(JSONText.quoted("models/" + id)),\"displayName\":\(JSONText.quoted(id)),"
                + "\"inputTokenLimit\":1048576,\"outputTokenLimit\":65536,"
                + "\"supportedGenerationMethods\":[\"generateContent\",\"countTokens\"]}"
        }.joined(separator: ",")
        return exchange.json("{\"models\":[\(items)]}")
    }

    func embed(body: ByteBuffer, exchange: SimulatedExchange) async -> Response {
        let request: GeminiEmbedRequest
        switch RequestDecoding.decode(GeminiEmbedRequest.self, from: body) {
        case .success(let decoded): request = decoded
        case .failure(let failure): return exchange.fail(dialect: self, status: 400, message: failure.message)
        }
        if let replaced = await exchange.chaos(dialect: self, stream: false) { return replaced }
        guard await exchange.deliverWhole(pacedChunks: 1) else { return exchange.abandon() }
        func values(_ content: GeminiEmbedRequest.Content, _ dimensions: Int?) -> String {
            let text = content.parts.compactMap(\.text).joined(separator: "\n")
            let vector = EmbeddingVectors.vector(for: text, dimensions: min(max(1, dimensions ?? 8), 8192))
            return "{\"values\":\(EmbeddingVectors.jsonArray(vector))}"
        }
        if let batch = request.requests {
            let items = batch.map { values($0.content, $0.outputDimensionality) }.joined(separator: ",")
            return exchange.json("{\"embeddings\":[\(items)]}")
        }
        guard let content = request.content else {
            return exchange.json(Self.errorJSON(status: 400, message: "content is required"), status: .badRequest)
        }
        return exchange.json("{\"embedding\":\(values(content, request.outputDimensionality))}")
    }
}
